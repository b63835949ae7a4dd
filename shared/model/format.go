package model

import (
	"strconv"
	"strings"
)

// Format renders a field's canonical-JSON value for people (lists,
// exports, printouts): codes become their labels, money its text, booleans
// 是/否 or yes/no. With mask set, ID numbers and phone numbers are masked
// (MaskID, MaskPhone). Values that do not parse are shown as stored.
func (r *Registry) Format(f *Field, v, lang string, mask bool) string {
	if v == "" || v == Null {
		return ""
	}
	switch f.Kind {
	case KindBool:
		b, _ := AsBool(v)
		if lang == LangEn {
			return map[bool]string{true: "yes", false: "no"}[b]
		}
		return map[bool]string{true: "是", false: "否"}[b]
	case KindInt, KindDecimal, KindJSON:
		return v
	case KindMoney:
		m, msg := ParseMoney(v, f.Label)
		if msg != nil {
			return v
		}
		return m.Text(lang)
	case KindCodes, KindRefs:
		items, _ := AsList(v)
		out := make([]string, len(items))
		for i, it := range items {
			out[i] = it
			if f.Kind == KindCodes {
				out[i] = r.CodeLabel(f.Codes, it).In(lang)
			}
		}
		sep := "、"
		if lang == LangEn {
			sep = ", "
		}
		return strings.Join(out, sep)
	}
	s, ok := AsString(v)
	if !ok {
		return v
	}
	switch {
	case f.Signature: // an image; exports and lists say that there is one
		if lang == LangEn {
			return "signed"
		}
		return "已签名"
	case f.Kind == KindCode:
		return r.CodeLabel(f.Codes, s).In(lang)
	case f.Kind == KindIDNumber && mask:
		return MaskID(s)
	case f.Kind == KindPhone && mask:
		return MaskPhone(s)
	}
	return s
}

// Row renders a record as one export row in field declaration order, with
// Header giving the matching column titles.
func (r *Registry) Row(typ string, vals Values, lang string, mask bool) []string {
	t, ok := r.byName[typ]
	if !ok {
		return nil
	}
	out := make([]string, len(t.Fields))
	for i := range t.Fields {
		out[i] = r.Format(&t.Fields[i], vals[t.Fields[i].Name], lang, mask)
	}
	return out
}

// Header returns the column titles of a record type's export rows.
func (r *Registry) Header(typ, lang string) []string {
	t, ok := r.byName[typ]
	if !ok {
		return nil
	}
	out := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		out[i] = f.Label.In(lang)
	}
	return out
}

// Age returns the age in whole years on a day, from a birth date.
func Age(birth, on string) (int, bool) {
	if len(birth) != 10 || len(on) != 10 {
		return 0, false
	}
	by, e1 := strconv.Atoi(birth[:4])
	oy, e2 := strconv.Atoi(on[:4])
	if e1 != nil || e2 != nil {
		return 0, false
	}
	age := oy - by
	if on[5:] < birth[5:] {
		age--
	}
	return age, true
}
