package app

import (
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/shared/i18n"
)

// How often an open app asks the server whether a new version exists
// (go-app v10 does not poll by itself).
const updateEvery = 10 * time.Minute

// updateBanner checks for a new version when a page opens, when the network
// returns and periodically, and offers to reload once it has been installed.
//
// It learns of the update from web/static/jiuzhu.js ("jiuzhu-update", and
// window.jiuzhuUpdated for an update that took over the page before the app
// started). go-app's own OnAppUpdate is not used: it also fires when the
// very first service worker takes control, which is no update.
type updateBanner struct {
	goapp.Compo
	lang      string
	available bool
	release   []func()
}

func (b *updateBanner) OnMount(ctx goapp.Context) {
	observeLang(ctx, &b.lang)
	b.available = updatedBeforeStart()
	b.release = append(b.release,
		onWindowEvent("online", goapp.TryUpdate),
		onWindowEvent("jiuzhu-update", func() {
			ctx.Dispatch(func(goapp.Context) { b.available = true })
		}),
	)
	goapp.TryUpdate()
	b.schedule(ctx)
}

func (b *updateBanner) OnDismount() {
	for _, r := range b.release {
		r()
	}
	b.release = nil
}

// updatedBeforeStart reports whether jiuzhu.js saw a new service worker take
// over the page.
func updatedBeforeStart() bool {
	return goapp.IsClient && goapp.Window().Get("jiuzhuUpdated").Truthy()
}

func (b *updateBanner) schedule(ctx goapp.Context) {
	ctx.After(updateEvery, func(ctx goapp.Context) {
		if b.Mounted() {
			goapp.TryUpdate()
			b.schedule(ctx)
		}
	})
}

func (b *updateBanner) Render() ui {
	l := langOf(b.lang)
	if !b.available {
		return goapp.Div().Class("jz-update-none")
	}
	return goapp.Div().ID("update-banner").Class("jz-banner").Attr("role", "status").Body(
		goapp.P().Text(i18n.T(l, i18n.UpdateAvailable)),
		goapp.Button().ID("update-reload").Text(i18n.T(l, i18n.UpdateReload)).
			OnClick(func(ctx goapp.Context, e goapp.Event) { ctx.Reload() }),
	)
}
