package server_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jiuzhu/server"
	"jiuzhu/server/client"
	"jiuzhu/server/store"
	"jiuzhu/shared/api"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// exportWorld is a real server (bbolt) holding, pushed through sync by the
// tablets of two workers in two teams, a case with its client, household,
// intake and service records, a group with members, sessions and
// attendance, a community activity and a volunteer with hours (wang, team
// t1, with a staff profile naming him 王芳), and another case (li, team
// t2); zhao supervises t1; admin62 administers the province.
type exportWorld struct {
	e                              *adminEnv
	wang, li, zhao, admin          *client.Device
	seq                            atomic.Uint32
	base                           int64
	caseW, personW, householdW     sync.RecID
	sW1, sW2                       sync.RecID
	groupW, m1, m2, s1, s2         sync.RecID
	activity, volunteer, h1, h2    sync.RecID
	caseL, personL, sL             sync.RecID
	idNumber, volunteerID, atFirst string
}

// id makes record ids that increase in the order they are made.
func (w *exportWorld) id(typ string) sync.RecID {
	var ent [10]byte
	binary.BigEndian.PutUint32(ent[6:], w.seq.Add(1))
	return sync.MakeRecID(typ, w.base, ent)
}

// put writes a record on d: its root (and parent, when set), then fields.
func put(t *testing.T, d *client.Device, rec, root, parent sync.RecID, fields map[string]string) {
	t.Helper()
	edits := []sync.Edit{{Rec: rec, Field: sync.FieldRoot, Value: model.Str(string(root))}}
	if parent != "" {
		edits = append(edits, sync.Edit{Rec: rec, Field: model.FieldParent, Value: model.Str(string(parent))})
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		edits = append(edits, sync.Edit{Rec: rec, Field: k, Value: fields[k]})
	}
	if err := d.Edit(context.Background(), edits...); err != nil {
		t.Fatal(err)
	}
}

// validID completes 17 digits with their GB 11643 check character.
func validID(first17 string) string { return first17 + string(model.IDChecksum(first17)) }

