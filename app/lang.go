package app

import (
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/shared/i18n"
)

// observeLang keeps *dst equal to the chosen language; the stored value
// (localStorage) is read at once, so a page mounts in the right language.
func observeLang(ctx goapp.Context, dst *string) {
	ctx.ObserveState(stateLang, dst)
}

// langOf turns the observed state into a supported language (Chinese when
// nothing, or something unknown, is stored).
func langOf(s string) i18n.Lang {
	l, _ := i18n.Parse(s)
	return l
}

// langSwitch is the header button that changes the interface language. The
// choice is remembered on the device.
type langSwitch struct {
	goapp.Compo
	lang string
}

func (s *langSwitch) OnMount(ctx goapp.Context) {
	ctx.ObserveState(stateLang, &s.lang).OnChange(func() { setDocumentLang(langOf(s.lang)) })
	setDocumentLang(langOf(s.lang))
}

func (s *langSwitch) Render() ui {
	cur := langOf(s.lang)
	next := i18n.EN
	if cur == i18n.EN {
		next = i18n.ZH
	}
	return goapp.Button().
		ID("lang-switch").
		Class("secondary").
		Lang(string(next)).
		Title(i18n.T(cur, i18n.LangSwitch)).
		Aria("label", i18n.T(cur, i18n.LangSwitch)+": "+next.Name()).
		Text(next.Name()).
		OnClick(s.toggle)
}

// toggle switches to the other language. It reads the state at click time:
// go-app keeps an element's first handler across re-renders, so a handler
// must not capture values computed in Render.
func (s *langSwitch) toggle(ctx goapp.Context, e goapp.Event) {
	next := i18n.EN
	if langOf(s.lang) == i18n.EN {
		next = i18n.ZH
	}
	ctx.SetState(stateLang, string(next)).Persist()
}

// setDocumentLang sets <html lang>, which screen readers and fonts use.
func setDocumentLang(l i18n.Lang) {
	if goapp.IsClient {
		goapp.Window().Get("document").Get("documentElement").Set("lang", string(l))
	}
}
