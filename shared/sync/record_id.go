package sync

import "strings"

// RecID names a record: "type/ULID", where type is a lower-case record type
// name ([a-z_], up to 32 bytes) and ULID is 26 Crockford base-32 characters.
type RecID string

// MaxTypeLen bounds the length of a record type name.
const MaxTypeLen = 32

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// Type returns the type part of id ("" if id has none).
func (id RecID) Type() string {
	i := strings.IndexByte(string(id), '/')
	if i < 0 {
		return ""
	}
	return string(id[:i])
}

// Valid reports whether id is well formed.
func (id RecID) Valid() bool {
	s := string(id)
	i := strings.IndexByte(s, '/')
	if i <= 0 || i > MaxTypeLen || len(s)-i-1 != 26 {
		return false
	}
	for j := 0; j < i; j++ {
		if c := s[j]; !(c >= 'a' && c <= 'z' || c == '_') {
			return false
		}
	}
	if s[i+1] > '7' { // a ULID's first character holds only 3 bits
		return false
	}
	for j := i + 1; j < len(s); j++ {
		if strings.IndexByte(crockford, s[j]) < 0 {
			return false
		}
	}
	return true
}

// ParseRecID checks s and returns it as a RecID.
func ParseRecID(s string) (RecID, error) {
	id := RecID(s)
	if !id.Valid() {
		return "", ErrBadRecID
	}
	return id, nil
}

// MakeRecID builds a record id from a type, a 48-bit millisecond time and 10
// bytes of entropy, in ULID layout. Callers pass the entropy (from a
// cryptographic source on devices, from a hash for derived ids).
func MakeRecID(typ string, ms int64, entropy [10]byte) RecID {
	var b [16]byte
	u := uint64(ms) & hlcMaxMillis
	for i := 5; i >= 0; i-- {
		b[i] = byte(u)
		u >>= 8
	}
	copy(b[6:], entropy[:])
	// 128 bits -> 26 base-32 characters, most significant first (2 pad bits).
	var out [26]byte
	hi := uint64(b[0])<<56 | uint64(b[1])<<48 | uint64(b[2])<<40 | uint64(b[3])<<32 | uint64(b[4])<<24 | uint64(b[5])<<16 | uint64(b[6])<<8 | uint64(b[7])
	lo := uint64(b[8])<<56 | uint64(b[9])<<48 | uint64(b[10])<<40 | uint64(b[11])<<32 | uint64(b[12])<<24 | uint64(b[13])<<16 | uint64(b[14])<<8 | uint64(b[15])
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return RecID(typ + "/" + string(out[:]))
}
