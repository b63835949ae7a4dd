package app

import (
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/shared/i18n"
)

// frame lays out every page: the header (name, connection status, install,
// language), the update banner, the navigation and the page's content.
// The stateful parts are small components that keep their own state across
// re-renders; frame itself holds none.
func frame(l i18n.Lang, path string, content ...ui) ui {
	links := make([]ui, 0, len(Sections)+1)
	links = append(links, navLink(l, "/", i18n.NavHome, path))
	for _, s := range Sections {
		links = append(links, navLink(l, s.Path, s.Title, path))
	}
	return goapp.Div().Class("jz-shell").Body(
		goapp.Header().Class("jz-header").Body(
			goapp.A().Class("jz-brand").Href("/").Body(
				goapp.Img().Src("/web/icons/icon.svg").Aria("hidden", "true").Width(36).Height(36),
				goapp.Span().Text(i18n.T(l, i18n.AppName)),
			),
			goapp.Div().Class("jz-spacer"),
			&statusBadge{},
			&installButton{},
			&langSwitch{},
			&accountMenu{},
		),
		&updateBanner{},
		goapp.Div().Class("jz-body").Body(
			goapp.Nav().Class("jz-nav").Aria("label", i18n.T(l, i18n.NavMain)).Body(
				goapp.Ul().Body(links...),
			),
			goapp.Main().Class("jz-main").ID("main").Body(content...),
		),
	)
}

func navLink(l i18n.Lang, href string, label i18n.Key, current string) ui {
	id := "nav-home"
	if href != "/" {
		id = "nav-" + href[1:]
	}
	a := goapp.A().ID(id).Href(href).Text(i18n.T(l, label))
	if href == current {
		a = a.Aria("current", "page")
	}
	return goapp.Li().Body(a)
}

// setTitle sets the document title to "page · app".
func setTitle(ctx goapp.Context, l i18n.Lang, page i18n.Key) {
	t := i18n.T(l, i18n.AppName)
	if page != "" {
		t = i18n.T(l, page) + " · " + t
	}
	ctx.Page().SetTitle(t)
}

// accountMenu shows who is working and locks the app on request.
type accountMenu struct {
	goapp.Compo
	lang    string
	account string
}

func (m *accountMenu) OnMount(ctx goapp.Context) {
	observeLang(ctx, &m.lang)
	ctx.ObserveState(stateAccount, &m.account)
}

func (m *accountMenu) Render() ui {
	if m.account == "" {
		return goapp.Span().Class("jz-account-none")
	}
	l := langOf(m.lang)
	return goapp.Span().Class("jz-account").Body(
		goapp.Span().ID("account-name").Text(m.account),
		goapp.Button().ID("lock-button").Class("secondary").Text(i18n.T(l, i18n.LockNow)).
			OnClick(func(goapp.Context, goapp.Event) { go lockDevice() }),
	)
}
