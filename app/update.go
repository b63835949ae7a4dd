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
// It learns of the update two ways: go-app's OnAppUpdate, and the
// "jiuzhu-update" event of web/static/jiuzhu.js, which also catches an update
// that took over the page before the app had started.
type updateBanner struct {
	goapp.Compo
	lang      string
	available bool
	release   []func()
}

func (b *updateBanner) OnMount(ctx goapp.Context) {
	observeLang(ctx, &b.lang)
	b.available = ctx.AppUpdateAvailable() || updatedBeforeStart()
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

func (b *updateBanner) OnAppUpdate(ctx goapp.Context) { b.available = true }

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
