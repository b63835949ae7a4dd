package app

import (
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/shared/i18n"
)

// installButton offers to install the app on the tablet's home screen when
// the browser allows it. Apple browsers have no install prompt, so there the
// button explains the Add-to-Home-Screen steps instead.
type installButton struct {
	goapp.Compo
	lang        string
	installable bool
	appleHelp   bool
}

func (b *installButton) OnMount(ctx goapp.Context) {
	observeLang(ctx, &b.lang)
	b.installable = ctx.IsAppInstallable()
}

func (b *installButton) OnAppInstallChange(ctx goapp.Context) {
	b.installable = ctx.IsAppInstallable()
}

func (b *installButton) Render() ui {
	l := langOf(b.lang)
	if !b.installable {
		return goapp.Span().Class("jz-install-none")
	}
	return goapp.Span().Body(
		goapp.Button().ID("install").Text(i18n.T(l, i18n.InstallButton)).
			OnClick(func(ctx goapp.Context, e goapp.Event) {
				if ctx.IsAppleBrowser() {
					b.appleHelp = true
					return
				}
				ctx.ShowAppInstallPrompt()
			}),
		goapp.If(b.appleHelp, func() ui {
			return goapp.Div().Class("jz-dialog").Attr("role", "dialog").
				Aria("labelledby", "install-title").Body(
				goapp.Div().Body(
					goapp.H2().ID("install-title").Text(i18n.T(l, i18n.InstallAppleTitle)),
					goapp.P().Text(i18n.T(l, i18n.InstallAppleSteps)),
					goapp.Button().Text(i18n.T(l, i18n.InstallClose)).
						OnClick(func(ctx goapp.Context, e goapp.Event) { b.appleHelp = false }),
				),
			)
		}),
	)
}
