package server

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Failed logins (a wrong name or password) are counted per login name and
// per client address, over sliding windows:
//
//   - A name's first 3 failures within 15 minutes cost nothing; after
//     that the next attempt must wait 1 s after the last failure, then 2 s,
//     4 s … (answered 429 with Retry-After, the password not even checked).
//     The 10th failure within 15 minutes locks the account for 30 minutes
//     (423): the lock is stored with the user, so a restart does not lift
//     it, and an administrator can lift it sooner (`jiuzhu user unlock`,
//     or the admin API). A name without an account is locked the same
//     way, in memory, so that the answers never tell which names exist.
//   - An address's first 20 failures within an hour cost nothing; after
//     that 1 s, 2 s, 4 s … up to 15 minutes between attempts (429). This
//     slows one client trying many names; it never locks an account.
//
// The counts live in memory: a restart forgets them, not the locks. A
// successful login forgets its name's failures (not its address's).
// Requests sent together cannot multiply the guesses: each attempt counts
// as a failure from the moment it is tried until it succeeds.
const (
	lockAfter  = 10               // failures of a name within nameThrottle.window that lock it
	lockPeriod = 30 * time.Minute // how long a lock lasts unless lifted
)

// throttle is how failures slow the next attempt.
type throttle struct {
	free   int           // failures within the window that cost nothing
	window time.Duration // failures older than this are forgotten
	max    time.Duration // the longest wait between attempts
}

var (
	nameThrottle = throttle{free: 3, window: 15 * time.Minute, max: 2 * time.Minute}
	addrThrottle = throttle{free: 20, window: time.Hour, max: 15 * time.Minute}
)

// Bounds on the limiter's memory: failures kept per key, and the number of
// keys above which forgotten ones are swept out.
const (
	maxKeptFailures = 64
	sweepAbove      = 4096
)

// wait returns how long after now the next attempt must wait, given the
// failures within the window (oldest first); zero or less means none.
func (th throttle) wait(fails []time.Time, now time.Time) time.Duration {
	if len(fails) < th.free {
		return 0
	}
	d := min(time.Second<<min(len(fails)-th.free, 30), th.max)
	return d - now.Sub(fails[len(fails)-1])
}

// recent returns the failures of key within the window at now.
func (th throttle) recent(m map[string][]time.Time, key string, now time.Time) []time.Time {
	fails := m[key]
	i := 0
	for i < len(fails) && now.Sub(fails[i]) >= th.window {
		i++
	}
	return fails[i:]
}

// add records a failure of key at now, and returns the failures within the
// window, this one included.
func (th throttle) add(m map[string][]time.Time, key string, now time.Time) []time.Time {
	fails := append(th.recent(m, key, now), now)
	if len(fails) > maxKeptFailures {
		fails = fails[len(fails)-maxKeptFailures:]
	}
	m[key] = fails
	if len(m) > sweepAbove {
		for k, f := range m {
			if len(f) == 0 || now.Sub(f[len(f)-1]) >= th.window {
				delete(m, k)
			}
		}
	}
	return fails
}

// loginLimiter counts failed logins (see above). It is safe for concurrent
// use; its zero value is ready.
type loginLimiter struct {
	mu     sync.Mutex
	names  map[string][]time.Time
	addrs  map[string][]time.Time
	locked map[string]time.Time // name → end of its lock, kept in memory
}

// lockedUntil returns the end of the lock on name the limiter knows of, or
// the zero time when there is none at now.
func (l *loginLimiter) lockedUntil(name string, now time.Time) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.activeLock(name, now)
}

func (l *loginLimiter) activeLock(name string, now time.Time) time.Time {
	if until := l.locked[name]; now.Before(until) {
		return until
	}
	return time.Time{}
}

// begin starts a login attempt for name from addr ("" for an address not
// counted) at now. When name is locked it returns the lock's end; when the
// attempt must wait, how long (the attempt is then not made, and costs
// nothing). Otherwise the attempt counts as a failure at once, so that
// attempts sent together cannot all be tried before one has failed, and
// end must settle it.
func (l *loginLimiter) begin(name, addr string, now time.Time) (wait time.Duration, until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if until := l.activeLock(name, now); !until.IsZero() {
		return 0, until
	}
	wait = nameThrottle.wait(nameThrottle.recent(l.names, name, now), now)
	if addr != "" {
		wait = max(wait, addrThrottle.wait(addrThrottle.recent(l.addrs, addr, now), now))
	}
	if wait > 0 {
		return wait, time.Time{}
	}
	if l.names == nil {
		l.names, l.addrs, l.locked = map[string][]time.Time{}, map[string][]time.Time{}, map[string]time.Time{}
	}
	nameThrottle.add(l.names, name, now)
	if addr != "" {
		addrThrottle.add(l.addrs, addr, now)
	}
	return 0, time.Time{}
}

// end settles the attempt begun at start. A failed one stays counted; when
// it is the failure that locks name, end returns the lock's end (and
// forgets the name's failures: the count starts again after the lock). Any
// other outcome forgets the name's failures, and takes the attempt back
// from its address's count.
func (l *loginLimiter) end(name, addr string, start time.Time, failed bool) (until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !failed {
		delete(l.names, name)
		fails := l.addrs[addr]
		for i := len(fails) - 1; i >= 0; i-- {
			if fails[i].Equal(start) {
				l.addrs[addr] = append(fails[:i:i], fails[i+1:]...)
				if len(l.addrs[addr]) == 0 {
					delete(l.addrs, addr)
				}
				break
			}
		}
		return time.Time{}
	}
	if len(nameThrottle.recent(l.names, name, start)) < lockAfter {
		return time.Time{}
	}
	delete(l.names, name)
	until = start.Add(lockPeriod)
	l.locked[name] = until
	if len(l.locked) > sweepAbove {
		for k, t := range l.locked {
			if !start.Before(t) {
				delete(l.locked, k)
			}
		}
	}
	return until
}

// unlock lifts the limiter's lock on name and forgets its failures (an
// administrator unlocked the account).
func (l *loginLimiter) unlock(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.names, name)
	delete(l.locked, name)
}

// clientAddr is the address a request's failed logins are counted under:
// the peer's IP address (an IPv6 one by its /64, which one client may hold
// whole). A peer on this machine is taken for a reverse proxy: the address
// it names in X-Real-IP, or last in X-Forwarded-For, is the client's; with
// none, the request is not counted by address ("") — else every client
// behind the proxy would share one count.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	if a.IsLoopback() {
		named := strings.TrimSpace(r.Header.Get("X-Real-IP"))
		if xff := r.Header.Values("X-Forwarded-For"); named == "" && len(xff) > 0 {
			hops := strings.Split(xff[len(xff)-1], ",")
			named = strings.TrimSpace(hops[len(hops)-1])
		}
		if a, err = netip.ParseAddr(named); err != nil {
			return ""
		}
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// retryAfter is a Retry-After header value for a wait of d: whole seconds,
// rounded up, at least 1.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(waitSeconds(d))
}

// waitSeconds is d in whole seconds, rounded up, at least 1.
func waitSeconds(d time.Duration) int {
	return max(int((d+time.Second-1)/time.Second), 1)
}
