package sync

import (
	"fmt"
	"time"
)

// HLC is a hybrid logical clock reading: the upper 48 bits are milliseconds
// since the Unix epoch, the lower 16 bits a counter that orders readings
// within one millisecond.
type HLC uint64

const (
	hlcCounterBits = 16
	hlcMaxMillis   = 1<<48 - 1
	hlcMaxCounter  = 1<<hlcCounterBits - 1
)

// MakeHLC builds an HLC from milliseconds and a counter.
func MakeHLC(ms int64, counter uint16) HLC {
	return HLC(uint64(ms)<<hlcCounterBits | uint64(counter))
}

// Millis returns the physical part in milliseconds since the Unix epoch.
func (h HLC) Millis() int64 { return int64(h >> hlcCounterBits) }

// Counter returns the logical part.
func (h HLC) Counter() uint16 { return uint16(h & hlcMaxCounter) }

// Time returns the physical part as a time.Time (UTC).
func (h HLC) Time() time.Time { return time.UnixMilli(h.Millis()).UTC() }

func (h HLC) String() string { return fmt.Sprintf("%d.%d", h.Millis(), h.Counter()) }

// TimeSource supplies physical time. Production code passes the wall clock;
// tests pass a ManualTime. Nothing in this package reads the wall clock.
type TimeSource interface {
	Now() time.Time
}

// TimeFunc adapts a function to TimeSource.
type TimeFunc func() time.Time

// Now calls f.
func (f TimeFunc) Now() time.Time { return f() }

// ManualTime is a TimeSource for tests: it returns the time it was set to.
// It is not safe for concurrent use.
type ManualTime struct{ T time.Time }

// Now returns m.T.
func (m *ManualTime) Now() time.Time { return m.T }

// Advance moves the time by d (which may be negative, to test clocks going
// backwards).
func (m *ManualTime) Advance(d time.Duration) { m.T = m.T.Add(d) }

// Clock issues HLC readings. It never goes backwards: every reading from Now
// is greater than every earlier reading and every HLC passed to Observe, even
// if the physical time source goes back. It is not safe for concurrent use.
type Clock struct {
	src  TimeSource
	last HLC
}

// NewClock returns a clock reading physical time from src, resuming after
// last (the greatest HLC issued or observed before, kept durably by the
// caller).
func NewClock(src TimeSource, last HLC) *Clock { return &Clock{src: src, last: last} }

// Last returns the greatest HLC issued or observed.
func (c *Clock) Last() HLC { return c.last }

// Now returns a new reading greater than every earlier one.
func (c *Clock) Now() (HLC, error) {
	ms := c.src.Now().UnixMilli()
	if ms < 0 {
		ms = 0
	}
	if ms > hlcMaxMillis {
		return 0, ErrClockOverflow
	}
	next := MakeHLC(ms, 0)
	if next <= c.last {
		if c.last == HLC(1<<64-1) {
			return 0, ErrClockOverflow
		}
		next = c.last + 1 // a counter overflow carries into the milliseconds
	}
	c.last = next
	return next, nil
}

// Observe moves the clock past h, a reading seen in a change from elsewhere.
func (c *Clock) Observe(h HLC) {
	if h > c.last {
		c.last = h
	}
}