func newExportWorld(t *testing.T) *exportWorld {
	t.Helper()
	w := &exportWorld{e: newAdminEnv(t), base: time.Now().UnixMilli()}
	e := w.e
	e.user(t, "admin62", store.RoleAdmin, "", "62")
	e.user(t, "zhao", store.RoleSupervisor, "t1", "6201")
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	e.user(t, "li", store.RoleWorker, "t2", "620102")
	w.wang, w.li, w.zhao, w.admin = e.login(t, "wang"), e.login(t, "li"), e.login(t, "zhao"), e.login(t, "admin62")
	w.idNumber, w.volunteerID = validID("62010219800101432"), validID("62010319900505123")
	S, wang := model.Str, w.wang

	staff := w.id(model.TypeStaff)
	put(t, wang, staff, staff, "", map[string]string{"user": S(wang.User.ID), "name": S("王芳"), "qualification": S("social_worker")})

	w.caseW, w.personW, w.householdW = w.id(model.TypeCase), w.id(model.TypePerson), w.id(model.TypeHousehold)
	put(t, wang, w.caseW, w.caseW, "", map[string]string{"title": S("低保家庭帮扶"), "worker": S(wang.User.ID),
		"opened": S("2026-02-03"), "categories": model.List("dibao"), "methods": model.List("casework"), "division": S("620102")})
	put(t, wang, w.personW, w.caseW, w.caseW, map[string]string{"name": S("张三丰"), "gender": S("male"),
		"id_number": S(w.idNumber), "phone": S("13812345678"), "address": S("兰州市城关区某路1号")})
	put(t, wang, w.householdW, w.caseW, w.caseW, map[string]string{"address": S("兰州市城关区某路1号"), "area": S("urban")})
	if err := wang.Edit(context.Background(),
		sync.Edit{Rec: w.caseW, Field: "client", Value: S(string(w.personW))},
		sync.Edit{Rec: w.caseW, Field: "household", Value: S(string(w.householdW))}); err != nil {
		t.Fatal(err)
	}
	put(t, wang, w.id(model.TypeIntake), w.caseW, w.caseW, map[string]string{"date": S("2026-02-03"), "source": S("self"),
		"voluntary": "true", "accepted": "true"})
	w.sW1, w.sW2 = w.id(model.TypeServiceRecord), w.id(model.TypeServiceRecord)
	put(t, wang, w.sW1, w.caseW, w.caseW, map[string]string{"date": S("2026-02-10"), "start": S("09:00"), "end": S("10:30"),
		"place": S("home_visit"), "categories": model.List("resource_link", "psych"), "method": S("casework"),
		"content": S("=入户探访，了解家庭情况"), "response": S("情绪稳定"), "next_step": S("链接医疗资源")})
	put(t, wang, w.sW2, w.caseW, w.caseW, map[string]string{"date": S("2026-05-20"), "start": S("14:00"),
		"place": S("office"), "categories": model.List("capacity"), "method": S("casework"), "content": S("就业能力评估")})

	w.groupW, w.m1, w.m2 = w.id(model.TypeGroup), w.id(model.TypeGroupMember), w.id(model.TypeGroupMember)
	put(t, wang, w.groupW, w.groupW, "", map[string]string{"name": S("亲子成长小组"), "type": S("growth"),
		"start": S("2026-03-01"), "sessions_planned": "6", "worker": S(wang.User.ID)})
	put(t, wang, w.m1, w.groupW, w.groupW, map[string]string{"name": S("王小明"), "phone": S("13900001111")})
	put(t, wang, w.m2, w.groupW, w.groupW, map[string]string{"name": S("李小红")})
	w.s1, w.s2 = w.id(model.TypeGroupSession), w.id(model.TypeGroupSession)
	put(t, wang, w.s1, w.groupW, w.groupW, map[string]string{"number": "1", "date": S("2026-03-05"), "stage": S("forming")})
	put(t, wang, w.s2, w.groupW, w.groupW, map[string]string{"number": "2", "date": S("2026-03-12"), "stage": S("transition")})
	w.atFirst = "2026-03-05T01:00:00Z"
	for _, a := range []struct {
		session, member sync.RecID
		present         bool
		at              string
	}{
		{w.s1, w.m1, true, w.atFirst},
		{w.s1, w.m1, false, "2026-03-05T01:05:00Z"}, // taken again: the later counts
		{w.s1, w.m2, true, "2026-03-05T01:01:00Z"},
		{w.s2, w.m1, true, "2026-03-12T01:00:00Z"},
	} {
		put(t, wang, w.id(model.TypeAttendance), w.groupW, a.session, map[string]string{"member": S(string(a.member)),
			"present": model.Bool(a.present), "participation": S("active"), "at": S(a.at)})
	}

	w.volunteer, w.activity = w.id(model.TypeVolunteer), w.id(model.TypeActivity)
	put(t, wang, w.volunteer, w.volunteer, "", map[string]string{"name": S("赵志愿"), "id_type": S("resident_id"),
		"id_number": S(w.volunteerID), "volunteer_no": S("V001"), "phone": S("13700002222")})
	put(t, wang, w.activity, w.activity, "", map[string]string{"aim": S("社区义诊"), "date": S("2026-04-02"),
		"place": S("社区广场"), "participants": model.List(string(w.personW)), "others_count": "30",
		"volunteers": model.List(string(w.volunteer)), "worker": S(wang.User.ID)})
	w.h1, w.h2 = w.id(model.TypeVolunteerHours), w.id(model.TypeVolunteerHours)
	put(t, wang, w.h1, w.volunteer, w.volunteer, map[string]string{"date": S("2026-04-02"), "hours": model.Decimal(3.5),
		"activity": S(string(w.activity)), "content": S("义诊引导")})
	put(t, wang, w.h2, w.volunteer, w.volunteer, map[string]string{"date": S("2026-01-15"), "hours": model.Decimal(2),
		"content": S("入户陪伴")})

	w.caseL, w.personL, w.sL = w.id(model.TypeCase), w.id(model.TypePerson), w.id(model.TypeServiceRecord)
	put(t, w.li, w.caseL, w.caseL, "", map[string]string{"title": S("李四个案"), "worker": S(w.li.User.ID), "opened": S("2026-02-20")})
	put(t, w.li, w.personL, w.caseL, w.caseL, map[string]string{"name": S("李四"), "phone": S("13698765432")})
	if err := w.li.Edit(context.Background(), sync.Edit{Rec: w.caseL, Field: "client", Value: S(string(w.personL))}); err != nil {
		t.Fatal(err)
	}
	put(t, w.li, w.sL, w.caseL, w.caseL, map[string]string{"date": S("2026-02-21"), "start": S("10:00"),
		"place": S("phone"), "categories": model.List("psych"), "method": S("casework"), "content": S("电话回访")})

	for _, d := range []*client.Device{w.wang, w.li} {
		if rep := syncDev(t, d); rep.Rejected != 0 {
			t.Fatalf("%s: %d changes refused", d.User.Name, rep.Rejected)
		}
	}
	return w
}

// exportAnswer is an answer of GET /api/export.
type exportAnswer struct {
	status int
	header http.Header
	body   []byte
	err    api.Error
}

func (w *exportWorld) export(t *testing.T, d *client.Device, query string) exportAnswer {
	t.Helper()
	return getExport(t, w.e.http.URL, d.Token, query)
}

