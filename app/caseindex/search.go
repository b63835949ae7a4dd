package caseindex

import (
	"strings"
	"unicode"
)

// A matcher is search text read once per query.
type matcher struct {
	how    int
	text   string    // for digits: the digits (X upper case); else lower case
	py     string    // for latin: the letters only, lower case
	letter uint32    // bits of all of py's letters
	runes  uint64    // for Han text: the runeBits of its characters
	pairs  [2]uint64 // for digits: the pairMask of text
}

const (
	matchAll = iota
	matchDigits
	matchHan
	matchLatin
	matchOther
)

// minDigits is the shortest run of digits searched for in ID numbers and
// phones: fewer would match too many people to be of use.
const minDigits = 4

// compileMatch reads search text (see Query.Text).
func compileMatch(text string) matcher {
	t := strings.TrimSpace(text)
	if t == "" {
		return matcher{how: matchAll}
	}
	if isIDDigits(t) && len(t) >= minDigits {
		return matcher{how: matchDigits, text: strings.ToUpper(t), pairs: pairMask(t)}
	}
	hasHan, latin := false, true
	for _, r := range t {
		switch {
		case unicode.Is(unicode.Han, r):
			hasHan = true
		case r < 0x80 && (isLetter(byte(r)) || r == ' ' || r == '\''):
		default:
			latin = false
		}
	}
	m := matcher{how: matchOther, text: asciiLower(t)}
	switch {
	case hasHan:
		m.how, m.text = matchHan, t
		for _, r := range t {
			m.runes |= runeBit(r)
		}
	case latin:
		m.how = matchLatin
		b := make([]byte, 0, len(t))
		for i := 0; i < len(t); i++ {
			if c := t[i]; isLetter(c) {
				b = append(b, c|0x20) // lower case
			}
		}
		m.py = string(b)
		if m.py == "" { // only apostrophes
			m.how = matchOther
			break
		}
		for _, c := range b {
			m.letter |= 1 << (c - 'a')
		}
	}
	return m
}

// isIDDigits reports whether s is digits, perhaps ending in X or x (the
// check character of an ID number).
func isIDDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' || i == len(s)-1 && i > 0 && (c == 'X' || c == 'x') {
			continue
		}
		return false
	}
	return true
}

// match reports whether the card matches the search text.
func (m *matcher) match(c *card) bool {
	switch m.how {
	case matchAll:
		return true
	case matchDigits:
		return strings.HasSuffix(c.idUpper, m.text) ||
			c.pairs[0]&m.pairs[0] == m.pairs[0] && c.pairs[1]&m.pairs[1] == m.pairs[1] && strings.Contains(c.phoneDigit, m.text)
	case matchHan:
		return c.runes&m.runes == m.runes && (strings.Contains(c.Client, m.text) || strings.Contains(c.Title, m.text))
	case matchLatin:
		if strings.Contains(c.titleLower, m.text) {
			return true
		}
		// Cheap rejections first: most names lack one of the letters.
		if c.letters&m.letter != m.letter {
			return false
		}
		return pyMatch(pinyinOnce(), m.py, c.syls)
	}
	return strings.Contains(c.titleLower, m.text) || strings.Contains(c.nameLower, m.text)
}

// pyMatch reports whether q is spelled by consecutive characters of a
// name, each giving a non-empty prefix of one of its readings: "zs",
// "zhs", "zhangs" and "zhangsan" from 张三's first character, "san" from
// its second. q may end inside the name but not run past it.
func pyMatch(p *pinyinData, q string, syls [][]uint16) bool {
	var failed []bool
	if len(syls) > maxPlainSyls {
		// A long name (a transliterated one, a name in latin letters)
		// could make the plain search take exponential time: remember
		// the (character, rest of q) pairs that failed.
		failed = make([]bool, len(syls)*(len(q)+1))
	}
	for i := range syls {
		if pyFrom(p, q, syls, i, failed) {
			return true
		}
	}
	return false
}

// maxPlainSyls is the longest name searched without remembering failures;
// Chinese names have two to four characters.
const maxPlainSyls = 6

// pyFrom reports whether q is spelled from the name's i-th character on.
func pyFrom(p *pinyinData, q string, syls [][]uint16, i int, failed []bool) bool {
	if i >= len(syls) {
		return false
	}
	k := i*len(failed)/len(syls) + len(q)
	if failed != nil && failed[k] {
		return false
	}
	for _, n := range syls[i] {
		s := p.syl[n]
		l := 0
		for l < len(s) && l < len(q) && s[l] == q[l] {
			l++
		}
		if l == len(q) {
			return true // q is not empty: callers never pass it so
		}
		// Try the longest prefix first: full syllables are the usual case.
		for ; l > 0; l-- {
			if pyFrom(p, q[l:], syls, i+1, failed) {
				return true
			}
		}
	}
	if failed != nil {
		failed[k] = true
	}
	return false
}
