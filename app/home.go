package app

import (
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/shared/i18n"
)

// homePage welcomes the worker and leads to each part of the service.
type homePage struct {
	goapp.Compo
	page
}

func (p *homePage) OnMount(ctx goapp.Context) { p.mount(ctx) }

func (p *homePage) OnNav(ctx goapp.Context) { setTitle(ctx, langOf(p.lang), "") }

func (p *homePage) Render() ui { return p.gate(p.render) }

func (p *homePage) render(l i18n.Lang) ui {
	cards := make([]ui, 0, len(Sections))
	for _, s := range Sections {
		cards = append(cards, goapp.Li().Body(
			goapp.A().Class("jz-card").Href(s.Path).Body(
				goapp.H2().Text(i18n.T(l, s.Title)),
				goapp.P().Text(i18n.T(l, s.Desc)),
			),
		))
	}
	return frame(l, "/",
		goapp.H1().ID("page-title").Text(i18n.T(l, i18n.HomeWelcome)),
		goapp.P().Class("jz-hint").Text(i18n.T(l, i18n.HomeIntro)),
		goapp.Ul().Class("jz-cards").Body(cards...),
	)
}