func getExport(t *testing.T, base, token, query string) exportAnswer {
	t.Helper()
	req, err := http.NewRequest("GET", base+"/api/export?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	a := exportAnswer{status: resp.StatusCode, header: resp.Header}
	if a.body, err = io.ReadAll(resp.Body); err != nil {
		t.Fatal(err)
	}
	if a.status != http.StatusOK {
		json.Unmarshal(a.body, &a.err)
	}
	return a
}

// ok fails the test unless the export answered 200.
func (a exportAnswer) ok(t *testing.T, what string) exportAnswer {
	t.Helper()
	if a.status != http.StatusOK {
		t.Fatalf("%s: %d %s %s", what, a.status, a.err.Code, a.err.En)
	}
	return a
}

// sheets reads an XLSX answer: each sheet's rows (the header first), each
// row as long as the header.
func (a exportAnswer) sheets(t *testing.T) (names []string, rows map[string][][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(a.body))
	if err != nil {
		t.Fatalf("not an XLSX file: %v", err)
	}
	defer f.Close()
	rows = map[string][][]string{}
	for _, name := range f.GetSheetList() {
		r, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		rows[name] = padded(r)
	}
	return f.GetSheetList(), rows
}

// csv reads a CSV answer after its byte order mark.
func (a exportAnswer) csv(t *testing.T) [][]string {
	t.Helper()
	body, ok := bytes.CutPrefix(a.body, []byte("\uFEFF"))
	if !ok {
		t.Fatalf("CSV without a UTF-8 byte order mark: % x", a.body[:min(8, len(a.body))])
	}
	if !bytes.Contains(body, []byte("\r\n")) {
		t.Error("CSV lines do not end in CRLF")
	}
	r, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	return r
}

func padded(rows [][]string) [][]string {
	if len(rows) == 0 {
		return rows
	}
	n := len(rows[0])
	for i, r := range rows {
		for len(r) < n {
			r = append(r, "")
		}
		rows[i] = r
	}
	return rows
}

// wantRows compares a table with the expected one, header first.
func wantRows(t *testing.T, what string, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, want %d:\n%s", what, len(got), len(want), show(got))
		return
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("%s row %d:\n got %q\nwant %q", what, i, got[i], want[i])
		}
	}
}

func show(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%q\n", r)
	}
	return b.String()
}

// localTime is a stored time as exports show it.
func localTime(t *testing.T, at string) string {
	t.Helper()
	v, err := time.Parse(time.RFC3339, at)
	if err != nil {
		t.Fatal(err)
	}
	return v.Local().Format("2006-01-02 15:04")
}

// wantTable is a table an export should hold: its header and its rows,
// each row as header → value (missing headers hold nothing).
type wantTable struct {
	head []string
	rows []map[string]string
}

// header is a table's expected header: the derived columns before, the
// model's labels of a type's own fields (all but root and parent, in form
// order), the derived columns after.
func header(before []string, typ string, after ...string) []string {
	t, ok := model.NewRegistry().Type(typ)
	if !ok {
		panic(typ)
	}
	out := slices.Clone(before)
	for _, f := range t.Fields {
		if f.Name != sync.FieldRoot && f.Name != model.FieldParent {
			out = append(out, f.Label.Zh)
		}
	}
	return append(out, after...)
}

// table is the expected table as rows of cells, header first.
func (w wantTable) table(t *testing.T) [][]string {
	t.Helper()
	seen := map[string]bool{}
	for _, h := range w.head {
		if seen[h] {
			t.Fatalf("header %q twice in %q", h, w.head)
		}
		seen[h] = true
	}
	out := [][]string{w.head}
	for _, r := range w.rows {
		for h := range r {
			if !seen[h] {
				t.Fatalf("no column %q in %q", h, w.head)
			}
		}
		row := make([]string, len(w.head))
		for i, h := range w.head {
			row[i] = r[h]
		}
		out = append(out, row)
	}
	return out
}

// col is the index of a column by its header.
func col(t *testing.T, head []string, name string) int {
	t.Helper()
	i := slices.Index(head, name)
	if i < 0 {
		t.Fatalf("no column %q in %q", name, head)
	}
	return i
}

