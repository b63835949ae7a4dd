package model

import (
	"jiuzhu/shared/sync"

	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Default text limits in characters.
const (
	MaxText     = 200
	MaxLongText = 20000
	// MaxSignature bounds a drawn signature's data URL (a PNG of a few
	// strokes is 5–20 KB; a change's value may be 64 KiB).
	MaxSignature = 48000
)

// SignaturePrefix starts every signature value.
const SignaturePrefix = "data:image/png;base64,"

// Problem is one validation problem of a record.
type Problem struct {
	Field string
	Msg   Msg
}

// CheckField checks one canonical-JSON value for a field of a type, as the
// server does for every pushed change (sync.Schema). Null is always
// accepted (it clears the field); whether a field is required is a matter
// for ValidateRecord. The birth date inside an ID number is not compared
// with today here (see ValidateRecord).
func (r *Registry) CheckField(typ, field, value string) error {
	t, ok := r.byName[typ]
	if !ok {
		return &FieldError{Type: typ, Field: field, Msg: Msg{MsgUnknownType, []Label{Plain(typ)}}, Err: ErrUnknownType}
	}
	f, ok := t.Field(field)
	if !ok {
		return &FieldError{Type: typ, Field: field, Msg: Msg{MsgUnknownField, []Label{Plain(field)}}, Err: ErrUnknownField}
	}
	if m := r.CheckValue(f, value, time.Time{}); m != nil {
		return &FieldError{Type: typ, Field: field, Msg: *m, Err: ErrInvalid}
	}
	return nil
}

// CheckValue checks a value for a field; today (zero to skip) bounds dates
// that cannot be in the future (birth dates in ID numbers).
func (r *Registry) CheckValue(f *Field, v string, today time.Time) *Msg {
	if v == Null {
		return nil
	}
	bad := func(key string, args ...Label) *Msg { return &Msg{key, append([]Label{f.Label}, args...)} }
	if s, plain := sync.PlainJSONString(v); plain && stringKind(f.Kind) {
		return r.checkString(f, s, today) // canonical already: no decoding needed
	}
	if !json.Valid([]byte(v)) {
		return bad(MsgBadJSON)
	}
	switch f.Kind {
	case KindJSON:
		return nil
	case KindBool:
		if _, ok := AsBool(v); !ok {
			return bad(MsgNotBool)
		}
	case KindInt:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return bad(MsgNotInt)
		}
		if (f.Max != 0 || f.Min != 0) && (n < int64(f.Min) || n > int64(f.Max)) {
			return bad(MsgOutOfRange, Plain(strconv.Itoa(f.Min)), Plain(strconv.Itoa(f.Max)))
		}
	case KindDecimal:
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(x, 0) {
			return bad(MsgNotNumber)
		}
		if x < float64(f.Min) || (f.Max != 0 && x > float64(f.Max)) || math.Round(x*100) != x*100 {
			return bad(MsgOutOfRange, Plain(strconv.Itoa(f.Min)), Plain(strconv.Itoa(f.Max)))
		}
		if Decimal(x) != v {
			return bad(MsgNotCanonical)
		}
	case KindMoney:
		if _, m := ParseMoney(v, f.Label); m != nil {
			return m
		}
	case KindCodes, KindRefs:
		items, ok := AsList(v)
		if !ok {
			return bad(MsgBadJSON)
		}
		if List(items...) != v {
			return bad(MsgNotCanonical)
		}
		for _, it := range items {
			if m := r.checkString(f, it, today); m != nil {
				return m
			}
		}
	default:
		s, ok := AsString(v)
		if !ok {
			return bad(MsgNotText)
		}
		if Str(s) != v {
			return bad(MsgNotCanonical)
		}
		return r.checkString(f, s, today)
	}
	return nil
}

// stringKind reports whether values of kind k are JSON strings (the
// default case of CheckValue).
func stringKind(k Kind) bool {
	switch k {
	case KindJSON, KindBool, KindInt, KindDecimal, KindMoney, KindCodes, KindRefs:
		return false
	}
	return true
}

