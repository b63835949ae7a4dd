//go:build js && wasm

package app

import (
	"context"
	"strconv"
	"strings"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/account"
	"jiuzhu/app/caseindex"
	"jiuzhu/app/local"
	"jiuzhu/app/syncer"
	"jiuzhu/shared/api"
	"jiuzhu/shared/sync"
	"jiuzhu/shared/wsconn"
)

// StartDevice opens the tablet's keyring and prepares the device, so that
// the login screen can open an account. The app's entry point calls it
// before running the app.
func StartDevice() {
	ctx := context.Background()
	kr, err := local.OpenKeyring(ctx, local.KeyringOptions{Digester: &caseindex.Digester})
	if err != nil {
		goapp.Log("jiuzhu: cannot open this tablet's keyring:", err)
		return
	}
	theDevice = account.New(account.Config{
		Keyring: kr,
		Login: func(ctx context.Context, req api.LoginRequest) (api.LoginResponse, error) {
			var out api.LoginResponse
			err := account.PostJSON(ctx, "/api/login", req, &out)
			return out, err
		},
		Dial: func(ctx context.Context) (syncer.Conn, error) {
			return wsconn.Dial(ctx, syncURL(), nil, int64(sync.DefaultLimits.MaxMessage)+1024)
		},
		OnStatus: func(s syncer.Status) {
			events.publish(func(e *deviceEvent) { e.status = s })
			if s.State == syncer.UpToDate {
				theUploader.kick() // photos go once the records are through
			}
		},
		OnPage: receivedPages(),
		OnClosed: func(error) {
			theCases.forget()
			events.publish(func(e *deviceEvent) { e.account = "" })
		},
		App: goapp.Getenv("GOAPP_VERSION"),
	})
	go local.RequestPersistence(ctx)
	onWindowEvent("online", theDevice.Kick)
	watchIdle()
}

// syncURL is the /sync websocket of the server the app was loaded from.
func syncURL() string {
	loc := goapp.Window().Get("location")
	scheme := "ws://"
	if loc.Get("protocol").String() == "https:" {
		scheme = "wss://"
	}
	return scheme + loc.Get("host").String() + "/sync"
}

// idleLimit is how long the app may go untouched before it locks itself:
// 15 minutes, or what localStorage "jiuzhu.idle" says: whole minutes
// ("10"), or seconds with an s ("30s").
func idleLimit() time.Duration {
	if v := goapp.Window().Get("localStorage").Call("getItem", "jiuzhu.idle"); v.Truthy() {
		text := strings.TrimSpace(v.String())
		unit := time.Minute
		if sec, ok := strings.CutSuffix(text, "s"); ok {
			text, unit = sec, time.Second
		}
		if n, err := strconv.Atoi(text); err == nil && n > 0 {
			return time.Duration(n) * unit
		}
	}
	return 15 * time.Minute
}

// watchIdle locks the open account after idleLimit without a touch, key or
// pointer event.
func watchIdle() {
	last := time.Now()
	touch := func() { last = time.Now() }
	for _, ev := range []string{"pointerdown", "keydown", "touchstart", "wheel"} {
		onWindowEvent(ev, touch)
	}
	go func() {
		for range time.Tick(time.Second) {
			if theDevice.Store() != nil && time.Since(last) > idleLimit() {
				lockDevice()
			}
		}
	}()
}

// receivedPages tells the pages, at most once a second, how much a sync
// round has pulled so far: a first sync of thousands of cases takes many
// pages, and the case list shows them as they arrive rather than all at
// the end.
func receivedPages() func(pulled int) {
	var last time.Time
	return func(pulled int) {
		if time.Since(last) < time.Second {
			return
		}
		last = time.Now()
		events.publish(func(e *deviceEvent) {
			if e.status.State == syncer.Syncing {
				e.status.Received = pulled
			}
		})
	}
}
