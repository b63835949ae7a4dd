package caseindex

import (
	"encoding/binary"

	"jiuzhu/app/local"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// Version names the digest format. Bump it whenever Digest's encoding or
// the fields it keeps change: the store then rebuilds every digest from
// the records.
const Version = 1

// Digester is what the device store is given so that it keeps, beside each
// record, the digest the case list needs.
var Digester = local.Digester{Version: Version, Digest: Digest}

// A digest is a type byte followed by the type's fields, in the order of
// its row in fields, each a uvarint length and that many bytes. A list
// field (categories) holds its items the same way: a uvarint length and
// the bytes of each item. A yes/no field holds "1", "0", or nothing when
// unset: DeriveStage tells an unset "accepted" from a false one.

// Record kinds, the first byte of a digest. The numbers are part of the
// format: never reuse one.
const (
	kCase byte = 1 + iota
	kPerson
	kIntake
	kAssessment
	kPlan
	kPlanGoal
	kServiceRecord
	kReferral
	kEvaluation
	kClosing
	kFollowUp
	kReopen
	kindCount
)

// Field positions in a decoded digest (rec.get), per kind.
const (
	// case
	fTitle, fClient, fWorker, fOpened, fCaseCats = 0, 1, 2, 3, 4
	// person
	fName, fGender, fIDNumber, fPhone, fPersonCats = 0, 1, 2, 3, 4
	// every kind with a date
	fDate = 0
	// intake
	fAccepted = 1
	// assessment
	fRisk = 1
	// plan_goal
	fDue = 1
	// follow_up
	fFUDue, fDoneDate, fReopen = 0, 1, 2
)

// maxFields bounds the fields of any kind.
const maxFields = 5

// field kinds within a digest
const (
	str = iota
	list
	yesNo
)

type fieldSpec struct {
	name string
	kind int
}

// kinds describes each record kind: its type name and the fields kept, in
// digest order.
var kinds = [kindCount]struct {
	typ    string
	fields []fieldSpec
}{
	kCase:          {model.TypeCase, []fieldSpec{{"title", str}, {"client", str}, {"worker", str}, {"opened", str}, {"categories", list}}},
	kPerson:        {model.TypePerson, []fieldSpec{{"name", str}, {"gender", str}, {"id_number", str}, {"phone", str}, {"categories", list}}},
	kIntake:        {model.TypeIntake, []fieldSpec{{"date", str}, {"accepted", yesNo}}},
	kAssessment:    {model.TypeAssessment, []fieldSpec{{"date", str}, {"risk_level", str}}},
	kPlan:          {model.TypePlan, []fieldSpec{{"date", str}}},
	kPlanGoal:      {model.TypePlanGoal, []fieldSpec{{"date", str}, {"due", str}}},
	kServiceRecord: {model.TypeServiceRecord, []fieldSpec{{"date", str}}},
	kReferral:      {model.TypeReferral, []fieldSpec{{"date", str}}},
	kEvaluation:    {model.TypeEvaluation, []fieldSpec{{"date", str}}},
	kClosing:       {model.TypeClosing, []fieldSpec{{"date", str}}},
	kFollowUp:      {model.TypeFollowUp, []fieldSpec{{"due", str}, {"done_date", str}, {"reopen", yesNo}}},
	kReopen:        {model.TypeReopen, []fieldSpec{{"date", str}}},
}

// kindOf returns the kind of a record type, 0 for a type the case list
// does not read.
func kindOf(typ string) byte {
	for k := kCase; k < kindCount; k++ {
		if kinds[k].typ == typ {
			return k
		}
	}
	return 0
}

// Digest returns the digest of a record: the few fields the case list
// shows, filters on and derives the stage from. It returns nil for a
// deleted record, a record of a type the list does not read, and a record
// that does not belong to a case (a group's evaluation, a volunteer's
// person record).
func Digest(r *sync.Record) []byte {
	if r == nil || r.Deleted() {
		return nil
	}
	k := kindOf(r.ID.Type())
	if k == 0 {
		return nil
	}
	root := sync.RootOf(r)
	if k == kCase {
		if root != "" && root != r.ID {
			return nil
		}
	} else if root.Type() != model.TypeCase {
		return nil
	}
	b := make([]byte, 1, 64)
	b[0] = k
	for _, f := range kinds[k].fields {
		v, _ := r.Get(f.name)
		switch f.kind {
		case str:
			s, _ := sync.UnquoteJSON(v)
			b = appendString(b, s)
		case yesNo:
			s := ""
			if yes, ok := model.AsBool(v); ok {
				s = "0"
				if yes {
					s = "1"
				}
			}
			b = appendString(b, s)
		case list:
			items, _ := model.AsList(v)
			var l []byte
			for _, it := range items {
				l = appendString(l, it)
			}
			b = appendString(b, string(l))
		}
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// rec is a decoded digest: a copy of its bytes (shared with other digests
// applied at the same time, see Index.Apply) and where each field lies in
// them. Offsets rather than strings make a rec 56 bytes rather than 112:
// 3 MB less for 60,000 digests, and less for the collector to scan.
type rec struct {
	id         sync.RecID
	data       string
	kind       byte // 0: the overlay says the record has no digest
	start, end [maxFields]uint16
}

// get returns field i (see the field positions above).
func (r *rec) get(i int) string { return r.data[r.start[i]:r.end[i]] }

// maxDigest bounds a digest's length, so that offsets fit in 16 bits. A
// real one is under 300 bytes.
const maxDigest = 1<<16 - 1

// decode parses a digest of record id into r and reports whether it is
// well formed: a known kind that matches id's type, every field complete
// and nothing left over. It never panics, whatever data holds.
func decode(id sync.RecID, s string, r *rec) bool {
	if len(s) == 0 || len(s) > maxDigest {
		return false
	}
	k := s[0]
	if k == 0 || k >= kindCount || !hasType(id, kinds[k].typ) {
		return false
	}
	pos := 1
	for i, f := range kinds[k].fields {
		v, next, ok := readString(s, pos)
		if !ok || f.kind == list && !validList(v) {
			return false
		}
		r.start[i], r.end[i] = uint16(next-len(v)), uint16(next)
		pos = next
	}
	if pos != len(s) {
		return false
	}
	r.id, r.data, r.kind = id, s, k
	return true
}

// hasType reports whether id is of record type typ.
func hasType(id sync.RecID, typ string) bool {
	return len(id) > len(typ) && id[len(typ)] == '/' && string(id[:len(typ)]) == typ
}

// readString reads a uvarint length and that many bytes from s at pos.
func readString(s string, pos int) (v string, next int, ok bool) {
	var n uint64
	var shift uint
	for i := pos; ; i++ {
		if i >= len(s) || shift > 63 {
			return "", 0, false
		}
		c := s[i]
		n |= uint64(c&0x7f) << shift
		if c < 0x80 {
			if c == 0 && i > pos {
				return "", 0, false // not the shortest form: not ours
			}
			pos = i + 1
			break
		}
		shift += 7
	}
	if n > uint64(len(s)-pos) {
		return "", 0, false
	}
	end := pos + int(n)
	return s[pos:end], end, true
}

func validList(s string) bool {
	for pos := 0; pos < len(s); {
		_, next, ok := readString(s, pos)
		if !ok {
			return false
		}
		pos = next
	}
	return true
}

// listItems calls fn with each item of a list field (already validated by
// decode).
func listItems(s string, fn func(string)) {
	for pos := 0; pos < len(s); {
		v, next, ok := readString(s, pos)
		if !ok {
			return
		}
		fn(v)
		pos = next
	}
}
