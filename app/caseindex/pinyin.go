package caseindex

import (
	"slices"
	"strings"
	stdsync "sync"
	"unicode"
	"unicode/utf8"
)

//go:generate go run -C internal/genpinyin . -o ../../pinyin_table.go

// The pinyin table (pinyin_table.go) is generated from go-pinyin by
// internal/genpinyin, a module of its own: the app links only the table
// for the 6,800 characters names use (32 KB), not go-pinyin's dictionary
// of every CJK character (about 1.7 MB).

// pinyinData is the table unpacked for lookups. It is built on first use,
// not at program start, so that a screen that never lists cases does not
// pay for it.
type pinyinData struct {
	syl []string          // syllable by number
	ch  map[rune][]uint16 // a character's readings, its first one first
	abc [26]uint16        // the "syllable" of each latin letter (see readingsOf)
}

var pinyinOnce = stdsync.OnceValue(buildPinyin)

func buildPinyin() *pinyinData {
	p := &pinyinData{ch: make(map[rune][]uint16, 6900)}
	num := map[string]uint16{}
	add := func(s string) uint16 {
		n, ok := num[s]
		if !ok {
			n = uint16(len(p.syl))
			num[s] = n
			p.syl = append(p.syl, s)
		}
		return n
	}
	type row struct{ syl, primary, other string }
	var rows []row
	for line := range strings.Lines(pinyinTable) {
		f := strings.Split(strings.TrimSuffix(line, "\n"), " ")
		if len(f) != 3 {
			panic("caseindex: bad pinyin table line " + line)
		}
		rows = append(rows, row{f[0], f[1], f[2]})
		add(f[0])
	}
	// Primary readings first, so that a character's first reading is the
	// one its table row calls primary; then the others; then, since ü is
	// written v (lv, nve) and people also type u for it, the u spelling of
	// every such reading.
	for pass := range 3 {
		for _, row := range rows {
			s, n := row.primary, num[row.syl]
			switch pass {
			case 1:
				s = row.other
			case 2:
				if !hasV(row.syl) {
					continue
				}
				s, n = row.primary+row.other, add(vToU(row.syl))
			}
			for _, r := range s {
				if !slices.Contains(p.ch[r], n) {
					p.ch[r] = append(p.ch[r], n)
				}
			}
		}
	}
	for c := 'a'; c <= 'z'; c++ {
		p.abc[c-'a'] = add(string(c))
	}
	return p
}

func hasV(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 'v' {
			return true
		}
	}
	return false
}

// vToU respells a ü syllable with u: lv → lu, nve → nue.
func vToU(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == 'v' {
			b[i] = 'u'
		}
	}
	return string(b)
}

// readingsOf returns the syllable numbers a character of a name can be
// read as: its pinyin readings for a Han character in the table, the
// letter itself for a latin letter (so that "anna" finds Anna), nothing
// for anything else.
func (p *pinyinData) readingsOf(r rune) []uint16 {
	switch {
	case r >= 'a' && r <= 'z':
		return p.abc[r-'a' : r-'a'+1]
	case r >= 'A' && r <= 'Z':
		return p.abc[r-'A' : r-'A'+1]
	}
	return p.ch[r]
}

// surnameReading gives the reading of a character used as a family name
// where it differs from the character's commonest reading (单 is dan, but
// the surname is Shan). It only orders names; search accepts every
// reading.
var surnameReading = map[rune]string{
	'单': "shan", '曾': "zeng", '解': "xie", '仇': "qiu", '区': "ou",
	'朴': "piao", '查': "zha", '盖': "ge", '乐': "yue", '覃': "qin",
	'翟': "zhai", '缪': "miao", '员': "yun", '种': "chong", '秘': "bi",
	'召': "shao", '重': "chong", '藏': "zang", '隗': "wei", '都': "du",
	'句': "gou", '阚': "kan", '祭': "zhai", '繁': "po",
}

// nameSortKey returns the key that orders names by pinyin: each
// character's reading (the surname reading for the first) followed by a
// byte below every letter, so that 张 sorts before 张三 and 张三 before
// 章一. A run of latin letters or digits stands for itself as one word;
// characters without a reading come after all pinyin, in code point order.
func nameSortKey(p *pinyinData, name string) string {
	key := make([]byte, 0, len(name)*2)
	first, word := true, false
	for _, r := range name {
		if r < 0x80 && (isLetter(byte(r)) || r >= '0' && r <= '9') {
			c := byte(r)
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			key = append(key, c)
			word, first = true, false
			continue
		}
		if word {
			key = append(key, 1)
			word = false
		}
		var s string
		if first {
			s = surnameReading[r]
		}
		if rs := p.ch[r]; s == "" && len(rs) > 0 {
			s = p.syl[rs[0]]
		}
		switch {
		case s != "":
			key = append(key, s...)
		case separator(r):
			continue
		default:
			key = append(key, 0x7f)
			key = utf8.AppendRune(key, r)
		}
		key = append(key, 1)
		first = false
	}
	if word {
		key = append(key, 1)
	}
	return string(key)
}

// separator reports whether r separates the parts of a name (a space,
// the dot of 买买提·艾力) rather than being one.
func separator(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
}
