package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
	"jiuzhu/shared/wsconn"
)

// testClock is a server clock a test moves.
type testClock struct {
	mu gosync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const goodPassword = "a-long-password"

// authEnv is a server on a moving clock, over HTTP.
type authEnv struct {
	t     *testing.T
	s     *Server
	url   string
	clock *testClock
}

func newAuthEnv(t *testing.T, dir string, clock *testClock) *authEnv {
	t.Helper()
	s, err := New(Config{DataDir: dir, Web: webFS(t, true), Logger: slog.New(slog.DiscardHandler), Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); s.Close() })
	return &authEnv{t: t, s: s, url: ts.URL, clock: clock}
}

func (e *authEnv) addUser(name string, role store.Role) store.User {
	e.t.Helper()
	u, err := e.s.AddUser(context.Background(), NewUser{Name: name, Password: goodPassword, Role: role, Team: "t1", Org: "620102"})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// answer is an HTTP answer of the API.
type answer struct {
	code  int
	err   apiError
	retry string // Retry-After
	body  []byte
}

// send sends a request (body JSON unless a string) with headers as
// name, value pairs.
func (e *authEnv) send(method, path string, body any, header ...string) answer {
	e.t.Helper()
	var r *bytes.Reader
	if s, ok := body.(string); ok {
		r = bytes.NewReader([]byte(s))
	} else {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.url+path, r)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	a := answer{code: resp.StatusCode, retry: resp.Header.Get("Retry-After"), body: buf.Bytes()}
	json.Unmarshal(a.body, &a.err)
	return a
}

func (e *authEnv) login(name, password string, header ...string) answer {
	e.t.Helper()
	return e.send(http.MethodPost, "/api/login", LoginRequest{Name: name, Password: password}, header...)
}

// loginOK logs in on a new device (or the given one) and returns the answer.
func (e *authEnv) loginOK(name, password, device string) LoginResponse {
	e.t.Helper()
	a := e.send(http.MethodPost, "/api/login", LoginRequest{Name: name, Password: password, Device: device, DeviceName: "平板"})
	var lr LoginResponse
	if a.code != http.StatusOK || json.Unmarshal(a.body, &lr) != nil || lr.Token == "" {
		e.t.Fatalf("login %s: %d %s", name, a.code, a.body)
	}
	return lr
}

// auditActions returns the audit entries with one of the actions.
func (e *authEnv) auditActions(actions ...string) []store.AuditEntry {
	e.t.Helper()
	var out []store.AuditEntry
	err := e.s.store.View(context.Background(), func(tx store.ReadTx) error {
		return tx.Audit(0, func(a store.AuditEntry) (bool, error) {
			for _, x := range actions {
				if a.Action == x {
					out = append(out, a)
				}
			}
			return true, nil
		})
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *authEnv) user(id string) store.User {
	e.t.Helper()
	var u store.User
	e.s.store.View(context.Background(), func(tx store.ReadTx) error { u, _, _ = tx.User(id); return nil })
	return u
}

// wantLocked checks a login answer says the account is locked until until,
// and how to get it unlocked, in both languages.
func wantLocked(t *testing.T, what string, a answer, until, now time.Time) {
	t.Helper()
	at := lockEnd(until)
	if a.code != http.StatusLocked || a.err.Code != "account_locked" ||
		!strings.Contains(a.err.Message, "已锁定至 "+at) || !strings.Contains(a.err.Message, "管理员") ||
		!strings.Contains(a.err.En, "locked until "+at) || !strings.Contains(a.err.En, "administrator") {
		t.Errorf("%s: %d %s; want 423 account_locked until %s, saying to ask an administrator", what, a.code, a.body, at)
	}
	if want := retryAfter(until.Sub(now)); a.retry != want {
		t.Errorf("%s: Retry-After %q, want %q", what, a.retry, want)
	}
}

// bruteForce fails logins for name as fast as the server allows, moving
// the clock by each Retry-After, until the account is locked. It checks
// the delays (1 s, 2 s, 4 s … after the third failure) and returns the
// locking answer and when it came.
func (e *authEnv) bruteForce(name string, header ...string) (answer, time.Time) {
	e.t.Helper()
	failures, refused := 0, 0
	for range 100 {
		a := e.login(name, "guess-guess", header...)
		switch a.code {
		case http.StatusUnauthorized:
			failures++
			if a.err.Code != "login_failed" {
				e.t.Fatalf("failure %d: %s", failures, a.body)
			}
		case http.StatusTooManyRequests:
			refused++
			want := strconv.Itoa(1 << (failures - nameThrottle.free))
			if failures < nameThrottle.free || a.retry != want || a.err.Code != "too_many_attempts" ||
				!strings.Contains(a.err.Message, want+" 秒后再试") || !strings.Contains(a.err.En, "try again in "+want+" s") {
				e.t.Fatalf("after %d failures: %d Retry-After %q %s; want 429 with Retry-After %s", failures, a.code, a.retry, a.body, want)
			}
			// An attempt refused early costs nothing, and the right
			// password is refused as well.
			if b := e.login(name, goodPassword, header...); b.code != http.StatusTooManyRequests {
				e.t.Fatalf("the right password during the wait: %d %s", b.code, b.body)
			}
			wait, _ := strconv.Atoi(a.retry)
			e.clock.add(time.Duration(wait) * time.Second)
		case http.StatusLocked:
			if failures != lockAfter-1 {
				e.t.Errorf("locked after %d failures answered 401, want %d", failures, lockAfter-1)
			}
			if refused != lockAfter-nameThrottle.free {
				e.t.Errorf("%d attempts were refused with 429, want %d", refused, lockAfter-nameThrottle.free)
			}
			return a, e.clock.now()
		default:
			e.t.Fatalf("failed login: %d %s", a.code, a.body)
		}
	}
	e.t.Fatal("never locked")
	return answer{}, time.Time{}
}

// Guessing a password is slowed after three failures, and the tenth
// failure within 15 minutes locks the account for 30 minutes: the right
// password is then refused too, with a message saying until when and whom
// to ask. An administrator's unlock lifts the lock; so does time.
func TestBruteForceSlowedThenLocked(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, t.TempDir(), &testClock{t: time.Now()})
	li := e.addUser("li", store.RoleWorker)
	ctx := context.Background()

	a, at := e.bruteForce("li")
	until := at.Add(lockPeriod)
	wantLocked(t, "the locking failure", a, until, at)
	if got := e.user(li.ID).LockedUntil; !got.Equal(until) {
		t.Errorf("stored lock until %v, want %v", got, until)
	}
	if !e.s.IsLocked(e.user(li.ID)) {
		t.Error("IsLocked says no")
	}
	e.clock.add(29 * time.Minute)
	wantLocked(t, "the right password 29 min later", e.login("li", goodPassword), until, e.clock.now())
	locks := e.auditActions("login_locked")
	if len(locks) != 1 || locks[0].Target != li.ID || !strings.Contains(locks[0].Detail, "10 failed logins") {
		t.Errorf("audit of the lock: %+v", locks)
	}
	if n := len(e.auditActions("login_failed")); n != lockAfter {
		t.Errorf("%d failed logins audited, want %d", n, lockAfter)
	}

	// An administrator unlocks the account: the right password works, and
	// the failures before are forgotten.
	if err := e.s.UnlockUser(withActor(ctx, "admin-id", "admin-tablet"), li.ID); err != nil {
		t.Fatal(err)
	}
	if e.s.IsLocked(e.user(li.ID)) || !e.user(li.ID).LockedUntil.IsZero() {
		t.Error("still locked after the unlock")
	}
	if a := e.login("li", goodPassword); a.code != http.StatusOK {
		t.Fatalf("after the unlock: %d %s", a.code, a.body)
	}
	unlocks := e.auditActions("user_unlock")
	if len(unlocks) != 1 || unlocks[0].Target != li.ID || unlocks[0].User != "admin-id" || unlocks[0].Device != "admin-tablet" ||
		!strings.Contains(unlocks[0].Detail, "was locked until") {
		t.Errorf("audit of the unlock: %+v", unlocks)
	}
	if err := e.s.UnlockUser(ctx, "no-such-id"); !errors.Is(err, errUnknownUser) {
		t.Errorf("unlocking an unknown user: %v", err)
	}

	// Locked again, the lock ends by itself after 30 minutes.
	_, at = e.bruteForce("li")
	e.clock.add(lockPeriod - time.Second)
	wantLocked(t, "a second before the end", e.login("li", goodPassword), at.Add(lockPeriod), e.clock.now())
	e.clock.add(time.Second)
	if a := e.login("li", goodPassword); a.code != http.StatusOK {
		t.Errorf("after the lock ended: %d %s", a.code, a.body)
	}
	if e.s.IsLocked(e.user(li.ID)) {
		t.Error("IsLocked after the lock ended")
	}
}

// A name nobody has is slowed and locked exactly as an account is, so the
// answers do not tell which names exist; another name is not affected.
func TestUnknownNameLockedAlike(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, t.TempDir(), &testClock{t: time.Now()})
	e.addUser("li", store.RoleWorker)
	a, at := e.bruteForce("nobody")
	wantLocked(t, "an unknown name", a, at.Add(lockPeriod), at)
	if locks := e.auditActions("login_locked"); len(locks) != 1 || locks[0].Target != "nobody" {
		t.Errorf("audit of the lock: %+v", locks)
	}
	if a := e.login("li", goodPassword); a.code != http.StatusOK {
		t.Errorf("another name: %d %s", a.code, a.body)
	}
}

// The lock is stored: it holds after a restart (where the failure counts
// are forgotten), and the command line's unlock, server stopped, lifts it.
func TestLockSurvivesRestart(t *testing.T) {
	t.Parallel()
	dir, clock := t.TempDir(), &testClock{t: time.Now()}
	e := newAuthEnv(t, dir, clock)
	li := e.addUser("li", store.RoleWorker)
	_, at := e.bruteForce("li")
	e.s.Close()

	e = newAuthEnv(t, dir, clock)
	wantLocked(t, "after a restart", e.login("li", goodPassword), at.Add(lockPeriod), clock.now())
	e.s.Close()

	was, err := UnlockUser(context.Background(), dir, "li")
	if err != nil || !was.LockedUntil.Equal(at.Add(lockPeriod)) {
		t.Fatalf("unlock on the data directory: %+v, %v", was, err)
	}
	if _, err := UnlockUser(context.Background(), dir, "nobody"); !errors.Is(err, errUnknownUser) || !strings.Contains(err.Error(), "no user") {
		t.Errorf("unlocking an unknown name: %v", err)
	}
	e = newAuthEnv(t, dir, clock)
	if a := e.login("li", goodPassword); a.code != http.StatusOK {
		t.Errorf("after the unlock: %d %s", a.code, a.body)
	}
	if u := e.user(li.ID); u.Locked(clock.now()) {
		t.Errorf("still locked: %+v", u)
	}
	if n := len(e.auditActions("user_unlock")); n != 1 {
		t.Errorf("%d unlocks audited", n)
	}
}

// One client trying many names is slowed by its address (after 20
// failures within an hour), whatever the names; another client is not.
// Behind a proxy on the same machine, the client is the one the proxy
// names; requests from this machine naming none are not counted by
// address.
func TestAddressThrottle(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, t.TempDir(), &testClock{t: time.Now()})
	e.addUser("li", store.RoleWorker)
	from := func(ip string) []string { return []string{"X-Real-IP", ip} }
	for i := range addrThrottle.free {
		if a := e.login("name"+strconv.Itoa(i), "guess-guess", from("203.0.113.7")...); a.code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d %s", i, a.code, a.body)
		}
	}
	a := e.login("li", goodPassword, from("203.0.113.7")...)
	if a.code != http.StatusTooManyRequests || a.retry != "1" || a.err.Code != "too_many_attempts" {
		t.Errorf("after %d failures from one address: %d %q %s; want 429, Retry-After 1", addrThrottle.free, a.code, a.retry, a.body)
	}
	if a := e.login("li", goodPassword, from("198.51.100.1")...); a.code != http.StatusOK {
		t.Errorf("another address: %d %s", a.code, a.body)
	}
	if a := e.login("li", goodPassword); a.code != http.StatusOK {
		t.Errorf("this machine, naming no client: %d %s", a.code, a.body)
	}
	e.clock.add(time.Second)
	if a := e.login("li", goodPassword, from("203.0.113.7")...); a.code != http.StatusOK {
		t.Errorf("after the wait: %d %s", a.code, a.body)
	}
}

