package server

import (
	"context"
	"testing"
	"time"
)

func TestRateLimiterDelaysBeyondBurst(t *testing.T) {
	t.Parallel()
	r := &rateLimiter{rate: 100, now: time.Now}
	start := time.Now()
	if err := r.wait(context.Background(), "d1", 100); err != nil { // one second's worth: no wait
		t.Fatal(err)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("the burst waited %v", d)
	}
	if err := r.wait(context.Background(), "d1", 50); err != nil { // half a second more
		t.Fatal(err)
	}
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Errorf("150 changes at 100/s took only %v", d)
	}
	// Another device has its own budget.
	other := time.Now()
	r.wait(context.Background(), "d2", 100)
	if d := time.Since(other); d > 100*time.Millisecond {
		t.Errorf("another device waited %v", d)
	}
	// A cancelled context ends the wait.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.wait(ctx, "d1", 1000); err == nil {
		t.Error("wait ignored a cancelled context")
	}
}
