package model

import (
	"encoding/json"
	"strconv"
)

// Money is an amount of money with everything needed to read it: never a
// bare number. Amount is in fen (1/100 yuan).
type Money struct {
	Amount int64  `json:"amount"` // fen
	Area   string `json:"area"`   // "urban" or "rural"
	Per    string `json:"per"`    // "person" or "household"
	Period string `json:"period"` // "month" or "year"
	Unit   string `json:"unit"`   // "yuan"
}

// UnitYuan is the only currency unit.
const UnitYuan = "yuan"

// Value returns m as canonical JSON.
func (m Money) Value() string {
	b, _ := json.Marshal(m) // a struct of ints and strings always marshals
	return string(b)
}

// Yuan formats the amount in yuan with two decimals.
func (m Money) Yuan() string {
	a := m.Amount
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	f := strconv.FormatInt(a%100, 10)
	if len(f) < 2 {
		f = "0" + f
	}
	return sign + strconv.FormatInt(a/100, 10) + "." + f
}

// Text renders m for people, e.g. "城市人均每月 450.00 元" or
// "450.00 yuan per person per month (urban)".
func (m Money) Text(lang string) string {
	if lang == LangEn {
		return m.Yuan() + " yuan per " + m.Per + " per " + m.Period + " (" + m.Area + ")"
	}
	area := map[string]string{"urban": "城市", "rural": "农村"}[m.Area]
	per := map[string]string{"person": "人均", "household": "户均"}[m.Per]
	period := map[string]string{"month": "每月", "year": "每年"}[m.Period]
	return area + per + period + " " + m.Yuan() + " 元"
}

// ParseMoney decodes and checks a money value. The message names the
// problem; label is the field's label for the message.
func ParseMoney(v string, label Label) (Money, *Msg) {
	var m Money
	if json.Unmarshal([]byte(v), &m) != nil || len(v) == 0 || v[0] != '{' {
		return m, &Msg{MsgBadMoney, []Label{label}}
	}
	if m.Unit != UnitYuan || (m.Period != "month" && m.Period != "year") ||
		(m.Area != "urban" && m.Area != "rural") || (m.Per != "person" && m.Per != "household") {
		return m, &Msg{MsgMoneyUnit, []Label{label}}
	}
	if m.Amount < 0 {
		return m, &Msg{MsgMoneyNeg, []Label{label}}
	}
	if m.Value() != v {
		return m, &Msg{MsgNotCanonical, []Label{label}}
	}
	return m, nil
}