func TestLimiterNumbers(t *testing.T) {
	t.Parallel()
	var l loginLimiter
	// fail makes a failing attempt, which must not have to wait.
	fail := func(name, addr string, now time.Time) time.Time {
		t.Helper()
		if wait, until := l.begin(name, addr, now); wait != 0 || !until.IsZero() {
			t.Fatalf("%s at %v: wait %v, locked until %v", name, now, wait, until)
		}
		return l.end(name, addr, now, true)
	}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for range nameThrottle.free {
		fail("li", "", now)
	}
	for i, want := range []time.Duration{1, 2, 4, 8, 16, 32, 64} {
		if wait, _ := l.begin("li", "", now); wait != want*time.Second {
			t.Fatalf("wait after %d failures: %v, want %v", nameThrottle.free+i, wait, want*time.Second)
		}
		now = now.Add(want * time.Second)
		until := fail("li", "", now)
		if i < 6 && !until.IsZero() {
			t.Fatalf("locked after %d failures", nameThrottle.free+i+1)
		} else if i == 6 && !until.Equal(now.Add(30*time.Minute)) {
			t.Fatalf("the 10th failure locks until %v, want 30 min later", until)
		}
	}
	if _, until := l.begin("li", "", now.Add(29*time.Minute)); !until.Equal(now.Add(30 * time.Minute)) {
		t.Errorf("locked until %v", until)
	}
	if until := l.lockedUntil("li", now.Add(30*time.Minute)); !until.IsZero() {
		t.Errorf("still locked after 30 min: %v", until)
	}
	// Failures older than 15 minutes are forgotten.
	for range lockAfter {
		if until := fail("wang", "", now); !until.IsZero() {
			t.Fatal("failures spread over 20 minutes locked the name")
		}
		now = now.Add(2 * time.Minute)
	}
	l.unlock("li")
	if wait, until := l.begin("li", "", now); wait != 0 || !until.IsZero() {
		t.Errorf("unlock left a wait (%v) or a lock (%v)", wait, until)
	}
	// A success forgets the name's failures, and does not count for the
	// address.
	l.end("li", "", now, false)
	for range 2 * addrThrottle.free {
		if wait, _ := l.begin("li", "192.0.2.9", now); wait != 0 {
			t.Fatalf("a successful login had to wait %v", wait)
		}
		l.end("li", "192.0.2.9", now, false)
	}
	// Attempts made together count at once: only the free ones are tried.
	tried := 0
	for range 20 {
		if wait, _ := l.begin("zhao", "", now); wait == 0 {
			tried++
		}
	}
	if tried != nameThrottle.free {
		t.Errorf("%d attempts tried together, want %d", tried, nameThrottle.free)
	}
	// The address's wait grows to at most 15 minutes.
	addrWait := func(now time.Time) time.Duration {
		wait, _ := l.begin("y", "192.0.2.1", now)
		if wait == 0 {
			l.end("y", "192.0.2.1", now, false) // not an attempt after all
		}
		return wait
	}
	start := now
	for i := range 30 {
		fail("x"+strconv.Itoa(i), "192.0.2.1", now)
		now = now.Add(addrWait(now))
	}
	if wait := addrWait(now); wait != 0 || now.Sub(start) != 1923*time.Second { // 1 s + 2 s + … + 512 s, then 15 min
		t.Errorf("after 30 failures from an address over %v, wait %v", now.Sub(start), wait)
	}
	fail("x", "192.0.2.1", now)
	if wait := addrWait(now); wait != addrThrottle.max {
		t.Errorf("address wait after 31 failures: %v, want %v", wait, addrThrottle.max)
	}
	if wait := addrWait(now.Add(time.Hour)); wait != 0 {
		t.Errorf("address wait an hour later: %v", wait)
	}
}

