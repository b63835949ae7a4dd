package server

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"jiuzhu/server/store"
	"jiuzhu/shared/report"
	"jiuzhu/shared/sync"
)

// The reports API:
//
//	GET /api/reports?from=YYYY-MM-DD&to=YYYY-MM-DD&org=CODE → report.Report (anyone logged in)
//
// The report (jiuzhu/shared/report, the same computation the tablet runs
// on its own records) covers the roots the caller may see, as scope.go
// decides for sync: a worker's own, a supervisor's team's, an
// administrator's org unit subtree. org narrows it to the roots whose
// owner's org unit is that division or below it; the code must lie within
// the org unit of someone whose roots the caller sees (the caller
// included), else 403. from and to bound the period (either may be left
// out); the day the report is made on is the server's today.

// Refusals of the reports API.
var (
	errReportDate  = refuse(http.StatusBadRequest, "bad_date", "日期应为 YYYY-MM-DD 格式的真实日期。", "Dates must be real dates written YYYY-MM-DD.")
	errReportRange = refuse(http.StatusBadRequest, "bad_range", "结束日期不能早于开始日期。", "The end date cannot be before the start date.")
	errReportOrg   = refuse(http.StatusBadRequest, "bad_org", "区划代码不正确（应为 2、4、6、9 或 12 位数字）。", "That is not a division code (2, 4, 6, 9 or 12 digits).")
	errReportScope = refuse(http.StatusForbidden, "org_out_of_scope", "该区划不在您的查看范围内。", "That org unit is outside what you may see.")
)

// reportTypes are the record types a report reads.
var reportTypes = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range report.Types {
		m[t] = true
	}
	return m
}()

// reports answers GET /api/reports.
func (s *Server) reports(w http.ResponseWriter, r *http.Request) {
	b, ok := s.authBearer(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	p := report.Period{From: q.Get("from"), To: q.Get("to"), Today: s.now().Format(time.DateOnly)}
	switch err := p.Check(); {
	case errors.Is(err, report.ErrBadRange):
		s.answerErr(w, "", errReportRange)
		return
	case err != nil:
		s.answerErr(w, "", errReportDate)
		return
	}
	org := q.Get("org")
	if org != "" && !orgCode.MatchString(org) {
		s.answerErr(w, "", errReportOrg)
		return
	}
	var rep report.Report
	err := s.store.View(r.Context(), func(tx store.ReadTx) error {
		users, err := s.userList(tx)
		if err != nil {
			return err
		}
		owners := visibleOwners(b.user, users)
		if org != "" {
			if !orgWithin(org, owners) && !orgWithin(org, []store.User{b.user}) {
				return errReportScope
			}
			owners = slices.DeleteFunc(owners, func(u store.User) bool { return !strings.HasPrefix(u.Org, org) })
		}
		recs, err := reportRecords(tx, owners)
		if err != nil {
			return err
		}
		// computed inside the transaction: the records' values are read
		// from it
		rep = report.Compute(s.reg, recs, p)
		return nil
	})
	if err != nil {
		s.answerErr(w, "report", err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// orgWithin reports whether the division code lies within (is, or is
// below) the org unit of one of users.
func orgWithin(code string, users []store.User) bool {
	for _, u := range users {
		if u.Org != "" && strings.HasPrefix(code, u.Org) {
			return true
		}
	}
	return false
}

// reportRecords reads the records a report needs of the roots assigned to
// owners.
func reportRecords(tx store.ReadTx, owners []store.User) ([]*sync.Record, error) {
	roots, err := rootsOf(tx, owners)
	if err != nil {
		return nil, err
	}
	var recs []*sync.Record
	for _, root := range roots {
		ids, err := tx.RootRecords(root)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if !reportTypes[id.Type()] {
				continue
			}
			fields, err := tx.Fields(id)
			if err != nil {
				return nil, err
			}
			if fields != nil {
				recs = append(recs, &sync.Record{ID: id, Fields: fields})
			}
		}
	}
	return recs, nil
}
