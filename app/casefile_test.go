package app

import (
	"strings"
	"testing"
	"time"

	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// caseFileRecords is a small case with a record in most sections, a note
// under a service record, a goal under the plan, a member under the
// household and an audit record (which the file leaves out).
func caseFileRecords() (sync.RecID, []*sync.Record) {
	c := sync.RecID("case/01J0000000000000000000CASE")
	in := func(parent sync.RecID, fields map[string]string) map[string]string {
		fields[sync.FieldRoot] = model.Str(string(c))
		fields[model.FieldParent] = model.Str(string(parent))
		return fields
	}
	person := sync.RecID("person/01J00000000000000000PERSON")
	consent := sync.RecID("consent/01J0000000000000000CONSENT")
	house := sync.RecID("household/01J000000000000000000HOUSE")
	plan := sync.RecID("plan/01J00000000000000000000PLAN")
	goal := sync.RecID("plan_goal/01J00000000000000000000GOAL")
	svc := sync.RecID("service_record/01J00000000000000000SVC1")
	return c, []*sync.Record{
		rec(c, map[string]string{sync.FieldRoot: model.Str(string(c)), "title": model.Str("张秀英低保个案"), "client": model.Str(string(person)),
			"categories": model.List("dibao"), "worker": model.Str("u1"), "opened": model.Str("2026-01-02")}),
		rec(person, in(c, map[string]string{"name": model.Str("张秀英"), "id_number": model.Str("620102198001011239"), "gender": model.Str("female")})),
		rec(consent, in(c, map[string]string{"person": model.Str(string(person)), "date": model.Str("2026-01-02"), "scope": model.List("record", "sensitive"),
			"separate": "true", "signature": model.Str("data:image/png;base64,iVBORw0KGgo=")})),
		rec(house, in(c, map[string]string{"address": model.Str("城关区张掖路1号"), "area": model.Str("urban")})),
		rec("household_member/01J0000000000000000MEMBER", in(house, map[string]string{"person": model.Str(string(person)), "relation": model.Str("self")})),
		rec("intake/01J000000000000000000INTAKE", in(c, map[string]string{"date": model.Str("2026-01-03"), "source": model.Str("self"), "accepted": "true", "consent": model.Str(string(consent))})),
		rec(plan, in(c, map[string]string{"date": model.Str("2026-01-05"), "goals": model.List("apply_assistance")})),
		rec(goal, in(plan, map[string]string{"goal": model.Str("apply_assistance"), "objective": model.Str("一个月内提交临时救助申请")})),
		rec(svc, in(c, map[string]string{"date": model.Str("2026-01-06"), "place": model.Str("home_visit"), "content": model.Str("入户了解家庭收支情况"), "goal": model.Str(string(goal))})),
		rec("service_note/01J0000000000000000000NOTE", in(svc, map[string]string{"at": model.Str("2026-01-07T02:00:00Z"), "text": model.Str("补充：已联系社区居委会")})),
		rec("closing/01J00000000000000000CLOSING", in(c, map[string]string{"date": model.Str("2026-02-01"), "reason": model.Str("goals_met"), "summary": model.Str("目标达成")})),
		rec("audit/01J000000000000000000AUDIT1", in(c, map[string]string{"action": model.Str("view_id_number"), "detail": model.Str("审计不入档")})),
	}
}

// The file shows every section in the process's order (empty ones say
// so), every record with its labels, codes and references in words, the
// ID number masked, the signature drawn, notes and goals under their
// records, and no audit record.
func TestCaseFileContent(t *testing.T) {
	c, recs := caseFileRecords()
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.Local)
	html := render(t, &caseFilePage{page: page{user: "wang"}, id: c, recs: recs, loaded: true, now: now})
	last := -1
	for _, k := range []i18n.Key{i18n.CaseFileTitle, i18n.CaseFilePersons, i18n.CaseFileConsents, i18n.CaseFileIntake, i18n.CaseFileAssessments,
		i18n.CaseFilePlans, i18n.CaseFileServices, i18n.CaseFileReferrals, i18n.CaseFileEvaluations, i18n.CaseFileClosing,
		i18n.CaseFileFollowUps, i18n.CaseFileReopenings, i18n.CaseFileTeam, i18n.CaseFileSignatures} {
		h := ">" + i18n.T(i18n.ZH, k) + "</h"
		i := strings.Index(html, h)
		if i < 0 {
			t.Errorf("no heading %q", h)
			continue
		}
		if i < last {
			t.Errorf("heading %q out of order", h)
		}
		last = i
	}
	for _, want := range []string{
		"张秀英低保个案", "01J0000000000000000000CASE", "2026-03-01", // cover: title, number, date printed
		"最低生活保障人员", "结案", // a code list, the derived stage
		"6201**********1239", "服务对象 · 人员 · 张秀英", // the client first, masked
		"记录个人信息、处理敏感个人信息", `src="data:image/png;base64,iVBORw0KGgo="`, "城关区张掖路1号", "本人",
		"主动求助", "一个月内提交临时救助申请", "入户了解家庭收支情况", "入户", "补充：已联系社区居委会", "服务目标达成",
		i18n.T(i18n.ZH, i18n.CaseFileSignWorker), i18n.T(i18n.ZH, i18n.CaseFileSignSupervisor), i18n.T(i18n.ZH, i18n.CaseFileSignClient),
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the file lacks %q", want)
		}
	}
	if strings.Contains(html, "620102198001011239") {
		t.Error("the file shows the ID number in full")
	}
	if strings.Contains(html, "审计不入档") || strings.Contains(html, "view_id_number") {
		t.Error("the file shows an audit record")
	}
	// The reference to the consent and the plan goal name those records.
	if !strings.Contains(html, "知情同意 2026-01-02") || !strings.Contains(html, "计划目标 ") {
		t.Error("references are not shown as the records they name")
	}
	// The note is inside its service record's block, the goal inside the
	// plan's, the member inside the household's.
	for child, parent := range map[string]string{"service_note": "service_record", "plan_goal": "plan", "household_member": "household"} {
		p := strings.Index(html, `data-type="`+parent+`"`)
		k := strings.Index(html, `data-type="`+child+`"`)
		end := strings.Index(html[p+1:], `<section class="jz-cf-section"`)
		if p < 0 || k < p || (end >= 0 && k > p+1+end) {
			t.Errorf("%s is not under its %s", child, parent)
		}
	}
	none := ">" + i18n.T(i18n.ZH, i18n.CaseFileNone) + "<"
	if n := strings.Count(html, none); n != 6 { // assessment, referral, evaluation, follow-up, reopening, team
		t.Errorf("%d sections say none, want 6", n)
	}
	if !strings.Contains(html, `id="casefile-print"`) {
		t.Error("no print button")
	}

	en := render(t, &caseFilePage{page: page{user: "wang", lang: string(i18n.EN)}, id: c, recs: recs, loaded: true, now: now})
	for _, want := range []string{"Case file", "Client and household", "Service records", "Home visit", "Goals met", "Signatures", "Social worker&#39;s signature"} {
		if !strings.Contains(en, want) {
			t.Errorf("the English file lacks %q", want)
		}
	}
	if strings.Contains(en, "服务记录") {
		t.Error("the English file shows a Chinese label")
	}
}

// A case not on the tablet says so; the case page links to its file.
func TestCaseFileMissingAndLinked(t *testing.T) {
	c, recs := caseFileRecords()
	if html := render(t, &caseFilePage{page: page{user: "wang"}, id: c, loaded: true}); !strings.Contains(html, i18n.T(i18n.ZH, i18n.CaseMissing)) {
		t.Error("a missing case's file does not say it is missing")
	}
	html := render(t, &casePage{page: page{user: "wang"}, id: c, rec: recs[0], recs: recs, loaded: true})
	if !strings.Contains(html, `href="/casefile?id=case%2F01J0000000000000000000CASE"`) || !strings.Contains(html, i18n.T(i18n.ZH, i18n.CaseFileLink)) {
		t.Error("the case page has no link to the case file")
	}
	if !IsRoute(caseFilePath) {
		t.Error("/casefile is not a route")
	}
}