// Many wrong passwords sent at once are not all tried: the others wait.
func TestParallelGuessesSlowed(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, t.TempDir(), &testClock{t: time.Now()})
	e.addUser("li", store.RoleWorker)
	codes := make(chan int, 20)
	var wg gosync.WaitGroup
	for range cap(codes) {
		wg.Go(func() { codes <- e.login("li", "guess-guess").code })
	}
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	if count[http.StatusUnauthorized] != nameThrottle.free || count[http.StatusTooManyRequests] != cap(codes)-nameThrottle.free {
		t.Errorf("answers %v; want %d tried (401), the rest refused (429)", count, nameThrottle.free)
	}
}

func TestClientAddr(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		remote string
		header []string
		want   string
	}{
		{"203.0.113.7:5000", nil, "203.0.113.7"},
		{"203.0.113.7:5000", []string{"X-Real-IP", "198.51.100.1"}, "203.0.113.7"}, // only a proxy on this machine is believed
		{"[2001:db8:1:2:3:4:5:6]:443", nil, "2001:db8:1:2::/64"},
		{"[::ffff:203.0.113.7]:80", nil, "203.0.113.7"},
		{"127.0.0.1:80", nil, ""},
		{"127.0.0.1:80", []string{"X-Real-IP", "198.51.100.1"}, "198.51.100.1"},
		{"[::1]:80", []string{"X-Forwarded-For", "10.0.0.1, 198.51.100.2"}, "198.51.100.2"},
		{"127.0.0.1:80", []string{"X-Forwarded-For", "not an address"}, ""},
	} {
		r := httptest.NewRequest(http.MethodPost, "/api/login", nil)
		r.RemoteAddr = c.remote
		for i := 0; i+1 < len(c.header); i += 2 {
			r.Header.Set(c.header[i], c.header[i+1])
		}
		if got := clientAddr(r); got != c.want {
			t.Errorf("clientAddr(%s %v) = %q, want %q", c.remote, c.header, got, c.want)
		}
	}
}