// expected builds, for the world seen by its worker wang, the rows of every
// table, masked or in full.
func (w *exportWorld) expected(t *testing.T, full bool) map[string][][]string {
	m := func(masked, plain string) string {
		if full {
			return plain
		}
		return masked
	}
	const hidden = "[已隐藏]"
	client, volunteer := m("张**", "张三丰"), m("赵**", "赵志愿")
	tables := map[string]wantTable{
		api.ExportCases: {header([]string{"编号"}, model.TypeCase, "服务对象身份证号码", "服务对象联系电话", "个案阶段", "服务记录数", "最近服务日期"),
			[]map[string]string{{"编号": string(w.caseW), "个案名称": "低保家庭帮扶", "服务对象": client, "家庭": m(hidden, "兰州市城关区某路1号"),
				"服务对象类别": m(hidden, "最低生活保障人员"), "服务方法": "个案工作", "负责社工": "王芳", "开案日期": "2026-02-03", "行政区划": "620102",
				"服务对象身份证号码": m("6201**********"+w.idNumber[14:], w.idNumber), "服务对象联系电话": m("138****5678", "13812345678"),
				"个案阶段": "介入", "服务记录数": "2", "最近服务日期": "2026-05-20"}}},
		api.ExportServices: {header([]string{"编号", "个案", "服务对象", "负责社工"}, model.TypeServiceRecord, "时长（分钟）", "记录人"),
			[]map[string]string{
				{"编号": string(w.sW1), "个案": "低保家庭帮扶", "服务对象": client, "负责社工": "王芳", "服务日期": "2026-02-10", "开始时间": "09:00",
					"结束时间": "10:30", "服务地点": "入户", "服务类别": "心理疏导服务、资源链接服务", "服务方法": "个案工作",
					"服务内容": m(hidden, "=入户探访，了解家庭情况"), "服务对象反应": m(hidden, "情绪稳定"), "下一步计划": "链接医疗资源",
					"时长（分钟）": "90", "记录人": "王芳"},
				{"编号": string(w.sW2), "个案": "低保家庭帮扶", "服务对象": client, "负责社工": "王芳", "服务日期": "2026-05-20", "开始时间": "14:00",
					"服务地点": "机构办公室", "服务类别": "能力提升服务", "服务方法": "个案工作", "服务内容": m(hidden, "就业能力评估"), "记录人": "王芳"},
			}},
		api.ExportGroups: {header([]string{"编号"}, model.TypeGroup, "组员人数", "已开展节数", "出席人次"),
			[]map[string]string{{"编号": string(w.groupW), "小组名称": "亲子成长小组", "小组类型": "成长小组", "开始日期": "2026-03-01",
				"计划节数": "6", "负责社工": "王芳", "组员人数": "2", "已开展节数": "2", "出席人次": "2"}}},
		api.ExportSessions: {header([]string{"编号", "小组"}, model.TypeGroupSession, "出席人数", "缺席人数"),
			[]map[string]string{
				{"编号": string(w.s1), "小组": "亲子成长小组", "节次": "1", "日期": "2026-03-05", "小组阶段": "形成期", "出席人数": "1", "缺席人数": "1"},
				{"编号": string(w.s2), "小组": "亲子成长小组", "节次": "2", "日期": "2026-03-12", "小组阶段": "转折期", "出席人数": "1", "缺席人数": "0"},
			}},
		api.ExportAttendance: {header([]string{"小组", "节次", "日期"}, model.TypeAttendance),
			[]map[string]string{
				{"小组": "亲子成长小组", "节次": "1", "日期": "2026-03-05", "组员": m("王**", "王小明"), "出席": "否", "参与情况": "积极参与",
					"记录时间": localTime(t, "2026-03-05T01:05:00Z")},
				{"小组": "亲子成长小组", "节次": "1", "日期": "2026-03-05", "组员": m("李**", "李小红"), "出席": "是", "参与情况": "积极参与",
					"记录时间": localTime(t, "2026-03-05T01:01:00Z")},
				{"小组": "亲子成长小组", "节次": "2", "日期": "2026-03-12", "组员": m("王**", "王小明"), "出席": "是", "参与情况": "积极参与",
					"记录时间": localTime(t, "2026-03-12T01:00:00Z")},
			}},
		api.ExportActivities: {header([]string{"编号"}, model.TypeActivity, "参与总人数"),
			[]map[string]string{{"编号": string(w.activity), "活动目的": "社区义诊", "日期": "2026-04-02", "地点": "社区广场",
				"参与服务对象": client, "其他参与人数": "30", "志愿者": volunteer, "负责社工": "王芳", "参与总人数": "31"}}},
		api.ExportVolunteerHours: {header([]string{"编号", "志愿者", "志愿者编号"}, model.TypeVolunteerHours, "记录人"),
			[]map[string]string{
				{"编号": string(w.h2), "志愿者": volunteer, "志愿者编号": "V001", "日期": "2026-01-15", "时长（小时）": "2", "服务内容": "入户陪伴", "记录人": "王芳"},
				{"编号": string(w.h1), "志愿者": volunteer, "志愿者编号": "V001", "日期": "2026-04-02", "时长（小时）": "3.5", "服务活动": "社区义诊",
					"服务内容": "义诊引导", "记录人": "王芳"},
			}},
	}
	out := map[string][][]string{}
	for what, tb := range tables {
		out[what] = tb.table(t)
	}
	return out
}

