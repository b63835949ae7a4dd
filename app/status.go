package app

import (
	"fmt"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/syncer"
	"jiuzhu/shared/i18n"
)

// How often the connection to the server is checked while a page is open,
// and how long one check may take.
const (
	probeEvery   = 30 * time.Second
	probeTimeout = 5 * time.Second
)

// netState is what is known of the connection to the server.
type netState int

const (
	netUnknown netState = iota // not checked yet (also while prerendering)
	netOnline
	netOffline
)

// statusBadge shows whether the server can be reached: "online" only when
// the browser has a network and the server answered its last health check.
// It is text as well as colour, so it reads the same to everyone.
type statusBadge struct {
	goapp.Compo
	lang    string
	state   netState
	account string
	sync    syncer.Status
	release []func()
}

func (s *statusBadge) OnMount(ctx goapp.Context) {
	observeLang(ctx, &s.lang)
	ctx.ObserveState(stateOnline, &s.state)
	ctx.ObserveState(stateAccount, &s.account)
	ctx.ObserveState(stateSync, &s.sync)
	for _, ev := range []string{"online", "offline"} {
		s.release = append(s.release, onWindowEvent(ev, func() {
			ctx.Dispatch(func(ctx goapp.Context) { s.probe(ctx) })
		}))
	}
	s.probe(ctx)
	s.schedule(ctx)
}

func (s *statusBadge) OnDismount() {
	for _, r := range s.release {
		r()
	}
	s.release = nil
}

func (s *statusBadge) schedule(ctx goapp.Context) {
	ctx.After(probeEvery, func(ctx goapp.Context) {
		if !s.Mounted() {
			return
		}
		s.probe(ctx)
		s.schedule(ctx)
	})
}

// probe asks the server's /healthz (never cached by the service worker) and
// publishes the result to every page.
func (s *statusBadge) probe(ctx goapp.Context) {
	if !navigatorOnline() {
		ctx.SetState(stateOnline, netOffline)
		return
	}
	ctx.Async(func() {
		st := netOffline
		if reachable() {
			st = netOnline
		}
		ctx.Dispatch(func(ctx goapp.Context) { ctx.SetState(stateOnline, st) })
	})
}

func (s *statusBadge) Render() ui {
	l := langOf(s.lang)
	if s.account != "" {
		return syncBadge(l, s.sync)
	}
	badge := goapp.Span().ID("net-status").Aria("live", "polite")
	switch s.state {
	case netOnline:
		return badge.Class("jz-status online").Text(i18n.T(l, i18n.StatusOnline))
	case netOffline:
		return badge.Class("jz-status offline").Title(i18n.T(l, i18n.StatusOfflineHint)).
			Text(i18n.T(l, i18n.StatusOffline))
	}
	return badge.Class("jz-status checking").Text(i18n.T(l, i18n.StatusChecking))
}

// reachable fetches /healthz with the browser's fetch (Go's net/http client
// would add megabytes to app.wasm) and reports whether it answered 200 in
// time. It blocks, so it runs in ctx.Async.
func reachable() bool {
	if !goapp.IsClient {
		return false
	}
	done := make(chan bool, 1)
	resolve := goapp.FuncOf(func(_ goapp.Value, args []goapp.Value) any {
		done <- len(args) > 0 && args[0].Get("ok").Bool()
		return nil
	})
	reject := goapp.FuncOf(func(goapp.Value, []goapp.Value) any {
		done <- false
		return nil
	})
	defer resolve.Release()
	defer reject.Release()
	opts := map[string]any{"cache": "no-store"}
	if timeout := goapp.Window().Get("AbortSignal").Get("timeout"); timeout.Truthy() {
		opts["signal"] = goapp.Window().Get("AbortSignal").Call("timeout", int(probeTimeout/time.Millisecond))
	}
	goapp.Window().Call("fetch", "/healthz", opts).Call("then", resolve, reject)
	select {
	case ok := <-done:
		return ok
	case <-time.After(probeTimeout + time.Second):
		return false
	}
}

func navigatorOnline() bool {
	if !goapp.IsClient {
		return false
	}
	return goapp.Window().Get("navigator").Get("onLine").Bool()
}

// onWindowEvent calls f whenever window fires event; the returned function
// removes the listener.
func onWindowEvent(event string, f func()) func() {
	if !goapp.IsClient {
		return func() {}
	}
	fn := goapp.FuncOf(func(goapp.Value, []goapp.Value) any { f(); return nil })
	goapp.Window().Call("addEventListener", event, fn)
	return func() {
		goapp.Window().Call("removeEventListener", event, fn)
		fn.Release()
	}
}

// syncBadge shows the open account's sync status: the state in words, what
// waits to be sent, what the server refused, and (as its title) when it
// last synced and why the last attempt failed.
func syncBadge(l i18n.Lang, st syncer.Status) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	class, text := "jz-status checking", t(i18n.SyncSyncing)
	switch st.State {
	case syncer.UpToDate:
		class, text = "jz-status online", t(i18n.SyncUpToDate)
	case syncer.Offline:
		class, text = "jz-status offline", t(i18n.StatusOffline)
	case syncer.Unauthorized:
		class, text = "jz-status offline", t(i18n.SyncUnauthorized)
	case syncer.UpdateRequired:
		class, text = "jz-status offline", t(i18n.SyncUpdate)
	case syncer.Revoked:
		class, text = "jz-status offline", t(i18n.SyncRevoked)
	}
	if st.Pending > 0 {
		text += " · " + fmt.Sprintf(t(i18n.SyncPending), st.Pending)
	}
	if st.Rejected > 0 {
		text += " · " + fmt.Sprintf(t(i18n.SyncRejected), st.Rejected)
	}
	title := ""
	if !st.LastSync.IsZero() {
		title = fmt.Sprintf(t(i18n.SyncLast), st.LastSync.Local().Format("2006-01-02 15:04"))
	}
	if st.Err != "" {
		title += " " + st.Err
	}
	return goapp.A().ID("net-status").Href("/review").Class(class).Aria("live", "polite").Title(title).Text(text)
}
