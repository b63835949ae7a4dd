package app

import (
	"context"
	"strings"
	"testing"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/account"
	"jiuzhu/shared/api"
	"jiuzhu/shared/i18n"
)

type fakeAccounts struct {
	known     []string
	loginErr  error
	unlockErr error
	adoptErr  error
	logins    []string
}

func (f *fakeAccounts) AdoptPassword(_ context.Context, previous string) error {
	f.logins = append(f.logins, "adopt:"+previous)
	return f.adoptErr
}

func (f *fakeAccounts) Known(context.Context) ([]string, error) { return f.known, nil }
func (f *fakeAccounts) Login(_ context.Context, name, password, device string) error {
	f.logins = append(f.logins, "login:"+name+"/"+password+"/"+device)
	return f.loginErr
}
func (f *fakeAccounts) Unlock(_ context.Context, name, password string) error {
	f.logins = append(f.logins, "unlock:"+name+"/"+password)
	return f.unlockErr
}

// load mounts the screen in go-app's test engine and runs what it started.
func load(t *testing.T, s *loginScreen) goapp.TestEngine {
	t.Helper()
	e := goapp.NewTestEngine()
	if err := e.Load(s); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	return e
}

func TestLoginFormLabelsEveryInput(t *testing.T) {
	s := &loginScreen{Accounts: &fakeAccounts{}}
	load(t, s)
	html := goapp.HTMLString(s)
	for _, id := range []string{"login-name", "login-password", "login-device"} {
		if !strings.Contains(html, `for="`+id+`"`) || !strings.Contains(html, `id="`+id+`"`) {
			t.Errorf("input %s has no label tied to it", id)
		}
	}
	if !strings.Contains(html, `type="password"`) || !strings.Contains(html, i18n.T(i18n.ZH, i18n.LoginTitle)) {
		t.Errorf("login form:\n%s", html)
	}
}

func TestLoginOutcomes(t *testing.T) {
	for _, c := range []struct {
		name    string
		acc     *fakeAccounts
		want    string
		opened  bool
		chosen  bool
		entered string
	}{
		{"success", &fakeAccounts{}, "", true, false, "login:wang/pw/平板"},
		{"offline first login", &fakeAccounts{loginErr: account.ErrNetwork}, i18n.T(i18n.ZH, i18n.LoginNeedsNetwork), false, false, "login:wang/pw/平板"},
		{"server refuses", &fakeAccounts{loginErr: &account.APIError{Status: 401, Body: api.Error{Code: "login_failed", Message: "用户名或密码错误。", En: "Wrong name or password."}}}, "用户名或密码错误。", false, false, "login:wang/pw/平板"},
		{"unlock", &fakeAccounts{known: []string{"wang"}}, "", true, true, "unlock:wang/pw"},
		{"unlock wrong password", &fakeAccounts{known: []string{"wang"}, unlockErr: account.ErrWrongPassword}, i18n.T(i18n.ZH, i18n.UnlockWrong), false, true, "unlock:wang/pw"},
	} {
		t.Run(c.name, func(t *testing.T) {
			opened := false
			s := &loginScreen{Accounts: c.acc, OnOpen: func() { opened = true }}
			load(t, s)
			s.setKnown(c.acc.Known(context.Background())) // OnMount does this in the browser
			if (s.chosen != "") != c.chosen {
				t.Fatalf("chosen user %q", s.chosen)
			}
			if s.start() {
				t.Fatal("submitted an empty form")
			}
			if s.msg != i18n.T(i18n.ZH, i18n.LoginMissing) {
				t.Errorf("empty form: message %q", s.msg)
			}
			s.name, s.password, s.deviceName = "wang", "pw", "平板"
			if !s.start() {
				t.Fatal("did not submit a filled form")
			}
			s.finish(s.attempt(context.Background()))
			if len(c.acc.logins) != 1 || c.acc.logins[0] != c.entered {
				t.Errorf("backend calls %v; want %s", c.acc.logins, c.entered)
			}
			if opened != c.opened || s.msg != c.want {
				t.Errorf("opened %v, message %q; want %v, %q", opened, s.msg, c.opened, c.want)
			}
			if !c.opened && s.password != "pw" {
				t.Error("a failed attempt lost what was typed")
			}
			if s.busy {
				t.Error("still busy")
			}
		})
	}
}

// After an administrator reset the password, the tablet's data still needs
// the previous one: the screen asks for it once, keeps what was typed on
// a mistake, and opens the account when it is right.
func TestLoginAfterPasswordReset(t *testing.T) {
	acc := &fakeAccounts{known: []string{"wang"}, unlockErr: account.ErrPasswordChanged, adoptErr: account.ErrWrongPassword}
	opened := false
	s := &loginScreen{Accounts: acc, OnOpen: func() { opened = true }}
	load(t, s)
	s.setKnown(acc.Known(context.Background()))
	s.password = "new-password"
	if !s.start() {
		t.Fatal("did not submit")
	}
	s.finish(s.attempt(context.Background()))
	if !s.adopt || opened || s.msg != "" {
		t.Fatalf("after the server took a new password: adopt %v, opened %v, message %q", s.adopt, opened, s.msg)
	}
	if html := goapp.HTMLString(s.Render()); !strings.Contains(html, `id="login-previous"`) || !strings.Contains(html, i18n.T(i18n.ZH, i18n.AdoptTitle)) {
		t.Fatalf("the previous password is not asked for:\n%s", html)
	}
	if s.start() {
		t.Fatal("submitted without the previous password")
	}
	s.previous = "wrong"
	if !s.start() {
		t.Fatal("did not submit the previous password")
	}
	s.finish(s.attempt(context.Background()))
	if opened || s.msg != i18n.T(i18n.ZH, i18n.UnlockWrong) || !s.adopt {
		t.Fatalf("a wrong previous password: opened %v, message %q, adopt %v", opened, s.msg, s.adopt)
	}
	acc.adoptErr = nil
	s.previous = "old-password"
	s.start()
	s.finish(s.attempt(context.Background()))
	if !opened || s.adopt || s.previous != "" {
		t.Errorf("the right previous password: opened %v, adopt %v", opened, s.adopt)
	}
	if want := "unlock:wang/new-password adopt:wrong adopt:old-password"; strings.Join(acc.logins, " ") != want {
		t.Errorf("calls %v, want %s", acc.logins, want)
	}
}