// csvOf is a table as the CSV export writes it: texts that a spreadsheet
// would run as formulas start with an apostrophe.
func csvOf(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = slices.Clone(r)
		for j, v := range r {
			if strings.HasPrefix(v, "=") {
				out[i][j] = "'" + v
			}
		}
	}
	return out
}

// Every kind, as XLSX reopened with excelize and as CSV, holds the
// expected headers and rows, masked by default and in full for the
// records' own worker; the CSV's rows are the XLSX's.
func TestExportEveryKind(t *testing.T) {
	t.Parallel()
	w := newExportWorld(t)
	sheetsOf := map[string][]string{
		api.ExportCases: {"个案"}, api.ExportServices: {"服务记录"}, api.ExportGroups: {"小组", "小组活动记录", "出勤"},
		api.ExportSessions: {"小组活动记录"}, api.ExportAttendance: {"出勤"}, api.ExportActivities: {"社区活动"},
		api.ExportVolunteerHours: {"志愿服务时长"},
	}
	kindOf := map[string]string{"个案": api.ExportCases, "服务记录": api.ExportServices, "小组": api.ExportGroups,
		"小组活动记录": api.ExportSessions, "出勤": api.ExportAttendance, "社区活动": api.ExportActivities, "志愿服务时长": api.ExportVolunteerHours}
	for _, full := range []bool{false, true} {
		want := w.expected(t, full)
		q := ""
		if full {
			q = "&full=1"
		}
		for _, what := range api.ExportKinds {
			name := fmt.Sprintf("%s full=%v", what, full)
			x := w.export(t, w.wang, "what="+what+"&format=xlsx"+q).ok(t, name)
			if ct := x.header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
				t.Errorf("%s: Content-Type %s", name, ct)
			}
			names, sheets := x.sheets(t)
			if !slices.Equal(names, sheetsOf[what]) {
				t.Errorf("%s: sheets %v, want %v", name, names, sheetsOf[what])
			}
			rows := 0
			for _, sheet := range names {
				wantRows(t, name+" sheet "+sheet, sheets[sheet], want[kindOf[sheet]])
				rows += len(want[kindOf[sheet]]) - 1
			}
			if got := x.header.Get(api.HeaderExportRows); got != fmt.Sprint(rows) {
				t.Errorf("%s: %s %s, want %d", name, api.HeaderExportRows, got, rows)
			}
			// Rows count as masked when masking changed one of their
			// values: groups and sessions hold nothing sensitive.
			wantMasked := map[string]int{api.ExportCases: 1, api.ExportServices: 2, api.ExportGroups: 3,
				api.ExportAttendance: 3, api.ExportActivities: 1, api.ExportVolunteerHours: 2}[what]
			if full {
				wantMasked = 0
			}
			if got := x.header.Get(api.HeaderExportMasked); got != fmt.Sprint(wantMasked) {
				t.Errorf("%s: %s %s, want %d", name, api.HeaderExportMasked, got, wantMasked)
			}

			c := w.export(t, w.wang, "what="+what+"&format=csv"+q).ok(t, name+" csv")
			if ct := c.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
				t.Errorf("%s: CSV Content-Type %s", name, ct)
			}
			wantRows(t, name+" csv", c.csv(t), csvOf(sheets[names[0]]))
		}
	}
}