// tablet is a native device: a sync session over the websocket.
type tablet struct {
	e       *authEnv
	login   LoginResponse
	session *sync.Session
}

func (e *authEnv) tablet(name string) *tablet {
	e.t.Helper()
	lr := e.loginOK(name, goodPassword, "")
	sess, err := sync.NewSession(context.Background(), sync.NewMemClientStore(lr.Device), sync.TimeFunc(time.Now),
		sync.SessionConfig{Token: lr.Token, App: "test", Timeout: 10 * time.Second})
	if err != nil {
		e.t.Fatal(err)
	}
	return &tablet{e: e, login: lr, session: sess}
}

func (tb *tablet) dial(ctx context.Context) *wsconn.Conn {
	tb.e.t.Helper()
	c, err := wsconn.Dial(ctx, "ws"+strings.TrimPrefix(tb.e.url, "http")+"/sync", nil, int64(sync.DefaultLimits.MaxMessage)+1024)
	if err != nil {
		tb.e.t.Fatal(err)
	}
	return c
}

// sync runs one round on a new connection.
func (tb *tablet) sync() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := tb.dial(ctx)
	defer c.CloseNow()
	_, err := tb.session.Sync(ctx, c)
	return err
}

// blobStatus asks /api/blobs with the tablet's token.
func (tb *tablet) blobStatus() answer {
	return tb.e.send(http.MethodGet, "/api/blobs/"+strings.Repeat("ab", 32)+"/status", "", "Authorization", "Bearer "+tb.login.Token)
}

