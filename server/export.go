package server

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"jiuzhu/server/store"
	"jiuzhu/shared/api"
)

// Exports: GET /api/export?what=…&format=xlsx|csv[&from=&to=][&full=1]
// (wire constants in shared/api/export.go) answers a spreadsheet of the
// records of the roots the caller sees (scope.go's visibleRoots: a worker
// their own, a supervisor their team's, an administrator their org unit's),
// one table per kind (exporttables.go), with the model's zh-CN labels as
// headers. from and to are days, both included, matched against each
// table's own date (a case's opening, a service's day, a group's start, a
// session's day, an activity's day, a volunteer's day of service).
//
// Sensitive values (model Field.Sensitive, and the names of the people a
// reference names) are masked by default: ID numbers 6201**********4320,
// phones 138****5678, names 张**, dates 1980-**-**, anything else
// "[已隐藏]". With full=1 a row is written in full only when the caller
// may read the casework itself, row by row:
//
//   - the caller owns the row's root (their own case, group, activity,
//     volunteer), or
//   - the caller is a supervisor and the root's owner is in their team
//     (a supervisor reviews their team's casework).
//
// Everyone else's rows stay masked even with full=1: an administrator
// sees an org unit's records to manage accounts and count the service,
// which masked rows serve as well (../shared/DESIGN.md, "Security model":
// sensitive values masked in lists, a full view logged). The answer says
// how many rows were masked (api.HeaderExportMasked), and every export is
// audited (action "export", target the kind, detail format, period, rows,
// masked rows, whether full was asked) before the file is sent: an export
// whose audit entry cannot be written is not sent.
//
// XLSX files have a bold, frozen header row and one sheet per table;
// CSV files are UTF-8 with a byte order mark (Excel in China then reads
// them right), RFC 4180 quoting with CRLF lines, and one table: the
// kind's first. A CSV text cell that a spreadsheet would run as a formula
// (=, +, -, @, tab, CR first) is prefixed with an apostrophe.

// Limits of an export.
const (
	// exportMaxRows is the most rows one export may hold (all its sheets).
	exportMaxRows = 100_000
	// exportMaxCell is the most characters of one cell (Excel holds
	// 32,767); longer texts are cut.
	exportMaxCell = 32_000
)

// exportRowLimit, when set, replaces exportMaxRows (tests lower it).
var exportRowLimit atomic.Int64

func rowLimit() int {
	if n := exportRowLimit.Load(); n > 0 {
		return int(n)
	}
	return exportMaxRows
}

// exportRequest is what GET /api/export asks for.
type exportRequest struct {
	what, format string
	from, to     string // days, both included; "" leaves the period open
	full         bool
}

// exportKind is one what= value: its name in file names and its tables.
type exportKind struct {
	zh, en string
	tables []func(*exportReader) (*table, error)
}

var exportKinds = map[string]exportKind{
	api.ExportCases:          {"个案", "cases", []func(*exportReader) (*table, error){(*exportReader).cases}},
	api.ExportServices:       {"服务记录", "services", []func(*exportReader) (*table, error){(*exportReader).services}},
	api.ExportGroups:         {"小组及出勤", "groups", []func(*exportReader) (*table, error){(*exportReader).groups, (*exportReader).sessions, (*exportReader).attendance}},
	api.ExportSessions:       {"小组活动记录", "sessions", []func(*exportReader) (*table, error){(*exportReader).sessions}},
	api.ExportAttendance:     {"出勤", "attendance", []func(*exportReader) (*table, error){(*exportReader).attendance}},
	api.ExportActivities:     {"社区活动", "activities", []func(*exportReader) (*table, error){(*exportReader).activities}},
	api.ExportVolunteerHours: {"志愿服务时长", "volunteer-hours", []func(*exportReader) (*table, error){(*exportReader).volunteerHours}},
}

// parseExport reads and checks the query of GET /api/export.
func parseExport(q url.Values) (exportRequest, *refusal) {
	req := exportRequest{what: q.Get("what"), format: q.Get("format"), from: q.Get("from"), to: q.Get("to")}
	if _, ok := exportKinds[req.what]; !ok {
		return req, refuse(http.StatusBadRequest, "bad_what",
			"what 应为 "+strings.Join(api.ExportKinds, "、")+" 之一。",
			"what must be one of "+strings.Join(api.ExportKinds, ", ")+".")
	}
	if req.format == "" {
		req.format = api.ExportXLSX
	}
	if req.format != api.ExportXLSX && req.format != api.ExportCSV {
		return req, refuse(http.StatusBadRequest, "bad_format", "format 应为 xlsx 或 csv。", "format must be xlsx or csv.")
	}
	for _, d := range []struct{ name, v string }{{"from", req.from}, {"to", req.to}} {
		if d.v == "" {
			continue
		}
		if t, err := time.Parse(time.DateOnly, d.v); err != nil || t.Format(time.DateOnly) != d.v {
			return req, refuse(http.StatusBadRequest, "bad_date", fmt.Sprintf("%s 应为日期 YYYY-MM-DD。", d.name),
				fmt.Sprintf("%s must be a date, YYYY-MM-DD.", d.name))
		}
	}
	if req.from != "" && req.to != "" && req.from > req.to {
		return req, refuse(http.StatusBadRequest, "bad_period", "开始日期（from）不能晚于结束日期（to）。",
			"The start (from) cannot be after the end (to).")
	}
	switch q.Get("full") {
	case "", "0":
	case "1":
		req.full = true
	default:
		return req, refuse(http.StatusBadRequest, "bad_full", "full 应为 1（完整显示敏感信息）或不填。",
			"full must be 1 (sensitive values in full) or left out.")
	}
	return req, nil
}