// The XLSX file is laid out for people: bold frozen header, widths, dates
// as dates and numbers as numbers.
func TestExportXLSXLayout(t *testing.T) {
	t.Parallel()
	w := newExportWorld(t)
	x := w.export(t, w.wang, "what=cases").ok(t, "cases") // XLSX by default
	f, err := excelize.OpenReader(bytes.NewReader(x.body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	panes, err := f.GetPanes("个案")
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
	style, _ := f.GetCellStyle("个案", "B1")
	st, err := f.GetStyle(style)
	if err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header not bold: %+v %v", st, err)
	}
	head, err := f.GetRows("个案")
	if err != nil || len(head) != 2 {
		t.Fatalf("rows %q %v", head, err)
	}
	cellOf := func(name string) string {
		c, _ := excelize.CoordinatesToCellName(col(t, head[0], name)+1, 2)
		return c
	}
	if width, _ := f.GetColWidth("个案", cellOf("服务对象身份证号码")[:1]); width < 20 {
		t.Errorf("ID number column width %v", width)
	}
	raw, _ := f.GetCellValue("个案", cellOf("开案日期"), excelize.Options{RawCellValue: true})
	if raw != "46056" { // 2026-02-03 as an Excel serial day
		t.Errorf("opening date raw value %q, want the serial day 46056", raw)
	}
	if ty, _ := f.GetCellType("个案", cellOf("个案名称")); ty != excelize.CellTypeInlineString {
		t.Errorf("title stored as %v", ty)
	}
	if v, _ := f.GetCellValue("个案", cellOf("服务记录数"), excelize.Options{RawCellValue: true}); v != "2" {
		t.Errorf("service count %q", v)
	}
	cd := x.header.Get("Content-Disposition")
	if !strings.HasPrefix(cd, `attachment; filename="jiuzhu-cases-`) || !strings.Contains(cd, "filename*=UTF-8''"+url.PathEscape("救助社工-个案-截至")) {
		t.Errorf("Content-Disposition %s", cd)
	}
	c := w.export(t, w.wang, "what=groups&format=csv&from=2026-03-01&to=2026-03-31").ok(t, "groups csv")
	if cd := c.header.Get("Content-Disposition"); !strings.Contains(cd, `filename="jiuzhu-groups-2026-03-01_2026-03-31.csv"`) ||
		!strings.Contains(cd, url.PathEscape("救助社工-小组-2026-03-01至2026-03-31.csv")) {
		t.Errorf("Content-Disposition %s", cd)
	}
}

// Who gets what: a worker their own roots, a supervisor their team's (in
// full when asked), an administrator their org unit's, masked even when
// full is asked.
func TestExportScopeAndMasking(t *testing.T) {
	t.Parallel()
	w := newExportWorld(t)
	var head []string
	casesOf := func(d *client.Device, q string) (rows [][]string, masked string) {
		t.Helper()
		x := w.export(t, d, "what=cases"+q).ok(t, d.User.Name)
		_, sheets := x.sheets(t)
		head = sheets["个案"][0]
		return sheets["个案"][1:], x.header.Get(api.HeaderExportMasked)
	}
	byID := func(rows [][]string) map[string][]string {
		out := map[string][]string{}
		for _, r := range rows {
			out[r[0]] = r
		}
		return out
	}
	rows, _ := casesOf(w.li, "&full=1")
	client, idCol, phoneCol := col(t, head, "服务对象"), col(t, head, "服务对象身份证号码"), col(t, head, "服务对象联系电话")
	if len(rows) != 1 || rows[0][0] != string(w.caseL) || rows[0][client] != "李四" || rows[0][phoneCol] != "13698765432" {
		t.Errorf("li's own cases in full: %q", rows)
	}
	rows, masked := casesOf(w.li, "")
	if len(rows) != 1 || rows[0][client] != "李*" || rows[0][phoneCol] != "136****5432" || masked != "1" {
		t.Errorf("li's cases by default: %q, masked %s", rows, masked)
	}

	// The supervisor of t1 sees wang's case (not li's, in t2).
	rows, masked = casesOf(w.zhao, "")
	if len(rows) != 1 || rows[0][0] != string(w.caseW) || rows[0][client] != "张**" || masked != "1" {
		t.Errorf("supervisor by default: %q, masked %s", rows, masked)
	}
	rows, masked = casesOf(w.zhao, "&full=1")
	if len(rows) != 1 || rows[0][client] != "张三丰" || rows[0][idCol] != w.idNumber || masked != "0" {
		t.Errorf("supervisor in full: %q, masked %s", rows, masked)
	}

	// The administrator sees both cases, masked even when asking in full.
	rows, masked = casesOf(w.admin, "&full=1")
	got := byID(rows)
	if len(rows) != 2 || got[string(w.caseW)][client] != "张**" || got[string(w.caseL)][client] != "李*" ||
		got[string(w.caseW)][idCol] != "6201**********"+w.idNumber[14:] || masked != "2" {
		t.Errorf("administrator in full: %q, masked %s", rows, masked)
	}
	x := w.export(t, w.admin, "what=services&format=csv&full=1").ok(t, "admin services")
	services := x.csv(t)
	content := col(t, services[0], "服务内容")
	for _, r := range services[1:] {
		if r[content] != "[已隐藏]" || strings.Contains(strings.Join(r, ","), "张三丰") {
			t.Errorf("administrator's services not masked: %q", r)
		}
	}

	// Every kind: a worker never gets another's records.
	for _, what := range api.ExportKinds {
		x := w.export(t, w.li, "what="+what+"&format=csv&full=1").ok(t, what)
		text := string(x.body)
		for _, theirs := range []sync.RecID{w.caseW, w.sW1, w.groupW, w.s1, w.activity, w.h1} {
			if strings.Contains(text, string(theirs)) {
				t.Errorf("li's %s export holds wang's %s", what, theirs)
			}
		}
		if strings.Contains(text, "亲子成长小组") || strings.Contains(text, "赵") {
			t.Errorf("li's %s export holds wang's records:\n%s", what, text)
		}
	}
}

// The period filters each table on its own date, both ends included.
func TestExportPeriod(t *testing.T) {
	t.Parallel()
	w := newExportWorld(t)
	ids := func(d *client.Device, what, q string) []string {
		t.Helper()
		x := w.export(t, d, "format=csv&what="+what+q).ok(t, what+q)
		var out []string
		for _, r := range x.csv(t)[1:] {
			out = append(out, r[0])
		}
		return out
	}
	for _, c := range []struct {
		d    *client.Device
		what string
		q    string
		want []sync.RecID
	}{
		{w.wang, api.ExportServices, "&from=2026-02-10&to=2026-02-28", []sync.RecID{w.sW1}},
		{w.wang, api.ExportServices, "&from=2026-02-11", []sync.RecID{w.sW2}},
		{w.wang, api.ExportServices, "&to=2026-05-20", []sync.RecID{w.sW1, w.sW2}},
		{w.admin, api.ExportServices, "&from=2026-02-01&to=2026-02-28", []sync.RecID{w.sW1, w.sL}},
		{w.admin, api.ExportCases, "&from=2026-02-04", []sync.RecID{w.caseL}},
		{w.wang, api.ExportSessions, "&from=2026-03-06&to=2026-03-31", []sync.RecID{w.s2}},
		{w.wang, api.ExportVolunteerHours, "&to=2026-03-31", []sync.RecID{w.h2}},
		{w.wang, api.ExportActivities, "&from=2026-04-03", nil},
		{w.wang, api.ExportGroups, "&from=2026-03-01&to=2026-03-01", []sync.RecID{w.groupW}},
	} {
		var want []string
		for _, id := range c.want {
			want = append(want, string(id))
		}
		if got := ids(c.d, c.what, c.q); !slices.Equal(got, want) {
			t.Errorf("%s %s%s: %v, want %v", c.d.User.Name, c.what, c.q, got, want)
		}
	}

	// A deleted record is not exported, nor a deleted case's records.
	if err := w.wang.Edit(context.Background(), sync.Edit{Rec: w.sW2, Field: sync.FieldDeleted, Value: sync.ValueTrue}); err != nil {
		t.Fatal(err)
	}
	if err := w.li.Edit(context.Background(), sync.Edit{Rec: w.caseL, Field: sync.FieldDeleted, Value: sync.ValueTrue}); err != nil {
		t.Fatal(err)
	}
	syncDev(t, w.wang)
	syncDev(t, w.li)
	if got := ids(w.admin, api.ExportServices, ""); !slices.Equal(got, []string{string(w.sW1)}) {
		t.Errorf("after deletions: %v", got)
	}
}

// Every export is audited with what, format, period, rows and masking.
func TestExportAudited(t *testing.T) {
	t.Parallel()
	w := newExportWorld(t)
	w.export(t, w.wang, "what=services&format=csv&from=2026-02-01&to=2026-02-28&full=1").ok(t, "services")
	w.export(t, w.admin, "what=cases&full=1").ok(t, "cases")
	var entries []api.AuditEntry
	status, er := w.e.call(t, "GET", "/api/admin/audit?action=export", w.admin.Token, nil, &entries)
	want(t, "audit", status, er, 200, "")
	if len(entries) != 2 {
		t.Fatalf("%d export entries: %+v", len(entries), entries)
	}
	admin, wang := entries[0], entries[1] // newest first
	if wang.User != w.wang.User.ID || wang.Target != api.ExportServices || wang.Device == "" ||
		wang.Detail != "format=csv period=2026-02-01..2026-02-28 rows=1 masked=0 full_requested=true" {
		t.Errorf("wang's export audited as %+v", wang)
	}
	if admin.User != w.admin.User.ID || admin.Target != api.ExportCases ||
		admin.Detail != "format=xlsx period=all rows=2 masked=2 full_requested=true" {
		t.Errorf("the administrator's export audited as %+v", admin)
	}
}

// Bad parameters are refused with a message in both languages; a request
// without a session is 401.
func TestExportRefusals(t *testing.T) {
	t.Parallel()
	w := newExportWorld(t)
	if a := getExport(t, w.e.http.URL, "", "what=cases"); a.status != http.StatusUnauthorized || a.err.Code != "no_token" {
		t.Errorf("no token: %d %s", a.status, a.err.Code)
	}
	if a := getExport(t, w.e.http.URL, "not-a-token", "what=cases"); a.status != http.StatusUnauthorized {
		t.Errorf("bad token: %d %s", a.status, a.err.Code)
	}
	for _, c := range []struct{ q, code, zh, en string }{
		{"", "bad_what", "what 应为", "what must be one of cases, services"},
		{"what=persons", "bad_what", "volunteer_hours", "volunteer_hours"},
		{"what=cases&format=pdf", "bad_format", "xlsx 或 csv", "xlsx or csv"},
		{"what=cases&from=2026-13-01", "bad_date", "from 应为日期", "from must be a date"},
		{"what=cases&to=2026-2-1", "bad_date", "to 应为日期", "to must be a date"},
		{"what=cases&from=2026-03-01&to=2026-02-01", "bad_period", "不能晚于", "cannot be after"},
		{"what=cases&full=yes", "bad_full", "full 应为 1", "full must be 1"},
	} {
		a := w.export(t, w.wang, c.q)
		if a.status != http.StatusBadRequest || a.err.Code != c.code || !strings.Contains(a.err.Message, c.zh) || !strings.Contains(a.err.En, c.en) {
			t.Errorf("%q: %d %+v", c.q, a.status, a.err)
		}
	}
	head, err := http.NewRequest("HEAD", w.e.http.URL+"/api/export?what=cases", nil)
	if err != nil {
		t.Fatal(err)
	}
	head.Header.Set("Authorization", "Bearer "+w.wang.Token)
	resp, err := http.DefaultClient.Do(head)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET" {
		t.Errorf("HEAD: %d, Allow %q; want 405 and GET", resp.StatusCode, resp.Header.Get("Allow"))
	}
	var entries []api.AuditEntry
	w.e.call(t, "GET", "/api/admin/audit?action=export", w.admin.Token, nil, &entries)
	if len(entries) != 0 {
		t.Errorf("refused exports audited: %+v", entries)
	}
}