// checkString checks a string, or one item of a list, for a field's kind.
func (r *Registry) checkString(f *Field, s string, today time.Time) *Msg {
	bad := func(key string, args ...Label) *Msg { return &Msg{key, append([]Label{f.Label}, args...)} }
	switch f.Kind {
	case KindText, KindLongText, KindUser:
		max := f.Max
		if max == 0 {
			max = MaxText
			if f.Kind == KindLongText {
				max = MaxLongText
			}
		}
		if utf8.RuneCountInString(s) > max {
			return bad(MsgTooLong, Plain(strconv.Itoa(max)))
		}
		if !utf8.ValidString(s) || f.Kind != KindLongText && hasControl(s) {
			return bad(MsgNotText)
		}
		if f.Signature && !isSignature(s) {
			return bad(MsgBadSignature)
		}
	case KindDate:
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return bad(MsgBadDate)
		}
		if f.Past && !today.IsZero() && s > today.Format(time.DateOnly) {
			return bad(MsgFuture)
		}
	case KindTime:
		if _, err := time.Parse("15:04", s); err != nil {
			return bad(MsgBadTime)
		}
	case KindDateTime:
		t, err := time.Parse(time.RFC3339, s)
		if err != nil || t.Location() != time.UTC || t.Format(time.RFC3339) != s {
			return bad(MsgBadDate)
		}
	case KindCode, KindCodes:
		l, ok := r.codes[f.Codes]
		if !ok || !l.Has(s) {
			return bad(MsgUnknownCode, Plain(s))
		}
	case KindRef, KindRefs:
		typ, ok := recType(s)
		if !ok || f.Refs != nil && !slices.Contains(f.Refs, typ) {
			return bad(MsgBadRef)
		}
	case KindIDNumber:
		if m := ValidateIDNumber(s, today); m != nil {
			return m
		}
		if s[17] == 'x' {
			return bad(MsgNotCanonical)
		}
	case KindPhone:
		if !ValidPhone(s) {
			return bad(MsgBadPhone)
		}
	default:
		return bad(MsgBadJSON)
	}
	return nil
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// recType returns the type of a well-formed record id "type/ULID".
func recType(s string) (string, bool) {
	i := -1
	for j := 0; j < len(s); j++ {
		if s[j] == '/' {
			i = j
			break
		}
	}
	if i <= 0 || i > 32 || len(s)-i-1 != 26 || s[i+1] > '7' {
		return "", false
	}
	for j := 0; j < i; j++ {
		if c := s[j]; !(c >= 'a' && c <= 'z' || c == '_') {
			return "", false
		}
	}
	for j := i + 1; j < len(s); j++ {
		ok := false
		for k := 0; k < len(crockford); k++ {
			if crockford[k] == s[j] {
				ok = true
				break
			}
		}
		if !ok {
			return "", false
		}
	}
	return s[:i], true
}

// ValidateRecord checks a whole record: every value, unknown fields, and
// the fields required at the case's current stage (stage "" for records
// outside a case: only Always applies). today bounds dates that cannot be
// in the future. Problems come in field declaration order.
func (r *Registry) ValidateRecord(typ string, vals Values, stage string, today time.Time) []Problem {
	t, ok := r.byName[typ]
	if !ok {
		return []Problem{{Msg: Msg{MsgUnknownType, []Label{Plain(typ)}}}}
	}
	var out []Problem
	for i := range t.Fields {
		f := &t.Fields[i]
		v, has := vals[f.Name]
		if !has || v == Null || v == `""` || v == "[]" {
			if Required(f.Required, stage) {
				out = append(out, Problem{f.Name, Msg{MsgRequired, []Label{f.Label}}})
			}
			continue
		}
		if m := r.CheckValue(f, v, today); m != nil {
			out = append(out, Problem{f.Name, *m})
		}
	}
	names := make([]string, 0, len(vals))
	for name := range vals {
		if _, ok := t.Field(name); !ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		out = append(out, Problem{name, Msg{MsgUnknownField, []Label{Plain(name)}}})
	}
	return out
}

// Required reports whether a field with requirement req must be filled in
// when its case is at stage.
func Required(req Requirement, stage string) bool {
	switch req {
	case Optional:
		return false
	case Always:
		return true
	}
	return stage != "" && stageRank(stage) >= stageRank(string(req))
}

// isSignature reports whether s is a PNG data URL in standard base64.
func isSignature(s string) bool {
	b64, ok := strings.CutPrefix(s, SignaturePrefix)
	if !ok || len(b64) == 0 || len(b64)%4 != 0 {
		return false
	}
	body := strings.TrimSuffix(strings.TrimSuffix(b64, "="), "=")
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/') {
			return false
		}
	}
	return true
}