// session returns the tablet's session as stored.
func (tb *tablet) stored() (store.Session, bool) {
	var sess store.Session
	var ok bool
	tb.e.s.store.View(context.Background(), func(tx store.ReadTx) error {
		sess, ok, _ = tx.Session(hashToken(tb.login.Token))
		return nil
	})
	return sess, ok
}

// wantRefused checks that a tablet's token is refused on /sync (log in
// again, or wipe when revoked) and on /api/blobs with code.
func wantRefused(t *testing.T, what string, tb *tablet, code string) {
	t.Helper()
	err := tb.sync()
	var se *sync.ServerError
	switch {
	case code == "device_revoked" && !errors.Is(err, sync.ErrRevoked):
		t.Errorf("%s: sync: %v; want ErrRevoked (the tablet wipes itself)", what, err)
	case code != "device_revoked" && (!errors.As(err, &se) || se.Code != errCodeUnauthorized):
		t.Errorf("%s: sync: %v; want the unauthorized error (log in again)", what, err)
	}
	if a := tb.blobStatus(); a.code != http.StatusUnauthorized || a.err.Code != code || a.err.Message == "" || a.err.En == "" {
		t.Errorf("%s: /api/blobs: %d %s; want 401 %s", what, a.code, a.body, code)
	}
}

