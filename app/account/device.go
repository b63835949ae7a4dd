package account

import (
	"context"
	"errors"
	gosync "sync"
	"time"

	"jiuzhu/app/local"
	"jiuzhu/app/syncer"
	"jiuzhu/shared/api"
	"jiuzhu/shared/sync"
)

// Config is what a Device needs.
type Config struct {
	Keyring *local.Keyring
	// Login calls POST /api/login (PostJSON in the browser).
	Login func(ctx context.Context, req api.LoginRequest) (api.LoginResponse, error)
	// Dial opens a sync connection (shared/wsconn).
	Dial func(ctx context.Context) (syncer.Conn, error)
	// OnStatus receives the sync loop's status; OnClosed is told when the
	// account closed itself (revoked and wiped, or its session expired).
	OnStatus func(syncer.Status)
	// OnPage is told, page by page, how many entries the sync round under
	// way has pulled (sync.SessionConfig.OnPage).
	OnPage   func(pulled int)
	OnClosed func(reason error)
	App      string // app version, sent to the server
}

// Device is the account open on this tablet, if any: the user's unlocked
// encrypted store, their sync session and the loop that keeps it in sync.
// It is what the login screen talks to.
type Device struct {
	cfg     Config
	mu      gosync.Mutex
	open    *account
	pending *pendingLogin // a login waiting for the previous password (AdoptPassword)
}

// New returns a device with no account open.
func New(cfg Config) *Device { return &Device{cfg: cfg} }

// account is one unlocked user.
type account struct {
	user    string // user id
	name    string
	store   local.Store
	session *sync.Session
	token   string // the server session's, for /api calls beside /sync
	kick    chan struct{}
	stop    context.CancelFunc
	done    chan struct{}
}

// Known implements accounts.
func (d *Device) Known(ctx context.Context) ([]string, error) {
	users, err := d.cfg.Keyring.Users(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(users))
	for i, u := range users {
		names[i] = u.Name
	}
	return names, nil
}

// Login logs a user in online. The first time on this tablet it creates
// their encrypted store; a user who already has data here is checked
// against it first (the password must open it), then gets fresh sync
// credentials from the server, or, with no network, simply unlocks.
func (d *Device) Login(ctx context.Context, name, password, deviceName string) error {
	known, err := d.Known(ctx)
	if err != nil {
		return err
	}
	for _, n := range known {
		if n == name {
			return d.relogin(ctx, name, password)
		}
	}
	resp, err := d.cfg.Login(ctx, api.LoginRequest{Name: name, Password: password, DeviceName: deviceName, App: d.cfg.App})
	if err != nil {
		return err
	}
	u, err := d.cfg.Keyring.Create(ctx, resp.User.ID, name, password, resp.Token, resp.Device)
	if err != nil {
		return err
	}
	return d.start(ctx, u)
}

// relogin renews a known user's sync session (after it expired) when the
// server can be reached, and opens their store either way.
func (d *Device) relogin(ctx context.Context, name, password string) error {
	u, err := d.cfg.Keyring.Unlock(ctx, name, password)
	if errors.Is(err, local.ErrWrongPassword) {
		return d.passwordChanged(ctx, name, password)
	}
	if err != nil {
		return err
	}
	resp, err := d.cfg.Login(ctx, api.LoginRequest{Name: name, Password: password, Device: u.Device, App: d.cfg.App})
	switch {
	case errors.Is(err, ErrNetwork):
		// Offline: work goes on; sync waits for a login with the network.
	case err != nil:
		return err
	default:
		if err := d.cfg.Keyring.ChangeToken(ctx, u, resp.Token, resp.Device); err != nil {
			return err
		}
	}
	return d.start(ctx, u)
}

// Unlock implements accounts: offline, with the password.
func (d *Device) Unlock(ctx context.Context, name, password string) error {
	u, err := d.cfg.Keyring.Unlock(ctx, name, password)
	if errors.Is(err, local.ErrWrongPassword) {
		return d.passwordChanged(ctx, name, password)
	}
	if err != nil {
		return err
	}
	return d.start(ctx, u)
}

// ErrPasswordChanged means the server accepted a password that does not
// open the tablet's data: an administrator reset it. The data is still
// locked with the previous password; AdoptPassword opens it once with
// that and locks it with the new one.
var ErrPasswordChanged = errors.New("the password was changed on the server; the tablet's data needs the previous one once")

// passwordChanged is what a password that does not open a known user's
// data means: a typing mistake (ErrWrongPassword), or, when the server
// takes it, a password reset by an administrator (ErrPasswordChanged, the
// login kept for AdoptPassword). Without a network it is a mistake.
func (d *Device) passwordChanged(ctx context.Context, name, password string) error {
	if _, err := d.cfg.Login(ctx, api.LoginRequest{Name: name, Password: password, App: d.cfg.App, Check: true}); err != nil {
		return ErrWrongPassword
	}
	d.mu.Lock()
	d.pending = &pendingLogin{name: name, password: password}
	d.mu.Unlock()
	return ErrPasswordChanged
}

