package model

import (
	"strings"
	"time"
)

// Service files (DB62/T 4987-2024 §7.4): every record belongs to a file (its
// root), files are kept for the period of a retention class, a closed case
// is archived (read-only) and, once its period has run out, an
// administrator may purge it.
//
// The classes follow the Chinese archives' three periods (国家档案局令第8号:
// 永久, 定期30年, 定期10年); the period counts from the file's end (see
// RetentionEnd). Why each type has its class:
//
//	case and its casework records (intake … follow-up, reopening, case
//	management team), household and its members        30 years: a
//	    client of social assistance may come back, apply again or ask to see
//	    their file (PIPL right of access) long after the case closed; a
//	    child's case must outlive their coming of age; the casework standard
//	    (MZ/T 094) asks for complete, traceable case files.
//	volunteer and volunteer hours                        30 years: the
//	    volunteer service record rules let a volunteer ask for a certificate
//	    of their hours years later; counted from their last service.
//	group and its members, sessions, attendance and evaluation;
//	community activity; supervision session; training   10 years: project
//	    and service-assurance records, evaluated (MZ/T 059) over a
//	    project's few years, with less personal information than a case.
//	staff profile                                        permanent: the
//	    record of who held which qualification and did the work.
//	audit entry                                          permanent: the
//	    server copies every audit record a tablet writes into its audit
//	    trail, which is never changed or removed (purging a file leaves it).
//	person, consent, attachment, service note, sync conflict — types that
//	    hang under files of several kinds                with its file: kept
//	    and purged with the file they belong to (a person registered in a
//	    case is kept 30 years, a group member's consent 10).
//
// Only cases are archived (an archived field on the case), so only cases
// are purged; the other classes say how long a file of that kind is to be
// kept when its archiving comes.

// RetentionClass is how long records of a type are kept.
type RetentionClass string

// The retention classes.
const (
	RetainPermanent RetentionClass = "permanent" // 永久: never purged
	RetainLong      RetentionClass = "long"      // 定期30年
	RetainShort     RetentionClass = "short"     // 定期10年
	RetainWithFile  RetentionClass = "with_file" // 随所属档案: its root's class
)

// Years is the class's period in years (0: permanent, or the file's).
func (c RetentionClass) Years() int {
	switch c {
	case RetainLong:
		return 30
	case RetainShort:
		return 10
	}
	return 0
}

// retention is the class of every record type (see the table above).
var retention = map[string]RetentionClass{
	TypeCase: RetainLong, TypeIntake: RetainLong, TypeAssessment: RetainLong, TypePlan: RetainLong,
	TypePlanGoal: RetainLong, TypeServiceRecord: RetainLong, TypeReferral: RetainLong, TypeEvaluation: RetainLong,
	TypeClosing: RetainLong, TypeFollowUp: RetainLong, TypeReopen: RetainLong, TypeTeamMember: RetainLong,
	TypeTeamNote: RetainLong, TypeHousehold: RetainLong, TypeHouseholdMember: RetainLong,

	TypeVolunteer: RetainLong, TypeVolunteerHours: RetainLong,

	TypeGroup: RetainShort, TypeGroupMember: RetainShort, TypeGroupSession: RetainShort,
	TypeAttendance: RetainShort, TypeGroupEvaluation: RetainShort,
	TypeActivity: RetainShort, TypeSupervision: RetainShort, TypeTraining: RetainShort,

	TypeStaff: RetainPermanent, TypeAudit: RetainPermanent,

	TypePerson: RetainWithFile, TypeConsent: RetainWithFile, TypeAttachment: RetainWithFile,
	TypeServiceNote: RetainWithFile, TypeConflict: RetainWithFile,
}

// Retention returns the retention class of a record type.
func (r *Registry) Retention(typ string) (RetentionClass, bool) {
	if _, ok := r.byName[typ]; !ok {
		return "", false
	}
	c, ok := retention[typ]
	return c, ok
}

// FieldArchived is the case field that archives it: the date it was
// archived (null: not archived).
const FieldArchived = "archived"

// Archived returns the date a root was archived ("" when it is not).
func Archived(root Values) string {
	s, _ := AsString(root[FieldArchived])
	return s
}

// Reasons a case cannot be archived (CheckArchive).
const (
	ArchiveNotClosed       = "not_closed"        // its stage is not closed (or follow-up done)
	ArchiveFollowUpPending = "follow_up_pending" // a follow-up visit is planned and not done
	ArchiveBeforeClosing   = "before_closing"    // the archive date is before the closing date
	ArchiveBadDate         = "bad_date"          // the archive date is not a date
)

// CheckArchive says why a case with these child records cannot be archived
// on date (YYYY-MM-DD), or "" when it can: its derived stage must be closed
// (or follow-up, a visit done after closing), no follow-up may be planned
// and not yet done, and it is archived on or after its last closing date.
func CheckArchive(children []Child, date string) string {
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return ArchiveBadDate
	}
	if st := DeriveStage(children); st != StageClosed && st != StageFollowUp {
		return ArchiveNotClosed
	}
	closed := ""
	for _, c := range children {
		if c.Deleted {
			continue
		}
		switch c.Type {
		case TypeFollowUp:
			if dateOf(c.Values, "done_date") == "" {
				return ArchiveFollowUpPending
			}
		case TypeClosing:
			closed = max(closed, dateOf(c.Values, "date"))
		}
	}
	if date < closed {
		return ArchiveBeforeClosing
	}
	return ""
}

// RetentionEnd returns the day a file's retention period counts from
// (YYYY-MM-DD; "" when it has no end yet): a case's last closing date (its
// archive date when it has none), a group's last session (its start when
// it had none), a community activity's, supervision session's or
// training's date, a volunteer's last service. A staff profile is kept
// permanently and has none.
func RetentionEnd(rootType string, root Values, children []Child) string {
	last := func(typ, field string) string {
		out := ""
		for _, c := range children {
			if !c.Deleted && c.Type == typ {
				out = max(out, dateOf(c.Values, field))
			}
		}
		return out
	}
	switch rootType {
	case TypeCase:
		if d := last(TypeClosing, "date"); d != "" {
			return d
		}
		return Archived(root)
	case TypeGroup:
		if d := last(TypeGroupSession, "date"); d != "" {
			return d
		}
		return dateOf(root, "start")
	case TypeVolunteer:
		return last(TypeVolunteerHours, "date")
	case TypeActivity, TypeSupervision, TypeTraining:
		return dateOf(root, "date")
	}
	return ""
}

// RetentionExpires returns the first day a file of class c that ended on
// end may be purged, and false when it may never be (permanent, no end, or
// an end that is not a date).
func RetentionExpires(c RetentionClass, end string) (string, bool) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(end))
	if err != nil || c.Years() == 0 {
		return "", false
	}
	return t.AddDate(c.Years(), 0, 0).Format(time.DateOnly), true
}

// RetentionExpired reports whether a file of class c that ended on end may
// be purged on today (YYYY-MM-DD), and from which day.
func RetentionExpired(c RetentionClass, end, today string) (expires string, expired bool) {
	expires, ok := RetentionExpires(c, end)
	return expires, ok && today >= expires
}
