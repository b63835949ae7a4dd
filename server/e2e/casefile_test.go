package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"jiuzhu/server/client"
	"jiuzhu/shared/api"
	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// The complete case file (§7.4): a case with every section filled (seeded
// through sync by another of the worker's devices) is opened on the
// tablet from the case page, printed (the print is audited and reaches
// the administrator's audit trail), and rendered to PDF on A4 by
// Chromium: the PDF has more than one page, and its text has every
// section's heading and the values entered, with the ID number masked;
// the consent's signature is printed as an image.
func TestCaseFilePrintsToPDF(t *testing.T) {
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext is missing: install poppler-utils (Debian: apt-get install -y poppler-utils)")
	}
	data := t.TempDir()
	addUser(t, data, "admin1", "a-long-password", "admin", "", "62")
	addUser(t, data, "wang", "a-long-password", "worker", "t1", "620102")
	srv := startServer(t, data, "127.0.0.1:0")
	bg := context.Background()
	dev, err := client.Login(bg, srv.URL, "wang", "a-long-password")
	if err != nil {
		t.Fatal(err)
	}
	c, want := seedCaseFile(t, dev)

	tab, _ := newBrowser(t, "")
	navigate(t, tab, srv.URL+"/cases")
	logIn(t, tab, "wang", "a-long-password")
	appShows(t, tab, "个案")
	waitFor(t, tab, 60*time.Second, "the seeded case on the tablet", caseListed("李桂兰临时救助个案"))
	openInApp(t, tab, `#case-list .jz-row[data-id="`+string(c)+`"] a`)
	waitFor(t, tab, 30*time.Second, "the case page at follow-up", `document.getElementById("case-stage-now") !== null && document.getElementById("case-stage-now").textContent.endsWith("回访")`)
	openInApp(t, tab, "#case-file")
	waitFor(t, tab, 30*time.Second, "the case file", `document.getElementById("casefile") !== null && document.querySelectorAll("#casefile .jz-cf-record[data-type=service_record]").length === 3`)
	waitFor(t, tab, 30*time.Second, "the division by name", `document.getElementById("casefile").innerText.includes("城关区（620102）")`)
	if n := eval[int](t, tab, `document.querySelectorAll("#casefile img.jz-cf-signature").length`); n != 2 {
		t.Errorf("%d signature images on the page, want 2 (the consent and the signatures block)", n)
	}
	waitFor(t, tab, 30*time.Second, "the signature images decoded", `[...document.querySelectorAll("#casefile img")].every(i => i.complete)`)
	if bad := eval[[]string](t, tab, `[...document.querySelectorAll("#casefile img")].filter(i => !i.complete || i.naturalWidth !== 480).map(i => i.src.slice(0, 40))`); len(bad) > 0 {
		t.Errorf("signature images not drawn: %v", bad)
	}

	t.Log("printing is audited")
	// Headless Chromium has no print dialog (window.print would leave the
	// page "being printed"): count the calls instead, and print to PDF below.
	eval[bool](t, tab, `(() => { window.jzPrinted = 0; window.print = () => { window.jzPrinted++; }; return true; })()`)
	click(t, tab, "casefile-print")
	waitFor(t, tab, 20*time.Second, "the print dialog asked for", `window.jzPrinted === 1`)
	admin, err := client.Login(bg, srv.URL, "admin1", "a-long-password")
	if err != nil {
		t.Fatal(err)
	}
	waitUntilTrue(t, "the print in the server's audit trail", func() bool {
		for _, a := range auditEntries(t, srv.URL, admin.Token, "tablet_print_case_file") {
			if a.Target == string(c) && a.UserName == "wang" {
				return true
			}
		}
		return false
	})

	t.Log("rendered to PDF on A4")
	start := time.Now()
	res, err := chromedp.Call(tab, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69, PrintBackground: new(true)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("PDF: %d bytes in %v", len(res.Data), time.Since(start).Round(time.Millisecond))
	pdf := filepath.Join(t.TempDir(), "casefile.pdf")
	if err := os.WriteFile(pdf, res.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	info := run(t, "pdfinfo", pdf)
	pages, _ := strconv.Atoi(field(info, "Pages"))
	size := field(info, "Page size")
	t.Logf("PDF: %d pages, %s", pages, size)
	if pages < 2 {
		t.Errorf("the file prints on %d page(s), want at least 2", pages)
	}
	if w, h, ok := points(size); !ok || w < 594 || w > 597 || h < 840 || h > 843 {
		t.Errorf("page size %q, want A4 (595 × 842 pt)", size)
	}
	if cover := squeeze(run(t, pdftotext, "-enc", "UTF-8", "-f", "1", "-l", "1", pdf, "-")); !strings.HasPrefix(cover, "服务档案李桂兰临时救助个案") {
		t.Errorf("the first page is not the cover: %q", cover)
	}
	raw := run(t, pdftotext, "-enc", "UTF-8", pdf, "-")
	text := squeeze(raw)
	// Every section's heading, on a line of its own, in the file's order.
	lines := strings.Split(raw, "\n")
	at := 0
	for _, k := range []i18n.Key{i18n.CaseFileTitle, i18n.CaseFilePersons, i18n.CaseFileConsents, i18n.CaseFileIntake, i18n.CaseFileAssessments,
		i18n.CaseFilePlans, i18n.CaseFileServices, i18n.CaseFileReferrals, i18n.CaseFileEvaluations, i18n.CaseFileClosing,
		i18n.CaseFileFollowUps, i18n.CaseFileReopenings, i18n.CaseFileTeam, i18n.CaseFileSignatures} {
		h, found := i18n.T(i18n.ZH, k), false
		for i := at; i < len(lines); i++ {
			if strings.TrimSpace(lines[i]) == h {
				at, found = i+1, true
				break
			}
		}
		if !found {
			t.Errorf("the PDF lacks the heading %q after the one before it", h)
		}
	}
	// The reopening section has none; the signature block has its lines.
	want = append(want, i18n.T(i18n.ZH, i18n.CaseFileReopenings)+i18n.T(i18n.ZH, i18n.CaseFileNone),
		i18n.T(i18n.ZH, i18n.CaseFileSignWorker), i18n.T(i18n.ZH, i18n.CaseFileSignSupervisor), i18n.T(i18n.ZH, i18n.CaseFileSignClient))
	for _, w := range want {
		if !strings.Contains(text, squeeze(w)) {
			t.Errorf("the PDF's text lacks %q", w)
		}
	}
	if strings.Contains(text, "620102198001011239") {
		t.Error("the PDF shows the ID number in full")
	}
	if !strings.Contains(text, "6201**********1239") {
		t.Error("the PDF lacks the masked ID number")
	}
	if imgs := run(t, "pdfimages", "-list", pdf); !regexp.MustCompile(`\s480\s+160\s`).MatchString(imgs) {
		t.Errorf("the consent's signature is not in the PDF:\n%s", imgs)
	}
	if t.Failed() {
		t.Logf("PDF text: %s", text)
	}
}

// seedCaseFile writes, on dev, a case with every section filled and
// returns the case and the values the file must show (headings are added
// by the caller).
func seedCaseFile(t *testing.T, dev *client.Device) (sync.RecID, []string) {
	t.Helper()
	ctx := context.Background()
	newID := func(typ string) sync.RecID {
		var ent [10]byte
		rand.Read(ent[:])
		return sync.MakeRecID(typ, time.Now().UnixMilli(), ent)
	}
	c := newID(model.TypeCase)
	var edits []sync.Edit
	add := func(typ string, parent sync.RecID, fields map[string]string) sync.RecID {
		id := c
		if typ != model.TypeCase {
			id = newID(typ)
		}
		edits = append(edits, sync.Edit{Rec: id, Field: sync.FieldRoot, Value: model.Str(string(c))}) // the root first
		if typ != model.TypeCase {
			edits = append(edits, sync.Edit{Rec: id, Field: model.FieldParent, Value: model.Str(string(parent))})
		}
		for k, v := range fields {
			edits = append(edits, sync.Edit{Rec: id, Field: k, Value: v})
		}
		return id
	}
	s, day := model.Str, func(n int) string { return model.Str(daysAgo(n)) }
	me := s(dev.User.ID)
	person := newID(model.TypePerson)
	add(model.TypeCase, "", map[string]string{"title": s("李桂兰临时救助个案"), "client": s(string(person)), "categories": model.List("temporary", "dibao"),
		"methods": model.List("casework", "case_management"), "worker": me, "opened": day(40), "division": s("620102")})
	edits = append(edits, sync.Edit{Rec: person, Field: sync.FieldRoot, Value: s(string(c))}, sync.Edit{Rec: person, Field: model.FieldParent, Value: s(string(c))})
	for k, v := range map[string]string{"name": s("李桂兰"), "gender": s("female"), "birth_date": s("1980-01-01"), "id_type": s("resident_id"),
		"id_number": s("620102198001011239"), "phone": s("13912345678"), "address": s("城关区庆阳路88号"), "health": s("高血压，需长期服药")} {
		edits = append(edits, sync.Edit{Rec: person, Field: k, Value: v})
	}
	house := add(model.TypeHousehold, c, map[string]string{"address": s("城关区庆阳路88号"), "area": s("urban"), "size": "3",
		"income_per_head": model.Money{Amount: 42000, Area: "urban", Per: "person", Period: "month", Unit: model.UnitYuan}.Value(), "rigid_expenses": s("女儿上学学费每年六千元")})
	edits = append(edits, sync.Edit{Rec: c, Field: "household", Value: s(string(house))})
	add(model.TypeHouseholdMember, house, map[string]string{"person": s(string(person)), "relation": s("self")})
	consent := add(model.TypeConsent, c, map[string]string{"person": s(string(person)), "date": day(40), "scope": model.List("record", "sensitive", "share_referral"),
		"separate": "true", "signature": s(signaturePNG(t))})
	add(model.TypeIntake, c, map[string]string{"date": day(39), "source": s("referral"), "referrer": s("城关区民政局"), "voluntary": "true", "accepted": "true",
		"presenting_problem": s("丈夫去世后家中无收入来源"), "consent": s(string(consent))})
	add(model.TypeAssessment, c, map[string]string{"date": day(38), "kind": s("comprehensive"), "needs": model.List("living", "employment"),
		"problems": s("生活费用不足，缺少就业技能"), "strengths": s("身体尚可，愿意学习家政技能"), "risk_level": s("medium"), "client_statement": s("我想自己挣钱养活孩子")})
	plan := add(model.TypePlan, c, map[string]string{"date": day(36), "goals": model.List("apply_assistance", "independent_living"),
		"summary": s("申请临时救助并参加家政培训"), "responsible": me, "schedule": s("两个月"), "client_agreed": "true"})
	goal := add(model.TypePlanGoal, plan, map[string]string{"date": day(36), "goal": s("apply_assistance"), "objective": s("两周内提交临时救助申请"),
		"categories": model.List("resource_link"), "method": s("casework"), "due": day(22)})
	add(model.TypePlanGoal, plan, map[string]string{"date": day(36), "goal": s("independent_living"), "objective": s("完成家政技能培训并取得证书")})
	services := []string{"入户了解家庭收支情况", "陪同前往街道办提交临时救助申请", "电话跟进家政培训报名进度"}
	var first sync.RecID
	for i, content := range services {
		id := add(model.TypeServiceRecord, c, map[string]string{"date": day(34 - 3*i), "start": s("09:30"), "end": s("11:00"),
			"place": s([]string{"home_visit", "community", "phone"}[i]), "categories": model.List("resource_link"), "method": s("casework"),
			"goal": s(string(goal)), "content": s(content), "response": s("服务对象积极配合"), "next_step": s("继续跟进")})
		if i == 0 {
			first = id
		}
	}
	add(model.TypeServiceNote, first, map[string]string{"at": s(time.Now().AddDate(0, 0, -33).UTC().Format(time.RFC3339)), "text": s("补充：已联系社区居委会核实家庭情况")})
	add(model.TypeReferral, c, map[string]string{"date": day(25), "to_body": s("城关区人社局职业培训中心"), "reason": s("需要家政技能培训"),
		"categories": model.List("capacity"), "result": s("accepted"), "result_date": day(23)})
	add(model.TypeEvaluation, c, map[string]string{"date": day(12), "methods": model.List("interview", "scale"), "attainment": s("achieved"),
		"attainment_notes": s("临时救助已批准；培训已结业"), "satisfaction": "5", "change": s("情绪稳定，开始从事钟点工")})
	add(model.TypeClosing, c, map[string]string{"date": day(10), "reason": s("goals_met"), "summary": s("服务目标均已达成，双方同意结案"), "follow_up_plan": s("一个月后电话回访")})
	add(model.TypeFollowUp, c, map[string]string{"due": day(2), "done_date": day(1), "status": s("收入稳定，孩子正常上学"), "reopen": "false"})
	member := add(model.TypeTeamMember, c, map[string]string{"name": s("王医生"), "profession": s("全科医生"), "organisation": s("城关区社区卫生服务中心"),
		"role": s("健康管理"), "phone": s("13800001111"), "joined": day(35)})
	add(model.TypeTeamNote, c, map[string]string{"date": day(30), "participants": model.List(string(member)), "text": s("协调慢病随访与用药补助")})

	if err := dev.Edit(ctx, edits...); err != nil {
		t.Fatal(err)
	}
	rep, err := dev.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rejected > 0 || rep.Pushed != len(edits) {
		refused, _ := dev.Store.Rejected(ctx)
		t.Fatalf("seeding: %d of %d changes accepted, %d refused: %+v", rep.Pushed, len(edits), rep.Rejected, refused)
	}
	want := []string{"李桂兰临时救助个案", strings.TrimPrefix(string(c), "case/"), "临时救助人员", "个案管理", "wang",
		"李桂兰", "城关区庆阳路88号", "高血压，需长期服药", "城市人均每月 420.00 元", "女儿上学学费每年六千元", "本人",
		"转介时提供信息", "城关区民政局", "丈夫去世后家中无收入来源", "机构转介",
		"生活费用不足，缺少就业技能", "身体尚可，愿意学习家政技能", "我想自己挣钱养活孩子", "综合预估",
		"申请临时救助并参加家政培训", "两周内提交临时救助申请", "完成家政技能培训并取得证书", "提升独立生活能力",
		services[0], services[1], services[2], "补充：已联系社区居委会核实家庭情况", "入户",
		"城关区人社局职业培训中心", "需要家政技能培训", "已接收",
		"临时救助已批准；培训已结业", "情绪稳定，开始从事钟点工", "已达成",
		"服务目标均已达成，双方同意结案", "服务目标达成", "一个月后电话回访",
		"收入稳定，孩子正常上学", "王医生", "城关区社区卫生服务中心", "协调慢病随访与用药补助"}
	return c, want
}

// signaturePNG is a drawn signature as the tablet stores it: a 480×160
// PNG as a data URL.
func signaturePNG(t *testing.T) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 480, 160))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for x := 40; x < 440; x++ {
		y := 110 - (x-40)*(440-x)/2500
		for d := -2; d <= 2; d++ {
			img.Set(x, y+d, color.Black)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())
}

// auditEntries lists the server's audit entries with an action (as an
// administrator).
func auditEntries(t *testing.T, base, token, action string) []api.AuditEntry {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/admin/audit?action="+url.QueryEscape(action), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/admin/audit: %s", resp.Status)
	}
	var out []api.AuditEntry
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// run runs a command and returns its output.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}

// field is the value of a "Name: value" line of pdfinfo's output.
func field(info, name string) string {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `:\s*(.*)$`).FindStringSubmatch(info)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(m[1])
}

// points reads pdfinfo's "595.2 x 841.68 pts (A4)".
func points(size string) (w, h float64, ok bool) {
	var unit string
	if _, err := fmt.Sscanf(size, "%g x %g %s", &w, &h, &unit); err != nil || unit != "pts" {
		return 0, 0, false
	}
	return w, h, true
}

// squeeze drops white space, which a PDF's text puts wherever a line
// wraps.
func squeeze(s string) string {
	return strings.Join(strings.Fields(s), "")
}