func wantAccepted(t *testing.T, what string, tb *tablet) {
	t.Helper()
	if err := tb.sync(); err != nil {
		t.Errorf("%s: sync: %v", what, err)
	}
	if a := tb.blobStatus(); a.code != http.StatusOK {
		t.Errorf("%s: /api/blobs: %d %s", what, a.code, a.body)
	}
}

const day = 24 * time.Hour

// A session ends after 30 days unused, and at its expiry; a tablet that
// keeps syncing has its session renewed and never logs in again.
func TestSessionIdleExpiryAndRenewal(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, t.TempDir(), &testClock{t: time.Now()})
	e.addUser("wang", store.RoleWorker)

	idle := e.tablet("wang")
	wantAccepted(t, "new", idle)
	e.clock.add(29 * day)
	wantAccepted(t, "29 days unused", idle)
	e.clock.add(sessionIdle + time.Minute)
	wantRefused(t, "30 days unused", idle, "session_expired")

	// Used every 3 weeks over a year, over /sync or /api, it lives on: it
	// is renewed in its last 30 days.
	active := e.tablet("wang")
	first, _ := active.stored()
	for i := range 18 {
		e.clock.add(21 * day)
		if i%2 == 0 {
			if err := active.sync(); err != nil {
				t.Fatalf("day %d: sync: %v", 21*(i+1), err)
			}
		} else if a := active.blobStatus(); a.code != http.StatusOK {
			t.Fatalf("day %d: /api/blobs: %d %s", 21*(i+1), a.code, a.body)
		}
		sess, _ := active.stored()
		if left := sess.Expires.Sub(e.clock.now()); left < sessionRenew || left > sessionTTL {
			t.Fatalf("day %d: %v left of the session", 21*(i+1), left)
		}
		if !sess.LastUsed.Equal(e.clock.now()) {
			t.Fatalf("day %d: last used %v", 21*(i+1), sess.LastUsed)
		}
	}
	if sess, _ := active.stored(); !sess.Expires.After(first.Expires.Add(200 * day)) {
		t.Errorf("not renewed: expires %v, first %v", sess.Expires, first.Expires)
	}
	if e.clock.add(sessionIdle + time.Second); true {
		wantRefused(t, "the active tablet abandoned", active, "session_expired")
	}

	// At its expiry a session ends, however recently used (a session
	// from before renewal, say).
	old := e.tablet("wang")
	err := e.s.store.Update(context.Background(), func(tx store.Tx) error {
		sess, _, err := tx.Session(hashToken(old.login.Token))
		sess.Expires, sess.LastUsed = e.clock.now().Add(-time.Second), e.clock.now()
		return errors.Join(err, tx.PutSession(sess))
	})
	if err != nil {
		t.Fatal(err)
	}
	wantRefused(t, "past its expiry", old, "session_expired")

	// A new login drops the user's sessions that have ended.
	e.loginOK("wang", goodPassword, "")
	if _, ok := idle.stored(); ok {
		t.Error("an idle-expired session is still stored after a login")
	}
	if _, ok := old.stored(); ok {
		t.Error("an expired session is still stored after a login")
	}
}

