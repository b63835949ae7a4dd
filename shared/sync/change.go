package sync

import "encoding/json"

// FieldDeleted is the field of a tombstone change: value true deletes the
// record, false restores it. Fields keep their values under a tombstone, so a
// restore brings the record back whole.
const FieldDeleted = "_deleted"

// Canonical JSON values for FieldDeleted.
const (
	ValueTrue  = "true"
	ValueFalse = "false"
	ValueNull  = "null"
)

// Change is the unit that travels: one field of one record set to a value.
// Value is the field's value as canonical (compact) JSON; the model decides
// which JSON is valid for which field.
type Change struct {
	Op    Op     // unique id of the change: device and its counter
	Rec   RecID  // the record
	Field string // the field, or FieldDeleted
	Value string // canonical JSON
	HLC   HLC    // when, on the author's hybrid logical clock
	By    string // the user who made it
	Base  uint64 // the last server sequence the device had seen
}

// Entry is a change as committed by the server, with its sequence number.
type Entry struct {
	Seq uint64
	Change
}

// Cursor is a device's position in the server log.
type Cursor struct {
	Epoch uint64 // bumped when the server compacts its log
	Seq   uint64 // last sequence received
}

// MaxFieldLen bounds the length of a field name.
const MaxFieldLen = 64

// ValidField reports whether s is a well-formed field name: [a-z0-9_],
// 1 to MaxFieldLen bytes, or FieldDeleted.
func ValidField(s string) bool {
	if len(s) == 0 || len(s) > MaxFieldLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// Check validates the structure of c (not its meaning for the schema):
// op, record id, field name, value is JSON no larger than maxValue, author
// set. It returns a message suitable for a Rejected, or "" if c is fine.
func (c *Change) Check(maxValue int) string {
	switch {
	case !c.Op.Valid():
		return "malformed op"
	case !c.Rec.Valid():
		return "malformed record id"
	case !ValidField(c.Field):
		return "malformed field name"
	case len(c.Value) > maxValue:
		return "value too large"
	case !validJSON(c.Value):
		return "value is not JSON"
	case c.By == "" || len(c.By) > MaxDeviceLen:
		return "missing or malformed author"
	case c.Field == FieldDeleted && c.Value != ValueTrue && c.Value != ValueFalse:
		return "tombstone value must be true or false"
	}
	return ""
}

// validJSON reports whether v is JSON, quickly for plain strings.
func validJSON(v string) bool {
	if _, ok := PlainJSONString(v); ok {
		return true
	}
	return json.Valid([]byte(v))
}
