package app

import (
	"fmt"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/syncer"
	"jiuzhu/shared/i18n"
)

// statusBadge shows the open account's sync status in the header (the
// header is only shown while an account is open). It links to the review
// page, and it is text as well as colour, so it reads the same to everyone.
type statusBadge struct {
	goapp.Compo
	lang string
	sync syncer.Status
}

func (s *statusBadge) OnMount(ctx goapp.Context) {
	observeLang(ctx, &s.lang)
	ctx.ObserveState(stateSync, &s.sync)
}

func (s *statusBadge) Render() ui { return syncBadge(langOf(s.lang), s.sync) }

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
	if st.State == syncer.Syncing && st.Received > 0 {
		text += " · " + fmt.Sprintf(t(i18n.SyncReceived), st.Received)
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
