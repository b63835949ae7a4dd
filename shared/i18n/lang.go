package i18n

// Lang is a user-interface language, named by its BCP 47 tag.
type Lang string

// The languages of the interface. ZH is the default.
const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
)

// Default is the language used when none has been chosen.
const Default = ZH

// Langs lists the supported languages in the order a switcher shows them.
var Langs = []Lang{ZH, EN}

// Parse returns the supported language named by s, accepting the usual
// spellings ("zh", "zh-CN", "zh-Hans", "en", "en-US"), and Default with
// ok false for anything else.
func Parse(s string) (l Lang, ok bool) {
	switch {
	case s == "":
		return Default, false
	case s == "en" || len(s) > 3 && s[:3] == "en-":
		return EN, true
	case s == "zh" || len(s) > 3 && s[:3] == "zh-":
		return ZH, true
	}
	return Default, false
}

// Name is the language's name written in that language, for the switcher.
func (l Lang) Name() string {
	if l == EN {
		return "English"
	}
	return "中文"
}

// T returns the label for key in language l, falling back to Chinese and
// then to the key itself so that a screen never shows an empty label.
func T(l Lang, key Key) string {
	e, ok := catalog[key]
	if !ok {
		return string(key)
	}
	if l == EN && e.en != "" {
		return e.en
	}
	if e.zh != "" {
		return e.zh
	}
	return string(key)
}
