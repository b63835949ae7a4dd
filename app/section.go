package app

import (
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/shared/i18n"
)

// sectionPage is the landing page of one part of the service. Until records
// of its kind exist on the device it says so plainly.
type sectionPage struct {
	goapp.Compo
	page
	Section Section
}

func (p *sectionPage) OnMount(ctx goapp.Context) { p.mount(ctx) }

func (p *sectionPage) OnNav(ctx goapp.Context) { setTitle(ctx, langOf(p.lang), p.Section.Title) }

func (p *sectionPage) Render() ui { return p.gate(p.render) }

func (p *sectionPage) render(l i18n.Lang) ui {
	return frame(l, p.Section.Path,
		goapp.H1().ID("page-title").Text(i18n.T(l, p.Section.Title)),
		goapp.P().Class("jz-hint").Text(i18n.T(l, p.Section.Desc)),
		goapp.P().Class("jz-empty").Text(i18n.T(l, i18n.SectionEmpty)),
	)
}