// pendingLogin is a password the server took that does not yet open the
// tablet's data (see ErrPasswordChanged).
type pendingLogin struct{ name, password string }

// AdoptPassword finishes a login after a password reset: previous opens the
// tablet's data once, which is then locked with the new password, and the
// new sync session is kept. Nothing on the tablet is lost.
func (d *Device) AdoptPassword(ctx context.Context, previous string) error {
	d.mu.Lock()
	p := d.pending
	d.mu.Unlock()
	if p == nil {
		return ErrWrongPassword
	}
	u, err := d.cfg.Keyring.Unlock(ctx, p.name, previous)
	if errors.Is(err, local.ErrWrongPassword) {
		return ErrWrongPassword
	}
	if err != nil {
		return err
	}
	resp, err := d.cfg.Login(ctx, api.LoginRequest{Name: p.name, Password: p.password, Device: u.Device, App: d.cfg.App})
	if err != nil {
		return err
	}
	if err := d.cfg.Keyring.ChangePassword(ctx, u, p.password); err != nil {
		return err
	}
	if err := d.cfg.Keyring.ChangeToken(ctx, u, resp.Token, resp.Device); err != nil {
		return err
	}
	d.mu.Lock()
	d.pending = nil
	d.mu.Unlock()
	return d.start(ctx, u)
}

// start opens the user's store and starts syncing it.
func (d *Device) start(ctx context.Context, u *local.Unlocked) error {
	d.Lock()
	st, err := u.Open(ctx)
	if err != nil {
		return err
	}
	sess, err := sync.NewSession(ctx, st, sync.TimeFunc(time.Now), sync.SessionConfig{Token: u.Token, App: d.cfg.App, OnPage: d.cfg.OnPage})
	if err != nil {
		st.Close()
		return err
	}
	runCtx, stop := context.WithCancel(context.Background())
	a := &account{user: u.User, name: u.Name, store: st, session: sess, token: u.Token, kick: make(chan struct{}, 1), stop: stop, done: make(chan struct{})}
	d.mu.Lock()
	d.open = a
	d.mu.Unlock()
	go func() {
		defer close(a.done)
		err := syncer.Run(runCtx, syncer.Config{
			Session:  sess,
			Store:    st,
			Dial:     d.cfg.Dial,
			OnStatus: d.cfg.OnStatus,
			OnRevoked: func(ctx context.Context) error {
				st.Close()
				return d.cfg.Keyring.Wipe(ctx, u.User)
			},
		}, a.kick)
		if runCtx.Err() == nil && err != nil {
			// Revoked (and wiped) or the session expired: close the account.
			d.mu.Lock()
			if d.open == a {
				d.open = nil
			}
			d.mu.Unlock()
			if !errors.Is(err, sync.ErrRevoked) {
				st.Close()
			}
			if d.cfg.OnClosed != nil {
				d.cfg.OnClosed(err)
			}
		}
	}()
	return nil
}

// Lock closes the open account, if any: the loop stops, the store closes
// and its key is dropped from memory. Unlocking needs the password again.
func (d *Device) Lock() {
	d.mu.Lock()
	a := d.open
	d.open = nil
	d.mu.Unlock()
	if a == nil {
		return
	}
	a.stop()
	<-a.done
	a.store.Close()
}

// current returns the open account (nil when locked, and on a nil device:
// the server renders pages without one).
func (d *Device) current() *account {
	if d == nil {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.open
}

// Store returns the open account's store, or nil when locked.
func (d *Device) Store() local.Store {
	if a := d.current(); a != nil {
		return a.store
	}
	return nil
}

// Token returns the open account's server session token ("" when locked),
// for the /api calls made beside the sync connection (photos).
func (d *Device) Token() string {
	if a := d.current(); a != nil {
		return a.token
	}
	return ""
}

// User returns the open account's user id and login name ("" when locked).
func (d *Device) User() (id, name string) {
	if a := d.current(); a != nil {
		return a.user, a.name
	}
	return "", ""
}

// Session returns the open account's sync session (nil when locked). Edits
// go through it (Session.Edit), then Kick.
func (d *Device) Session() *sync.Session {
	if a := d.current(); a != nil {
		return a.session
	}
	return nil
}

// Kick asks the loop for a sync round now (after a local edit, or when the
// network returns).
func (d *Device) Kick() {
	if a := d.current(); a != nil {
		select {
		case a.kick <- struct{}{}:
		default:
		}
	}
}