// A revoked tablet's token is refused with device_revoked on /api, and on
// /sync the tablet is told to wipe itself (sync.ErrRevoked). (The PWA
// wiping itself is checked end to end in server/e2e/tablets_test.go.)
func TestRevokedTokenRefused(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, t.TempDir(), &testClock{t: time.Now()})
	e.addUser("wang", store.RoleWorker)
	tb, other := e.tablet("wang"), e.tablet("wang")
	wantAccepted(t, "before", tb)
	if err := e.s.RevokeDevice(context.Background(), tb.login.Device); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, "revoked", tb, "device_revoked")
	wantAccepted(t, "the user's other tablet", other)
}

// Logging out everywhere (POST /api/logout {"everywhere": true}) ends the
// sessions of all the user's tablets, the connected ones at once; their
// data is not wiped and they log in again under the same device. Another
// user is not affected.
func TestLogoutEverywhere(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, t.TempDir(), &testClock{t: time.Now()})
	wang := e.addUser("wang", store.RoleWorker)
	e.addUser("li", store.RoleWorker)
	a, b, li := e.tablet("wang"), e.tablet("wang"), e.tablet("li")
	for _, tb := range []*tablet{a, b, li} {
		wantAccepted(t, "before", tb)
	}
	// Tablet a stays connected, waiting for news.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn := a.dial(ctx)
	defer conn.CloseNow()
	if _, err := a.session.Sync(ctx, conn); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { _, err := a.session.Wait(ctx, conn); waited <- err }()

	auth := []string{"Authorization", "Bearer " + b.login.Token}
	for _, c := range []struct {
		body any
		code int
		err  string
	}{
		{`{"everywhere": "yes"}`, 400, "bad_json"},
		{`{"everywhere": true, "extra": 1}`, 400, "bad_json"},
	} {
		if r := e.send(http.MethodPost, "/api/logout", c.body, auth...); r.code != c.code || r.err.Code != c.err {
			t.Errorf("logout %v: %d %s; want %d %s", c.body, r.code, r.body, c.code, c.err)
		}
	}
	if r := e.send(http.MethodPost, "/api/logout", `{"everywhere":true}`, "Authorization", "Bearer not-a-token"); r.code != 401 || r.err.Code != "session_expired" {
		t.Errorf("logout everywhere with a bad token: %d %s", r.code, r.body)
	}
	if r := e.send(http.MethodPost, "/api/logout", `{"everywhere":true}`, auth...); r.code != http.StatusNoContent {
		t.Fatalf("logout everywhere: %d %s", r.code, r.body)
	}
	var se *sync.ServerError
	if err := <-waited; !errors.As(err, &se) || se.Code != errCodeUnauthorized {
		t.Errorf("the connected tablet was told %v; want the unauthorized error", err)
	}
	wantRefused(t, "tablet a", a, "session_expired")
	wantRefused(t, "tablet b", b, "session_expired")
	wantAccepted(t, "another user's tablet", li)

	var left []store.Session
	var devices []store.Device
	e.s.store.View(context.Background(), func(tx store.ReadTx) error {
		left, _ = tx.Sessions(wang.ID)
		devices, _ = tx.Devices(wang.ID)
		return nil
	})
	if len(left) != 0 || len(devices) != 2 || devices[0].Revoked || devices[1].Revoked {
		t.Errorf("after logging out everywhere: sessions %+v, devices %+v", left, devices)
	}
	audits := e.auditActions("logout_everywhere")
	if len(audits) != 1 || audits[0].User != wang.ID || audits[0].Device != b.login.Device || audits[0].Target != wang.ID ||
		audits[0].Detail != "2 sessions ended" {
		t.Errorf("audit: %+v", audits)
	}
	// Tablet a logs in again and keeps its device.
	if lr := e.loginOK("wang", goodPassword, a.login.Device); lr.Device != a.login.Device {
		t.Errorf("logging in again: device %s, want %s", lr.Device, a.login.Device)
	}
	// The plain logout still takes an empty body.
	if r := e.send(http.MethodPost, "/api/logout", "", "Authorization", "Bearer "+li.login.Token); r.code != http.StatusNoContent {
		t.Errorf("plain logout: %d %s", r.code, r.body)
	}
	wantRefused(t, "logged out", li, "session_expired")
}

