package syncer

import (
	"context"
	"errors"
	"time"

	"jiuzhu/shared/sync"
)

// State is what the device's sync is doing.
type State int

// The states, as the status area shows them.
const (
	Connecting     State = iota // dialling and saying hello (the zero value: not known yet)
	Offline                     // cannot reach the server; retrying
	Syncing                     // a round is running
	UpToDate                    // connected, nothing waiting
	Unauthorized                // the session expired: log in again
	UpdateRequired              // the app is too old for the server; changes are kept
	Revoked                     // the device was revoked and has been wiped
)

// Status is what the status area shows.
type Status struct {
	State    State
	Pending  int       // changes waiting to be sent
	Rejected int       // changes the server refused, kept for the worker to see
	LastSync time.Time // end of the last successful round (zero: never)
	Err      string    // why the last attempt failed, for a person
	// Received counts the entries the round under way has pulled so far
	// (the app sets it from sync.SessionConfig.OnPage; 0 in a new status).
	Received int
}

// Conn is a sync connection that can be closed.
type Conn interface {
	sync.Conn
	CloseNow() error
}

// Config is what Run needs.
type Config struct {
	Session  *sync.Session
	Store    sync.ClientStore
	Dial     func(ctx context.Context) (Conn, error)
	OnStatus func(Status) // called from Run's goroutine
	// OnRevoked wipes the device's data; Run returns after it.
	OnRevoked func(ctx context.Context) error
	// Backoff bounds between reconnection attempts; zero means 1 s and 30 s.
	MinBackoff, MaxBackoff time.Duration
	// Refresh is how often an idle connection runs a round anyway (some
	// proxies close quiet websockets); zero means 5 minutes.
	Refresh time.Duration
	Now     func() time.Time
}

// Run keeps the device in sync until ctx ends, the device is revoked, or
// its session is refused (Unauthorized). kick asks for a round now: send on
// it after a local edit and when the network comes back (it should be
// buffered, size 1; Run never blocks on it).
func Run(ctx context.Context, cfg Config, kick <-chan struct{}) error {
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 30 * time.Second
	}
	if cfg.Refresh <= 0 {
		cfg.Refresh = 5 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	r := &runner{cfg: cfg, kick: kick}
	backoff := cfg.MinBackoff
	for ctx.Err() == nil {
		err := r.connected(ctx)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, sync.ErrRevoked):
			r.report(ctx, Revoked, "")
			if cfg.OnRevoked != nil {
				if werr := cfg.OnRevoked(ctx); werr != nil {
					return werr
				}
			}
			return err
		case serverCode(err) == "unauthorized":
			r.report(ctx, Unauthorized, err.Error())
			return err
		case serverCode(err) == "update_required":
			r.report(ctx, UpdateRequired, err.Error())
			// Wait for the app to be updated (a reload ends ctx).
			<-ctx.Done()
			return ctx.Err()
		}
		if r.synced {
			backoff = cfg.MinBackoff // it worked for a while: retry soon
		}
		r.report(ctx, Offline, errText(err))
		if !r.sleep(ctx, backoff) {
			return ctx.Err()
		}
		backoff = min(2*backoff, cfg.MaxBackoff)
	}
	return ctx.Err()
}

type runner struct {
	cfg    Config
	kick   <-chan struct{}
	last   time.Time
	synced bool // the last connection completed at least one round
}

// connected dials, runs a round, and keeps the connection, running a round
// on every poke, kick or refresh, until something fails.
func (r *runner) connected(ctx context.Context) error {
	r.synced = false
	r.report(ctx, Connecting, "")
	conn, err := r.cfg.Dial(ctx)
	if err != nil {
		return err
	}
	defer conn.CloseNow()
	r.report(ctx, Syncing, "")
	rep, err := r.cfg.Session.Sync(ctx, conn)
	if err != nil {
		return err
	}
	for {
		// A poke that came during the round may be for changes the server
		// committed after it answered the last pull: go again now rather
		// than wait for a poke that was already spent.
		for rep.Poked {
			if rep, err = r.cfg.Session.Resync(ctx, conn); err != nil {
				return err
			}
		}
		r.synced, r.last = true, r.cfg.Now()
		r.report(ctx, UpToDate, "")
		wait, cancel := context.WithTimeout(ctx, r.cfg.Refresh)
		stop := make(chan struct{})
		go func() {
			select {
			case <-r.kick:
				cancel()
			case <-stop:
			}
		}()
		_, err := r.cfg.Session.Wait(wait, conn)
		close(stop)
		cancel()
		if err != nil && (ctx.Err() != nil || !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)) {
			return err
		}
		r.report(ctx, Syncing, "")
		if rep, err = r.cfg.Session.Resync(ctx, conn); err != nil {
			return err
		}
	}
}

// sleep waits d, or less if kicked; it reports false when ctx ended.
func (r *runner) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.kick:
	case <-ctx.Done():
		return false
	}
	return true
}

func (r *runner) report(ctx context.Context, st State, msg string) {
	if r.cfg.OnStatus == nil {
		return
	}
	s := Status{State: st, LastSync: r.last, Err: msg}
	if r.cfg.Store != nil && st != Revoked {
		if out, err := r.cfg.Store.Outbox(ctx); err == nil {
			s.Pending = len(out)
		}
		if rej, err := r.cfg.Store.Rejected(ctx); err == nil {
			s.Rejected = len(rej)
		}
	}
	r.cfg.OnStatus(s)
}

func serverCode(err error) string {
	var se *sync.ServerError
	if errors.As(err, &se) {
		return se.Code
	}
	return ""
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
