package model

import "strings"

// Languages of labels and messages.
const (
	LangZh = "zh" // simplified Chinese, the default
	LangEn = "en"
)

// Label is a user-visible name in Chinese and English.
type Label struct {
	Zh string
	En string
}

// In returns the label in lang; anything but LangEn gives Chinese.
func (l Label) In(lang string) string {
	if lang == LangEn && l.En != "" {
		return l.En
	}
	return l.Zh
}

// Msg is a translatable message: a key into the catalog below and its
// arguments, substituted for {0}, {1}, … in the same language (a field's
// label is an argument with both languages; a plain value has the same text
// in both). The UI's own catalogs live in shared/i18n; the model's messages
// are self-contained here.
type Msg struct {
	Key  string
	Args []Label
}

// Plain returns a message argument that reads the same in every language.
func Plain(s string) Label { return Label{Zh: s, En: s} }

// Message keys.
const (
	MsgRequired     = "required"
	MsgNotText      = "not_text"
	MsgTooLong      = "too_long"
	MsgNotInt       = "not_int"
	MsgNotNumber    = "not_number"
	MsgOutOfRange   = "out_of_range"
	MsgNotBool      = "not_bool"
	MsgBadDate      = "bad_date"
	MsgBadTime      = "bad_time"
	MsgFutureDate   = "future_date"
	MsgUnknownCode  = "unknown_code"
	MsgBadRef       = "bad_ref"
	MsgBadMoney     = "bad_money"
	MsgMoneyUnit    = "money_unit"
	MsgMoneyNeg     = "money_negative"
	MsgIDLength     = "id_length"
	MsgIDChars      = "id_chars"
	MsgIDDivision   = "id_division"
	MsgIDBirth      = "id_birth"
	MsgIDFuture     = "id_future"
	MsgIDChecksum   = "id_checksum"
	MsgBadSignature = "bad_signature"
	MsgBadPhone     = "bad_phone"
	MsgNotCanonical = "not_canonical"
	MsgBadJSON      = "bad_json"
	MsgUnknownType  = "unknown_type"
	MsgUnknownField = "unknown_field"
	MsgEndBefore    = "end_before_start"
	MsgFuture       = "future"
)

var catalog = map[string]Label{
	MsgRequired:     {"请填写{0}", "{0} is required"},
	MsgNotText:      {"{0}应为文字", "{0} must be text"},
	MsgTooLong:      {"{0}不能超过{1}个字", "{0} must be at most {1} characters"},
	MsgNotInt:       {"{0}应为整数", "{0} must be a whole number"},
	MsgNotNumber:    {"{0}应为数字", "{0} must be a number"},
	MsgOutOfRange:   {"{0}应在{1}到{2}之间", "{0} must be between {1} and {2}"},
	MsgNotBool:      {"{0}应为是或否", "{0} must be yes or no"},
	MsgBadDate:      {"{0}不是有效日期（年-月-日）", "{0} is not a valid date (YYYY-MM-DD)"},
	MsgBadTime:      {"{0}不是有效时间（时:分）", "{0} is not a valid time (HH:MM)"},
	MsgFutureDate:   {"{0}不能晚于今天", "{0} cannot be later than today"},
	MsgUnknownCode:  {"{0}的选项“{1}”不存在", "{0}: unknown option “{1}”"},
	MsgBadRef:       {"{0}引用的记录无效", "{0} refers to an invalid record"},
	MsgBadMoney:     {"{0}金额格式无效", "{0} is not a valid amount"},
	MsgMoneyUnit:    {"{0}须注明单位、周期、城乡及按人或按户", "{0} needs unit, period, urban/rural and per person/household"},
	MsgMoneyNeg:     {"{0}不能为负数", "{0} cannot be negative"},
	MsgIDLength:     {"身份证号码应为18位", "ID number must have 18 characters"},
	MsgIDChars:      {"身份证号码前17位应为数字，末位为数字或X", "ID number: 17 digits then a digit or X"},
	MsgIDDivision:   {"身份证号码的行政区划代码无效", "ID number has an invalid division code"},
	MsgIDBirth:      {"身份证号码中的出生日期无效", "ID number has an invalid birth date"},
	MsgIDFuture:     {"身份证号码中的出生日期晚于今天", "ID number's birth date is in the future"},
	MsgIDChecksum:   {"身份证号码校验位不正确", "ID number check digit is wrong"},
	MsgBadSignature: {"{0}不是在屏幕上书写的签名图片", "{0} is not a signature drawn on the screen"},
	MsgBadPhone:     {"{0}不是有效的电话号码", "{0} is not a valid phone number"},
	MsgNotCanonical: {"{0}格式不规范", "{0} is not in canonical form"},
	MsgBadJSON:      {"{0}的数据格式无效", "{0} holds malformed data"},
	MsgUnknownType:  {"未知的记录类型{0}", "unknown record type {0}"},
	MsgUnknownField: {"未知的字段{0}", "unknown field {0}"},
	MsgEndBefore:    {"{0}不能早于{1}", "{0} cannot be before {1}"},
	MsgFuture:       {"{0}不能晚于今天", "{0} cannot be later than today"},
}

// Text renders m in lang (LangZh or LangEn). Unknown keys render as the key.
func (m Msg) Text(lang string) string {
	l, ok := catalog[m.Key]
	if !ok {
		return m.Key
	}
	s := l.In(lang)
	for i, a := range m.Args {
		s = strings.ReplaceAll(s, "{"+string(rune('0'+i))+"}", a.In(lang))
	}
	return s
}

// Keys returns every message key (for catalog completeness checks).
func Keys() []string {
	out := make([]string, 0, len(catalog))
	for k := range catalog {
		out = append(out, k)
	}
	return out
}
