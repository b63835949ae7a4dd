package server

import (
	"strconv"
	"sync"
	"time"
)

// loginLimiter slows guessing: after maxFailures failed logins for one name
// within failWindow, that name is refused until the window has passed.
// (Lockout with an administrator's unlock comes with the admin pages.)
type loginLimiter struct {
	mu    sync.Mutex
	fails map[string][]time.Time
}

const (
	maxFailures = 5
	failWindow  = 15 * time.Minute
)

func (l *loginLimiter) recent(name string, now time.Time) []time.Time {
	var keep []time.Time
	for _, t := range l.fails[name] {
		if now.Sub(t) < failWindow {
			keep = append(keep, t)
		}
	}
	return keep
}

// blocked returns how long name must wait, or 0.
func (l *loginLimiter) blocked(name string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.recent(name, now)
	if len(r) < maxFailures {
		return 0
	}
	return failWindow - now.Sub(r[0])
}

func (l *loginLimiter) failed(name string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fails == nil {
		l.fails = map[string][]time.Time{}
	}
	l.fails[name] = append(l.recent(name, now), now)
}

func (l *loginLimiter) succeeded(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, name)
}

func retryAfter(d time.Duration) string {
	return strconv.Itoa(int(d/time.Second) + 1)
}
