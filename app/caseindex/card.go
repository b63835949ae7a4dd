package caseindex

import (
	"math"
	"slices"
	"strings"

	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// card is a Card with the keys queries compare against, computed once
// when the case's digests change.
type card struct {
	Card
	stale bool // replaced by a newer card; sorted orders drop it

	titleLower string     // the title in lower case, for latin search
	nameLower  string     // the client's name in lower case
	idUpper    string     // the ID number with x as X
	phoneDigit string     // the phone's digits only (no +, -, spaces)
	syls       [][]uint16 // readings of each character of the client's name
	letters    uint32     // every letter in any of those readings, as bits
	nameKey    string     // nameSortKey of the client's name
	// dayNum of LastContact, Opened and NextDue, for sorting
	lastDay, openedDay, dueDay uint32
	// Masks that let a query pass over most cards without a substring
	// search (which, without assembly, is slow in WebAssembly): the
	// characters of the name and title (runeBit), and the pairs of
	// adjacent digits in the phone (pairBit).
	runes uint64
	pairs [2]uint64
}

// runeBit returns the bit of a character in a rune mask: a hash into 64
// bits, so a mask tells only that a card may hold a character.
func runeBit(r rune) uint64 { return 1 << (uint32(r) * 2654435761 >> 26) }

// pairMask returns the mask of the pairs of adjacent digits in s.
func pairMask(s string) (m [2]uint64) {
	for i := 0; i+1 < len(s); i++ {
		a, b := s[i], s[i+1]
		if a >= '0' && a <= '9' && b >= '0' && b <= '9' {
			n := (a-'0')*10 + b - '0'
			m[n/64] |= 1 << (n % 64)
		}
	}
	return m
}

// public returns the Card, with a Categories slice of its own.
func (c *card) public() Card {
	out := c.Card
	out.Categories = slices.Clone(c.Categories)
	return out
}

// buildCard computes the card of a root from its digests, the overlay's
// taking precedence; nil when the root is not listed (its case record has
// no digest, or the overlay removed it).
func buildCard(p *pinyinData, rs *rootState) *card {
	if rs.hidden {
		return nil
	}
	recs := rs.recs
	if len(rs.over) > 0 {
		recs = make([]*rec, 0, len(rs.recs)+len(rs.over))
		for _, r := range rs.recs {
			if !slices.ContainsFunc(rs.over, func(o *rec) bool { return o.id == r.id }) {
				recs = append(recs, r)
			}
		}
		for _, o := range rs.over {
			if o.kind != 0 {
				recs = append(recs, o)
			}
		}
	}
	var kase, client, firstPerson *rec
	for _, r := range recs {
		switch r.kind {
		case kCase:
			if r.id == rs.id {
				kase = r
			}
		case kPerson:
			if firstPerson == nil || r.id < firstPerson.id {
				firstPerson = r
			}
		}
	}
	if kase == nil {
		return nil
	}
	if ref := sync.RecID(kase.get(fClient)); ref != "" {
		for _, r := range recs {
			if r.kind == kPerson && r.id == ref {
				client = r
				break
			}
		}
	}
	if client == nil {
		client = firstPerson
	}

	c := &card{Card: Card{
		Root:    rs.id,
		Title:   kase.get(fTitle),
		Worker:  kase.get(fWorker),
		Opened:  kase.get(fOpened),
		Pending: len(rs.over) > 0,
	}}
	var cats []string
	listItems(kase.get(fCaseCats), func(s string) { cats = append(cats, s) })
	if client != nil {
		c.Client = client.get(fName)
		c.ClientID = client.id
		c.Gender = client.get(fGender)
		c.IDNumber = client.get(fIDNumber)
		c.Phone = client.get(fPhone)
		listItems(client.get(fPersonCats), func(s string) { cats = append(cats, s) })
	}
	slices.Sort(cats)
	c.Categories = slices.Compact(cats)

	c.Stage = stageOf(recs)
	riskDate, riskID := "", sync.RecID("")
	dueFU, duePlan := "", ""
	for _, r := range recs {
		switch r.kind {
		case kAssessment:
			// The latest assessment that states a risk level; of two on
			// the same day, the one created later (ids grow with time).
			d := r.get(fDate)
			if r.get(fRisk) != "" && (c.Risk == "" || d > riskDate || d == riskDate && r.id > riskID) {
				c.Risk, riskDate, riskID = r.get(fRisk), d, r.id
			}
		case kServiceRecord:
			c.LastContact = max(c.LastContact, r.get(fDate))
		case kFollowUp:
			if r.get(fDoneDate) == "" {
				dueFU = minDate(dueFU, r.get(fFUDue))
			}
		case kPlanGoal:
			duePlan = minDate(duePlan, r.get(fDue))
		}
	}
	// A closed case's plan goals are behind it: only its follow-ups fall
	// due.
	if c.Stage == model.StageClosed || c.Stage == model.StageFollowUp {
		duePlan = ""
	}
	c.NextDue = minDate(dueFU, duePlan)

	c.keys(p)
	return c
}

// minDate returns the earlier of two dates, "" counting as none.
func minDate(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return min(a, b)
}

// keys computes the search and sort keys.
func (c *card) keys(p *pinyinData) {
	c.titleLower = asciiLower(c.Title)
	c.nameLower = asciiLower(c.Client)
	c.idUpper = strings.ToUpper(c.IDNumber) // only an x to change, if any
	c.phoneDigit = c.Phone
	if strings.IndexFunc(c.Phone, notDigit) >= 0 {
		c.phoneDigit = strings.Map(func(r rune) rune {
			if notDigit(r) {
				return -1
			}
			return r
		}, c.Phone)
	}
	c.syls = make([][]uint16, 0, len(c.Client)/3+1)
	for _, r := range c.Client {
		rs := p.readingsOf(r)
		if len(rs) == 0 && (separator(r) || r >= '0' && r <= '9') {
			continue
		}
		// A character without a reading (a rare one the table lacks)
		// stays, with no readings: no pinyin runs across it.
		c.syls = append(c.syls, rs)
		for _, n := range rs {
			for _, b := range []byte(p.syl[n]) {
				c.letters |= 1 << (b - 'a')
			}
		}
	}
	c.nameKey = nameSortKey(p, c.Client)
	c.lastDay, c.openedDay, c.dueDay = dayNum(c.LastContact), dayNum(c.Opened), dayNum(c.NextDue)
	for _, s := range [2]string{c.Client, c.Title} {
		for _, r := range s {
			c.runes |= runeBit(r)
		}
	}
	c.pairs = pairMask(c.phoneDigit)
}

// asciiLower lower-cases the latin letters of s. Search text is matched
// against titles and names in lower case only for latin letters: Unicode
// case mapping of Chinese text would cost time and change nothing.
func asciiLower(s string) string {
	i := 0
	for i < len(s) && !(s[i] >= 'A' && s[i] <= 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if b[i] >= 'A' && b[i] <= 'Z' {
			b[i] += 'a' - 'A'
		}
	}
	return string(b)
}

func notDigit(r rune) bool { return r < '0' || r > '9' }

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// filter reports whether c passes q's filters (all but Text).
func (c *card) filter(q *Query) bool {
	return (q.Category == "" || slices.Contains(c.Categories, q.Category)) &&
		(q.Stage == "" || c.Stage == q.Stage) &&
		(q.Risk == "" || c.Risk == q.Risk) &&
		(q.Worker == "" || c.Worker == q.Worker) &&
		(q.DueBy == "" || c.NextDue != "" && c.NextDue <= q.DueBy)
}

// Sort orders compare a packed key first (sortKey) and, on a tie, the
// rest (tie): sorting 10,000 cards by strings took as long as building
// them.

// sortKey returns c's key in order s: a card whose key is smaller comes
// first. Dates count by their day number (dayNum): a date that is not
// YYYY-MM-DD, which validation keeps out, sorts as no date.
func (c *card) sortKey(s Sort) uint64 {
	switch s {
	case SortOpened:
		return ^uint64(c.openedDay)
	case SortName:
		if c.nameKey == "" {
			return math.MaxUint64 // no name: last
		}
		var k uint64 // the first 8 bytes, big-endian: the rest is tie's
		for i := range 8 {
			k <<= 8
			if i < len(c.nameKey) {
				k |= uint64(c.nameKey[i])
			}
		}
		return k
	case SortDue:
		if c.dueDay == 0 {
			return math.MaxUint64 // nothing due: last
		}
		return uint64(c.dueDay)
	}
	return ^(uint64(c.lastDay)<<32 | uint64(c.openedDay))
}

// tie orders two cards whose sortKeys are equal. Every order ends on the
// root id, so that it is total and pages never overlap.
func tie(s Sort, a, b *card) int {
	switch s {
	case SortName:
		if c := strings.Compare(a.nameKey, b.nameKey); c != 0 {
			return c
		}
		if c := strings.Compare(a.Client, b.Client); c != 0 {
			return c
		}
		fallthrough
	case SortDue:
		return strings.Compare(string(a.Root), string(b.Root))
	}
	return strings.Compare(string(b.Root), string(a.Root)) // newest first
}

// compareFor returns the order of sort s.
func compareFor(s Sort) func(a, b *card) int {
	return func(a, b *card) int {
		if ka, kb := a.sortKey(s), b.sortKey(s); ka != kb {
			if ka < kb {
				return -1
			}
			return 1
		}
		return tie(s, a, b)
	}
}

// dayNum returns a YYYY-MM-DD date as a number that orders like the date,
// 0 for "" or anything else.
func dayNum(s string) uint32 {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0
	}
	n := uint32(0)
	for i := range 10 {
		if i == 4 || i == 7 {
			continue
		}
		c := s[i]
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + uint32(c-'0')
	}
	return n // YYYYMMDD
}