// An export over the row limit is refused, saying the limit; not in
// parallel, as it lowers the limit for the whole server package.
func TestExportRowLimit(t *testing.T) {
	w := newExportWorld(t)
	server.SetExportRowLimit(t, 2)
	a := w.export(t, w.wang, "what=attendance") // 3 rows
	if a.status != http.StatusBadRequest || a.err.Code != "too_many_rows" || !strings.Contains(a.err.Message, "超过 2 行") ||
		!strings.Contains(a.err.En, "more than 2 rows") {
		t.Errorf("over the limit: %d %+v", a.status, a.err)
	}
	// All the sheets count: groups has 1 + 2 + 3 rows.
	if a := w.export(t, w.wang, "what=groups"); a.status != http.StatusBadRequest {
		t.Errorf("groups over the limit: %d", a.status)
	}
	w.export(t, w.wang, "what=services").ok(t, "2 rows")
}

// A large export: thousands of service records, reopened with excelize.
func TestExportLarge(t *testing.T) {
	t.Parallel()
	s, err := server.New(server.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler), RatePerDevice: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	h := httptest.NewServer(s.Handler())
	t.Cleanup(func() { h.Close(); s.Close() })
	e := &adminEnv{srv: s, http: h, ids: map[string]string{}}
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	wang := e.login(t, "wang")
	w := &exportWorld{e: e, wang: wang, base: time.Now().UnixMilli()}
	const n = 2000 // pushed in rounds of 250 (a push under -race is slow)
	S := model.Str
	c := w.id(model.TypeCase)
	put(t, wang, c, c, "", map[string]string{"title": S("大个案"), "worker": S(wang.User.ID), "opened": S("2026-01-01")})
	for i := range n {
		put(t, wang, w.id(model.TypeServiceRecord), c, c, map[string]string{
			"date":  S(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%365).Format(time.DateOnly)),
			"start": S("09:00"), "place": S("office"), "method": S("casework"), "categories": model.List("psych"),
			"content": S(fmt.Sprintf("第%d次服务", i))})
		if i%250 == 249 {
			if rep := syncDev(t, wang); rep.Rejected != 0 {
				t.Fatalf("%d refused", rep.Rejected)
			}
		}
	}
	for _, format := range []string{"xlsx", "csv"} {
		start := time.Now()
		a := getExport(t, h.URL, wang.Token, "what=services&full=1&format="+format).ok(t, format)
		took := time.Since(start)
		var rows [][]string
		if format == "xlsx" {
			_, sheets := a.sheets(t)
			rows = sheets["服务记录"]
		} else {
			rows = a.csv(t)
		}
		if len(rows) != n+1 || rows[1][4] != "2026-01-01" || rows[n][4] != "2026-12-31" {
			t.Fatalf("%s: %d rows, first %q, last %q", format, len(rows), rows[1], rows[len(rows)-1])
		}
		t.Logf("%s: %d rows, %d bytes in %v (%.0f rows/s)", format, n, len(a.body), took.Round(time.Millisecond), n/took.Seconds())
	}
}