// A password reset ends the user's sessions and lifts a lock; the new
// password works, the old one does not, and a short one is refused.
func TestSetPasswordEndsSessions(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, t.TempDir(), &testClock{t: time.Now()})
	wang := e.addUser("wang", store.RoleWorker)
	tb := e.tablet("wang")
	wantAccepted(t, "before", tb)
	e.bruteForce("wang")
	ctx := withActor(context.Background(), "admin-id", "")
	if err := e.s.SetPassword(ctx, wang.ID, "short"); err == nil || !strings.Contains(err.Error(), "至少 8 个字符") || !strings.Contains(err.Error(), "at least 8 characters") {
		t.Errorf("a short password: %v", err)
	}
	if err := e.s.SetPassword(ctx, "no-such-id", "another-long-password"); !errors.Is(err, errUnknownUser) {
		t.Errorf("an unknown user: %v", err)
	}
	if err := e.s.SetPassword(ctx, wang.ID, "another-long-password"); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, "after the reset", tb, "session_expired")
	if a := e.login("wang", goodPassword); a.code != http.StatusUnauthorized {
		t.Errorf("the old password: %d %s", a.code, a.body)
	}
	if a := e.login("wang", "another-long-password"); a.code != http.StatusOK {
		t.Errorf("the new password (the lock lifted): %d %s", a.code, a.body)
	}
	audits := e.auditActions("password_reset")
	if len(audits) != 1 || audits[0].User != "admin-id" || audits[0].Target != wang.ID || audits[0].Detail != "1 sessions ended" ||
		strings.Contains(audits[0].Detail, "another-long-password") {
		t.Errorf("audit: %+v", audits)
	}
}

// At start, a server with users but no enabled administrator says how to
// create one.
func TestWarnWithoutAdmin(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	start := func() string {
		var log bytes.Buffer
		s, err := New(Config{DataDir: dir, Web: webFS(t, true), Logger: slog.New(slog.NewTextHandler(&log, nil))})
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		return log.String()
	}
	if log := start(); !strings.Contains(log, "no users yet") || strings.Contains(log, "no enabled administrator") {
		t.Errorf("no users: %s", log)
	}
	ctx := context.Background()
	if _, err := AddUser(ctx, dir, NewUser{Name: "wang", Password: goodPassword, Role: store.RoleWorker, Org: "620102"}); err != nil {
		t.Fatal(err)
	}
	if log := start(); !strings.Contains(log, "no enabled administrator") || !strings.Contains(log, "jiuzhu user add") || !strings.Contains(log, "--role admin") {
		t.Errorf("a worker only: %s", log)
	}
	admin, err := AddUser(ctx, dir, NewUser{Name: "admin", Password: goodPassword, Role: store.RoleAdmin, Org: "62"})
	if err != nil {
		t.Fatal(err)
	}
	if log := start(); strings.Contains(log, "administrator") || strings.Contains(log, "no users") {
		t.Errorf("with an administrator: %s", log)
	}
	err = withStore(dir, func(st store.Store) error {
		return st.Update(ctx, func(tx store.Tx) error { admin.Disabled = true; return tx.PutUser(admin) })
	})
	if err != nil {
		t.Fatal(err)
	}
	if log := start(); !strings.Contains(log, "no enabled administrator") {
		t.Errorf("the administrator disabled: %s", log)
	}
}
