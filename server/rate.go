package server

import (
	"context"
	"sync"
	"time"
)

// rateLimiter spaces out a device's pushes so that it sends at most rate
// changes per second on average (with a burst of one second's worth). It
// delays rather than refuses, so nothing is lost.
type rateLimiter struct {
	rate float64 // changes per second per device; 0 means unlimited
	mu   sync.Mutex
	next map[string]time.Time // when each device's budget is free again
	now  func() time.Time
}

func (r *rateLimiter) wait(ctx context.Context, device string, n int) error {
	if r.rate <= 0 || n == 0 {
		return nil
	}
	r.mu.Lock()
	if r.next == nil {
		r.next = map[string]time.Time{}
	}
	now := r.now()
	start := r.next[device]
	if floor := now.Add(-time.Second); start.Before(floor) {
		start = floor // unused budget accrues up to one second
	}
	end := start.Add(time.Duration(float64(n) / r.rate * float64(time.Second)))
	r.next[device] = end
	r.mu.Unlock()
	delay := end.Sub(now)
	if delay <= 0 {
		return nil
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