// mayReadFull reports whether caller may export in full the rows of a
// root owned by owner (see the top of this file).
func mayReadFull(caller, owner store.User) bool {
	if caller.ID == owner.ID {
		return true
	}
	return caller.Role == store.RoleSupervisor && caller.Team != "" && caller.Team == owner.Team
}

// export answers GET /api/export.
func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet { // "GET /api/export" matches HEAD too: an export is a download, audited
		w.Header().Set("Allow", http.MethodGet)
		writeAPIError(w, http.StatusMethodNotAllowed, "method", "导出只能用 GET 下载。", "An export is downloaded with GET only.")
		return
	}
	b, ok := s.authBearer(w, r)
	if !ok {
		return
	}
	req, bad := parseExport(r.URL.Query())
	if bad != nil {
		s.answerErr(w, "", bad)
		return
	}
	kind := exportKinds[req.what]
	var (
		tables []*table
		rd     *exportReader
	)
	err := s.store.View(r.Context(), func(tx store.ReadTx) error {
		var err error
		if rd, err = s.newExportReader(tx, b.user, req); err != nil {
			return err
		}
		for i, build := range kind.tables {
			if i > 0 && req.format == api.ExportCSV {
				break // a CSV file holds one table
			}
			t, err := build(rd)
			if err != nil {
				return err
			}
			tables = append(tables, t)
		}
		return nil
	})
	if err != nil {
		s.answerErr(w, "export", err)
		return
	}
	var buf bytes.Buffer
	ctype := "text/csv; charset=utf-8"
	if req.format == api.ExportXLSX {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = writeXLSX(&buf, tables)
	} else {
		err = writeCSV(&buf, tables[0])
	}
	if err != nil {
		s.internalError(w, "export", err)
		return
	}
	name := kind.zh
	if req.format == api.ExportCSV {
		name = tables[0].sheet
	}
	period := periodText(req.from, req.to)
	err = s.store.Update(r.Context(), func(tx store.Tx) error {
		_, err := tx.AppendAudit(store.AuditEntry{At: s.now(), User: b.user.ID, Device: b.device, Action: "export",
			Target: req.what, Detail: fmt.Sprintf("format=%s period=%s rows=%d masked=%d full_requested=%t",
				req.format, period, rd.rows, rd.masked, req.full)})
		return err
	})
	if err != nil {
		s.internalError(w, "export audit", err)
		return
	}
	day := s.now().Format(time.DateOnly)
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("Content-Disposition", contentDisposition(
		fmt.Sprintf("jiuzhu-%s-%s.%s", kindSlug(req, tables), fileDays(req.from, req.to, day), req.format),
		fmt.Sprintf("救助社工-%s-%s.%s", name, fileDaysZh(req.from, req.to, day), req.format)))
	h.Set("Cache-Control", "no-store")
	h.Set(api.HeaderExportRows, strconv.Itoa(rd.rows))
	h.Set(api.HeaderExportMasked, strconv.Itoa(rd.masked))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

// kindSlug names an export's content in ASCII: the table's for a CSV.
func kindSlug(req exportRequest, tables []*table) string {
	if req.format == api.ExportCSV {
		return tables[0].slug
	}
	return exportKinds[req.what].en
}

// periodText is the period as the audit records it.
func periodText(from, to string) string {
	if from == "" && to == "" {
		return "all"
	}
	return from + ".." + to
}

// fileDays and fileDaysZh are the period in a file name; an open end is
// today's date in the English form.
func fileDays(from, to, today string) string {
	switch {
	case from == "" && to == "":
		return today
	case to == "":
		return from + "_" + today
	case from == "":
		return "to-" + to
	}
	return from + "_" + to
}

func fileDaysZh(from, to, today string) string {
	switch {
	case from == "" && to == "":
		return "截至" + today
	case to == "":
		return from + "至" + today
	case from == "":
		return "截至" + to
	}
	return from + "至" + to
}

// contentDisposition names a downloaded file: an ASCII name for old
// clients and the real one as RFC 5987's filename* (UTF-8, percent
// encoded).
func contentDisposition(ascii, name string) string {
	var b strings.Builder
	for _, c := range []byte(name) {
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + b.String()
}
