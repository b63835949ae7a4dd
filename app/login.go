package app

import (
	"context"
	"errors"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/account"
	"jiuzhu/app/syncer"
	"jiuzhu/shared/i18n"
)

// accounts is what the login screen needs (account.Device in the app) from the tablet: who has data
// here, the first login (online), and unlocking (offline).
type accounts interface {
	// Known returns the login names that have data on this tablet.
	Known(ctx context.Context) ([]string, error)
	// Login logs in online and opens the user's encrypted store, creating
	// it on the first login on this tablet.
	Login(ctx context.Context, name, password, deviceName string) error
	// Unlock opens a known user's store offline with the password.
	Unlock(ctx context.Context, name, password string) error
	// AdoptPassword finishes a login after an administrator reset the
	// password (account.ErrPasswordChanged): the previous password opens
	// the tablet's data once, which then takes the new one.
	AdoptPassword(ctx context.Context, previous string) error
}

// loginScreen is shown while no store is open: the users of this tablet
// unlock with their password (no network needed); anyone else logs in
// online once.
type loginScreen struct {
	goapp.Compo
	Accounts accounts
	OnOpen   func() // called (on the UI goroutine) once a store is open

	lang       string
	known      []string
	chosen     string // the known user unlocking ("" for the online form)
	name       string
	password   string
	deviceName string
	busy       bool
	msg        string
	adopt      bool   // the server took a new password: the previous one is asked for once
	previous   string // that previous password
	live       bool   // mounted in the browser: the prerendered form stays disabled
	sync       syncer.Status
}

func (s *loginScreen) OnMount(ctx goapp.Context) {
	observeLang(ctx, &s.lang)
	ctx.ObserveState(stateSync, &s.sync)
	s.live = true
	if s.Accounts == nil {
		return
	}
	acc := s.Accounts
	ctx.Async(func() {
		known, err := acc.Known(context.Background())
		ctx.Dispatch(func(goapp.Context) { s.setKnown(known, err) })
	})
}

// setKnown shows the users who have data on this tablet; with just one,
// the screen goes straight to unlocking.
func (s *loginScreen) setKnown(known []string, err error) {
	s.known = known
	if err != nil {
		s.msg = i18n.T(langOf(s.lang), i18n.UnlockFailed) + err.Error()
	}
	if len(known) == 1 {
		s.chosen = known[0]
	}
}

func (s *loginScreen) Render() ui {
	l := langOf(s.lang)
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	var body []ui
	if s.adopt {
		body = append(body,
			goapp.H1().ID("page-title").Text(t(i18n.AdoptTitle)),
			goapp.P().Class("jz-hint").ID("adopt-intro").Text(t(i18n.AdoptIntro)),
			s.field("login-previous", t(i18n.AdoptPrevious), "password", &s.previous, "current-password"),
			goapp.Button().ID("login-submit").Type("submit").Disabled(s.busy || !s.live).Text(s.submitText(l, i18n.UnlockSubmit)),
		)
		if s.msg != "" {
			body = append(body, goapp.P().ID("login-message").Class("jz-error").Attr("role", "alert").Text(s.msg))
		}
		return goapp.Main().Class("jz-login").Body(goapp.Form().ID("login-form").OnSubmit(s.submit).Body(goapp.Article().Class("jz-login-adopt").Body(body...)))
	}
	if s.chosen != "" {
		body = append(body,
			goapp.H1().ID("page-title").Text(t(i18n.UnlockTitle)),
			goapp.P().Class("jz-user").Text(s.chosen),
			s.field("login-password", t(i18n.LoginPassword), "password", &s.password, "current-password"),
			goapp.Button().ID("login-submit").Type("submit").Disabled(s.busy || !s.live).Text(s.submitText(l, i18n.UnlockSubmit)),
			goapp.Button().ID("login-other").Type("button").Class("secondary").Text(t(i18n.LoginOther)).
				OnClick(func(ctx goapp.Context, e goapp.Event) { s.chosen, s.password, s.msg = "", "", "" }),
		)
	} else {
		body = append(body,
			goapp.H1().ID("page-title").Text(t(i18n.LoginTitle)),
			goapp.P().Class("jz-hint").Text(t(i18n.LoginIntro)),
			s.field("login-name", t(i18n.LoginName), "text", &s.name, "username"),
			s.field("login-password", t(i18n.LoginPassword), "password", &s.password, "current-password"),
			s.field("login-device", t(i18n.LoginDeviceName), "text", &s.deviceName, "off"),
			goapp.Button().ID("login-submit").Type("submit").Disabled(s.busy || !s.live).Text(s.submitText(l, i18n.LoginSubmit)),
		)
		if len(s.known) > 0 {
			users := []ui{goapp.H2().Text(t(i18n.LoginOnTablet))}
			for _, n := range s.known {
				n := n
				users = append(users, goapp.Button().Type("button").Class("secondary").Text(n).
					OnClick(func(ctx goapp.Context, e goapp.Event) { s.chosen, s.password, s.msg = n, "", "" }))
			}
			body = append(body, goapp.Div().Class("jz-known").Body(users...))
		}
	}
	if s.msg != "" {
		body = append(body, goapp.P().ID("login-message").Class("jz-error").Attr("role", "alert").Text(s.msg))
	} else if why := closedReason(l, s.sync.State); why != "" {
		body = append(body, goapp.P().ID("login-message").Class("jz-error").Attr("role", "alert").Text(why))
	}
	// The two forms differ at the root (div vs section): go-app keeps an
	// element's first event handler when it reuses the element, and an
	// input bound to the name must not be reused for the password.
	var inner ui = goapp.Section().Class("jz-login-online").Body(body...)
	if s.chosen != "" {
		inner = goapp.Div().Class("jz-login-unlock").Body(body...)
	}
	return goapp.Main().Class("jz-login").Body(
		goapp.Form().ID("login-form").OnSubmit(s.submit).Body(inner),
	)
}

