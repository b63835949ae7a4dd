package app

import (
	"context"
	gosync "sync"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/account"
	"jiuzhu/app/syncer"
	"jiuzhu/shared/i18n"
	"jiuzhu/shared/sync"
)

// The account open on this tablet is shared by every page. In the browser
// theDevice is set by startDevice (session_js.go); while prerendering and in
// native tests there is none, and every page shows the login screen.
var theDevice *account.Device

// stateAccount holds the login name of the open account ("" when locked);
// stateSync the sync loop's last status.
const (
	stateAccount = "jiuzhu.account"
	stateSync    = "jiuzhu.sync"
)

// deviceEvent is what the device tells the pages, from its own goroutines.
type deviceEvent struct {
	account string
	status  syncer.Status
	uploads map[string]int // photos waiting or being uploaded (stateUploads)
}

// events fans device events out to mounted pages, which turn them into
// go-app state on their UI goroutine.
var events broadcaster

type broadcaster struct {
	mu   gosync.Mutex
	next int
	subs map[int]func(deviceEvent)
	last deviceEvent
}

// subscribe calls f with the latest event now and with every later one;
// the returned function unsubscribes.
func (b *broadcaster) subscribe(f func(deviceEvent)) func() {
	b.mu.Lock()
	if b.subs == nil {
		b.subs = map[int]func(deviceEvent){}
	}
	id := b.next
	b.next++
	b.subs[id] = f
	last := b.last
	b.mu.Unlock()
	f(last)
	return func() {
		b.mu.Lock()
		delete(b.subs, id)
		b.mu.Unlock()
	}
}

func (b *broadcaster) publish(update func(*deviceEvent)) {
	b.mu.Lock()
	update(&b.last)
	e := b.last
	subs := make([]func(deviceEvent), 0, len(b.subs))
	for _, f := range b.subs {
		subs = append(subs, f)
	}
	b.mu.Unlock()
	for _, f := range subs {
		f(e)
	}
}

// observeAccount keeps *user equal to the open account's login name, and
// the sync status state current, while the component is mounted. It
// returns the function to call on dismount.
func observeAccount(ctx goapp.Context, user *string) func() {
	ctx.ObserveState(stateAccount, user)
	return events.subscribe(func(e deviceEvent) {
		ctx.Dispatch(func(ctx goapp.Context) {
			ctx.SetState(stateAccount, e.account)
			ctx.SetState(stateSync, e.status)
			ctx.SetState(stateUploads, e.uploads)
		})
	})
}

// page is what every page embeds: the interface language and the open
// account, followed while mounted.
type page struct {
	lang  string
	user  string
	unsub func()
}

// mount starts following language and account; pages call it from OnMount.
func (p *page) mount(ctx goapp.Context) {
	observeLang(ctx, &p.lang)
	p.unsub = observeAccount(ctx, &p.user)
}

func (p *page) OnDismount() {
	if p.unsub != nil {
		p.unsub()
		p.unsub = nil
	}
}

// gate renders the page, or the login screen while no account is open.
func (p *page) gate(render func(l i18n.Lang) ui) ui {
	if p.user == "" {
		return &loginScreen{Accounts: deviceAccounts()}
	}
	return render(langOf(p.lang))
}

// deviceAccounts returns the tablet's accounts for the login screen, or nil
// where there is none (prerendering, native tests).
func deviceAccounts() accounts {
	if theDevice == nil {
		return nil
	}
	return publishing{theDevice}
}

// publishing tells every page when an account opens.
type publishing struct{ d *account.Device }

func (p publishing) Known(ctx context.Context) ([]string, error) { return p.d.Known(ctx) }

func (p publishing) Login(ctx context.Context, name, password, deviceName string) error {
	return p.opened(name, p.d.Login(ctx, name, password, deviceName))
}

func (p publishing) Unlock(ctx context.Context, name, password string) error {
	return p.opened(name, p.d.Unlock(ctx, name, password))
}

func (p publishing) AdoptPassword(ctx context.Context, previous string) error {
	name := ""
	if err := p.d.AdoptPassword(ctx, previous); err != nil {
		return err
	}
	_, name = p.d.User()
	return p.opened(name, nil)
}

func (p publishing) opened(name string, err error) error {
	if err == nil {
		events.publish(func(e *deviceEvent) { e.account = name })
	}
	return err
}

// lockDevice closes the open account and shows the login screen.
func lockDevice() {
	if theDevice != nil {
		theDevice.Lock()
	}
	theCases.forget()
	events.publish(func(e *deviceEvent) { e.account = "" })
}

// readList reads records of a type from the open store in the background
// and hands them to done on the UI goroutine, with the device's pending
// edits applied: all of them when n is 0, else the n newest (the first
// screen of a long list, see local.Store.Recent), and how many there are.
// The outbox is read first: a sync round that lands between the two reads
// then shows in the records instead of in neither. Nothing happens while
// no account is open.
func readList(ctx goapp.Context, typ string, n int, done func(recs []*sync.Record, total int, outbox []sync.Change)) {
	if theDevice == nil || theDevice.Store() == nil {
		return
	}
	st := theDevice.Store()
	ctx.Async(func() {
		c := context.Background()
		out, err := st.Outbox(c)
		if err != nil {
			return
		}
		var recs []*sync.Record
		var total int
		if n == 0 {
			recs, err = st.ListType(c, typ)
			total = len(recs)
		} else {
			recs, total, err = st.Recent(c, typ, n)
		}
		if err != nil {
			return
		}
		recs = sync.WithPending(recs, out, typ)
		ctx.Dispatch(func(goapp.Context) { done(recs, total, out) })
	})
}
