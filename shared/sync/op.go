package sync

import (
	"cmp"
	"strconv"
	"strings"
)

// ServerDevice is the device id the server uses for the changes it makes
// itself (conflict records). Device registration must never issue it.
const ServerDevice = "server"

// MaxDeviceLen bounds the length of a device id.
const MaxDeviceLen = 64

// Op identifies a change: the device that made it and that device's
// counter, which is stored durably and increases with every change.
type Op struct {
	Device  string
	Counter uint64
}

// String returns "device:counter".
func (o Op) String() string { return o.Device + ":" + strconv.FormatUint(o.Counter, 10) }

// IsZero reports whether o is the zero Op.
func (o Op) IsZero() bool { return o.Device == "" && o.Counter == 0 }

// Compare orders ops: device id as bytes, then counter numerically.
func (o Op) Compare(p Op) int {
	if c := strings.Compare(o.Device, p.Device); c != 0 {
		return c
	}
	return cmp.Compare(o.Counter, p.Counter)
}

// Valid reports whether o has a well-formed device id and a counter > 0.
func (o Op) Valid() bool { return ValidDevice(o.Device) && o.Counter > 0 }

// ValidDevice reports whether s is a well-formed device id: 1 to MaxDeviceLen
// characters from [A-Za-z0-9_-].
func ValidDevice(s string) bool {
	if len(s) == 0 || len(s) > MaxDeviceLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// ParseOp parses "device:counter".
func ParseOp(s string) (Op, error) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return Op{}, ErrBadOp
	}
	n, err := strconv.ParseUint(s[i+1:], 10, 64)
	if err != nil {
		return Op{}, ErrBadOp
	}
	o := Op{Device: s[:i], Counter: n}
	if !o.Valid() {
		return Op{}, ErrBadOp
	}
	return o, nil
}