// stageOf is model.DeriveStage over digests. It repeats DeriveStage's
// rules rather than calling it, because DeriveStage reads each date as
// JSON and would make the first listing of 10,000 cases several times
// slower; the tests check the two agree on every combination they try.
func stageOf(recs []*rec) string {
	closed, reopened := "", ""
	hasClosing := false
	for _, r := range recs {
		switch r.kind {
		case kClosing:
			closed = max(closed, r.get(fDate))
			hasClosing = true
		case kReopen:
			reopened = max(reopened, r.get(fDate))
		case kFollowUp:
			if r.get(fReopen) == "1" {
				reopened = max(reopened, r.get(fDoneDate))
			}
		}
	}
	if hasClosing && (reopened == "" || reopened < closed) {
		for _, r := range recs {
			if r.kind == kFollowUp {
				if d := r.get(fDoneDate); d != "" && d >= closed {
					return model.StageFollowUp
				}
			}
		}
		return model.StageClosed
	}
	since := ""
	if hasClosing {
		since = reopened
	}
	best, rank, declined := "", 0, false
	for _, r := range recs {
		st, rk := activity(r.kind)
		if rk == 0 || r.get(fDate) < since {
			continue
		}
		if r.kind == kIntake && r.get(fAccepted) == "0" {
			declined = true
			continue
		}
		if rk > rank {
			best, rank = st, rk
		}
	}
	switch {
	case best != "":
		return best
	case hasClosing:
		return model.StageReopened
	case declined:
		return model.StageDeclined
	}
	return model.StageNew
}

// activity returns the stage a kind of record moves a case to and that
// stage's rank in the casework process; rank 0 for kinds that move
// nothing.
func activity(k byte) (string, int) {
	switch k {
	case kIntake:
		return model.StageIntake, 1
	case kAssessment:
		return model.StageAssessment, 2
	case kPlan, kPlanGoal:
		return model.StagePlan, 3
	case kServiceRecord, kReferral:
		return model.StageIntervention, 4
	case kEvaluation:
		return model.StageEvaluation, 5
	}
	return "", 0
}
