package app

import (
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/shared/i18n"
)

// notFoundPage is shown for any address that is not a page of the app.
type notFoundPage struct {
	goapp.Compo
	page
}

func (p *notFoundPage) OnMount(ctx goapp.Context) { p.mount(ctx) }

func (p *notFoundPage) OnNav(ctx goapp.Context) {
	setTitle(ctx, langOf(p.lang), i18n.NotFoundTitle)
}

func (p *notFoundPage) Render() ui { return p.gate(p.render) }

func (p *notFoundPage) render(l i18n.Lang) ui {
	return frame(l, "",
		goapp.H1().ID("page-title").Text(i18n.T(l, i18n.NotFoundTitle)),
		goapp.P().ID("notfound").Text(i18n.T(l, i18n.NotFoundText)),
		goapp.A().Class("button").Href("/").Text(i18n.T(l, i18n.NotFoundHome)),
	)
}
