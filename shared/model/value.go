package model

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"time"
)

// Values holds a record's fields as canonical JSON, keyed by field name.
type Values map[string]string

// Null is the JSON null that clears a field.
const Null = "null"

// Str returns s as a canonical JSON string.
func Str(s string) string {
	b, _ := json.Marshal(s) // strings always marshal
	return string(b)
}

// Int returns n as canonical JSON.
func Int(n int64) string { return strconv.FormatInt(n, 10) }

// Bool returns b as canonical JSON.
func Bool(b bool) string { return strconv.FormatBool(b) }

// Decimal returns x as canonical JSON.
func Decimal(x float64) string {
	b, _ := json.Marshal(x)
	return string(b)
}

// Date returns the date of t as a canonical JSON date.
func Date(t time.Time) string { return Str(t.Format(time.DateOnly)) }

// List returns codes or record ids as a canonical JSON array (sorted, no
// duplicates).
func List(items ...string) string {
	s := slices.Clone(items)
	slices.Sort(s)
	s = slices.Compact(s)
	if s == nil {
		s = []string{}
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// AsString returns the string held by a JSON string value.
func AsString(v string) (string, bool) {
	if len(v) < 2 || v[0] != '"' {
		return "", false
	}
	var s string
	if json.Unmarshal([]byte(v), &s) != nil {
		return "", false
	}
	return s, true
}

// AsBool returns the bool held by a JSON value.
func AsBool(v string) (b, ok bool) {
	switch v {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// AsList returns the strings of a JSON array of strings.
func AsList(v string) ([]string, bool) {
	var s []string
	if len(v) == 0 || v[0] != '[' || json.Unmarshal([]byte(v), &s) != nil {
		return nil, false
	}
	return s, true
}

// canonical reports whether v is the compact encoding/json form of x.
func canonical(v string, x any) bool {
	b, err := json.Marshal(x)
	return err == nil && bytes.Equal(b, []byte(v))
}