func (s *loginScreen) submitText(l i18n.Lang, k i18n.Key) string {
	if s.busy {
		return i18n.T(l, i18n.LoginBusy)
	}
	return i18n.T(l, k)
}

// field is a labelled input bound to *dst.
func (s *loginScreen) field(id, label, typ string, dst *string, autocomplete string) ui {
	return goapp.Div().Class("jz-field").Body(
		goapp.Label().For(id).Text(label),
		goapp.Input().ID(id).Type(typ).Value(*dst).Attr("autocomplete", autocomplete).
			Disabled(!s.live).OnInput(s.ValueTo(dst)),
	)
}

// submit unlocks a known user or logs in online, in the background. The
// form keeps what was typed when it fails.
func (s *loginScreen) submit(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	if !s.start() {
		return
	}
	ctx.Async(func() {
		err := s.attempt(context.Background())
		ctx.Dispatch(func(goapp.Context) { s.finish(err) })
	})
}

// start checks the form; it reports whether to go on.
func (s *loginScreen) start() bool {
	if s.busy || s.Accounts == nil {
		return false
	}
	s.readInputs()
	if s.adopt {
		if s.previous == "" {
			s.msg = i18n.T(langOf(s.lang), i18n.LoginMissing)
			return false
		}
		s.busy, s.msg = true, ""
		return true
	}
	if s.chosen == "" && s.name == "" || s.password == "" {
		s.msg = i18n.T(langOf(s.lang), i18n.LoginMissing)
		return false
	}
	s.busy, s.msg = true, ""
	return true
}

// readInputs takes what the inputs hold now. Input events can arrive while
// the screen is being re-rendered at start-up, and a value typed then would
// be missed; the DOM always has it.
func (s *loginScreen) readInputs() {
	if !goapp.IsClient {
		return
	}
	for id, dst := range map[string]*string{"login-name": &s.name, "login-password": &s.password, "login-device": &s.deviceName, "login-previous": &s.previous} {
		if el := goapp.Window().GetElementByID(id); el.Truthy() {
			*dst = el.Get("value").String()
		}
	}
}

// attempt talks to the tablet's accounts (it blocks). After the session
// expired, unlocking logs in online again to renew it.
func (s *loginScreen) attempt(ctx context.Context) error {
	if s.adopt {
		return s.Accounts.AdoptPassword(ctx, s.previous)
	}
	if s.chosen != "" && s.sync.State == syncer.Unauthorized {
		return s.Accounts.Login(ctx, s.chosen, s.password, "")
	}
	if s.chosen != "" {
		return s.Accounts.Unlock(ctx, s.chosen, s.password)
	}
	return s.Accounts.Login(ctx, s.name, s.password, s.deviceName)
}

// finish shows the outcome.
func (s *loginScreen) finish(err error) {
	s.busy = false
	if errors.Is(err, account.ErrPasswordChanged) {
		s.adopt, s.previous, s.msg = true, "", ""
		return
	}
	if err != nil {
		s.msg = loginMessage(langOf(s.lang), err)
		return
	}
	s.password, s.previous, s.adopt = "", "", false
	if s.OnOpen != nil {
		s.OnOpen()
	}
}

// closedReason explains why the account closed itself, if it did.
func closedReason(l i18n.Lang, st syncer.State) string {
	switch st {
	case syncer.Revoked:
		return i18n.T(l, i18n.SyncRevoked)
	case syncer.Unauthorized:
		return i18n.T(l, i18n.SyncUnauthorized)
	}
	return ""
}

// loginMessage says what went wrong, in the interface's language.
func loginMessage(l i18n.Lang, err error) string {
	var apiErr *account.APIError
	switch {
	case errors.Is(err, account.ErrWrongPassword):
		return i18n.T(l, i18n.UnlockWrong)
	case errors.Is(err, account.ErrNetwork):
		return i18n.T(l, i18n.LoginNeedsNetwork)
	case errors.As(err, &apiErr):
		if l == i18n.EN {
			return apiErr.Body.En
		}
		return apiErr.Body.Message
	}
	return i18n.T(l, i18n.UnlockFailed) + err.Error()
}
