package sync

import (
	"crypto/sha256"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// ConflictType is the record type of conflict records, which the server
// creates and the devices resolve.
const ConflictType = "conflict"

// FieldRoot is the field of a child record that names its root record (the
// case, group, activity, volunteer or supervision session). Access is decided
// on the root; a conflict record inherits the root of the conflicting record.
const FieldRoot = "root"

// Fields of a conflict record. The two sides are ordered by op, so the record
// is the same whichever side reached the server first. Only ConflictResolved
// and ConflictChoice may be written by devices.
const (
	ConflictRec      = "rec"      // the conflicting record id
	ConflictField    = "field"    // the field, or FieldDeleted for edit vs delete
	ConflictKind     = "kind"     // "edit" or "delete"
	ConflictOpA      = "op_a"     // the smaller op
	ConflictByA      = "by_a"     // its author
	ConflictValueA   = "value_a"  // its value
	ConflictOpB      = "op_b"     // the greater op
	ConflictByB      = "by_b"     // its author
	ConflictValueB   = "value_b"  // its value
	ConflictWinner   = "winner"   // the op that won the merge
	ConflictParent   = "parent"   // same as rec
	ConflictResolved = "resolved" // true once a worker has resolved it
	ConflictChoice   = "choice"   // the value the worker chose
)

// Conflict kinds.
const (
	KindEdit   = "edit"
	KindDelete = "delete"
)

// ConflictID returns the id of the conflict between two ops. It depends
// only on the two ops and the later HLC, so it is the same on every replica.
func ConflictID(a, b Op, hlc HLC) RecID {
	if a.Compare(b) > 0 {
		a, b = b, a
	}
	sum := sha256.Sum256([]byte(a.String() + "\x00" + b.String()))
	var ent [10]byte
	copy(ent[:], sum[:])
	return MakeRecID(ConflictType, hlc.Millis(), ent)
}

// write is one side of a conflict: a write to a field of a record.
type write struct {
	Field string
	FieldState
}

// conflictFields returns the fields of the conflict record between two
// writes to rec, in a fixed order.
func conflictFields(rec, root RecID, field, kind string, x, y write) [][2]string {
	if x.Op.Compare(y.Op) > 0 {
		x, y = y, x
	}
	winner := y.Op
	if x.Beats(y.FieldState) {
		winner = x.Op
	}
	return [][2]string{
		{FieldRoot, jsonString(string(root))},
		{ConflictParent, jsonString(string(rec))},
		{ConflictRec, jsonString(string(rec))},
		{ConflictField, jsonString(field)},
		{ConflictKind, jsonString(kind)},
		{ConflictOpA, jsonString(x.Op.String())},
		{ConflictByA, jsonString(x.By)},
		{ConflictValueA, x.Value},
		{ConflictOpB, jsonString(y.Op.String())},
		{ConflictByB, jsonString(y.By)},
		{ConflictValueB, y.Value},
		{ConflictWinner, jsonString(winner.String())},
	}
}

// jsonString returns s as canonical JSON (encoding/json's encoding).
func jsonString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

// UnquoteJSON returns the string held by a canonical JSON string value, or
// "" and false if v is not a JSON string.
func UnquoteJSON(v string) (string, bool) {
	if s, ok := PlainJSONString(v); ok {
		return s, true
	}
	var s string
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		return "", false
	}
	return s, true
}

// PlainJSONString returns the text of v when v is a JSON string in the
// canonical form encoding/json writes, with nothing to unescape: valid
// UTF-8, no quote, backslash or control character, none of < > & (which
// encoding/json escapes) and no U+2028 or U+2029. It is the common case of
// every id, code and most text, and decoding it needs no allocation.
func PlainJSONString(v string) (string, bool) {
	n := len(v)
	if n < 2 || v[0] != '"' || v[n-1] != '"' {
		return "", false
	}
	inner := v[1 : n-1]
	ascii := true
	for i := 0; i < len(inner); i++ {
		switch c := inner[i]; {
		case c == '"' || c == '\\' || c < 0x20 || c == '<' || c == '>' || c == '&':
			return "", false
		case c >= 0x80:
			ascii = false
		}
	}
	if !ascii && (!utf8.ValidString(inner) || strings.Contains(inner, "\u2028") || strings.Contains(inner, "\u2029")) {
		return "", false
	}
	return inner, true
}
