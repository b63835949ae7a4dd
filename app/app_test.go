package app

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/local"
	"jiuzhu/app/syncer"
	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// render loads c into go-app's test engine and returns the HTML it produces.
func render(t *testing.T, c goapp.Composer) string {
	t.Helper()
	e := goapp.NewTestEngine()
	if err := e.Load(c); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	return goapp.HTMLString(c)
}

func TestHomeLinksEverySection(t *testing.T) {
	html := render(t, &homePage{page: page{user: "wang"}})
	for _, s := range Sections {
		if !strings.Contains(html, `href="`+s.Path+`"`) {
			t.Errorf("home has no link to %s", s.Path)
		}
		if !strings.Contains(html, i18n.T(i18n.ZH, s.Title)) {
			t.Errorf("home lacks the title of %s", s.Path)
		}
	}
	if !strings.Contains(html, i18n.T(i18n.ZH, i18n.HomeWelcome)) {
		t.Error("home lacks its heading")
	}
}

func TestPagesInEnglish(t *testing.T) {
	html := render(t, &sectionPage{Section: Sections[0], page: page{lang: string(i18n.EN), user: "wang"}})
	for _, want := range []string{"Cases", "There are no records on this device yet.", `aria-current="page"`} {
		if !strings.Contains(html, want) {
			t.Errorf("English cases page lacks %q", want)
		}
	}
	if strings.Contains(html, "没有记录") {
		t.Error("English page shows Chinese text")
	}
}

func TestNotFoundPage(t *testing.T) {
	html := render(t, &notFoundPage{page: page{user: "wang"}})
	if !strings.Contains(html, i18n.T(i18n.ZH, i18n.NotFoundTitle)) || !strings.Contains(html, `href="/"`) {
		t.Errorf("not-found page lacks its title or the way home:\n%s", html)
	}
}

func TestIsRoute(t *testing.T) {
	for _, p := range []string{"/", "/cases", "/groups", "/community", "/volunteers", "/supervision", "/reports"} {
		if !IsRoute(p) {
			t.Errorf("IsRoute(%q) = false", p)
		}
	}
	for _, p := range []string{"", "/case", "/cases/", "/nope", "/web/app.wasm"} {
		if IsRoute(p) {
			t.Errorf("IsRoute(%q) = true", p)
		}
	}
}

func TestUpdateBanner(t *testing.T) {
	if html := render(t, &updateBanner{}); strings.Contains(html, "update-banner") {
		t.Error("banner shown with no update")
	}
	html := render(t, &updateBanner{available: true, lang: string(i18n.EN)})
	if !strings.Contains(html, "A new version is available") || !strings.Contains(html, "Reload") {
		t.Errorf("banner = %s", html)
	}
}

// With no account open every page is the login screen.
func TestPagesNeedAnAccount(t *testing.T) {
	for _, c := range []goapp.Composer{&homePage{}, &sectionPage{Section: Sections[2]}, &notFoundPage{}} {
		html := render(t, c)
		if !strings.Contains(html, `id="login-form"`) || strings.Contains(html, `id="main"`) {
			t.Errorf("%T without an account:\n%s", c, html)
		}
	}
}

// Device events reach subscribers, the latest one at once.
func TestBroadcaster(t *testing.T) {
	var b broadcaster
	b.publish(func(e *deviceEvent) { e.account = "wang" })
	var got []string
	unsub := b.subscribe(func(e deviceEvent) { got = append(got, e.account) })
	b.publish(func(e *deviceEvent) { e.account = "" })
	unsub()
	b.publish(func(e *deviceEvent) { e.account = "li" })
	if strings.Join(got, ",") != "wang," {
		t.Errorf("events %q; want wang then empty, nothing after unsubscribing", got)
	}
}

func TestSyncBadge(t *testing.T) {
	for _, c := range []struct {
		st   syncer.Status
		want []string
	}{
		{syncer.Status{State: syncer.UpToDate}, []string{"已同步", "online"}},
		{syncer.Status{State: syncer.Offline, Pending: 3, Err: "dial failed"}, []string{"离线", "3 条修改待发送", "dial failed"}},
		{syncer.Status{State: syncer.UpToDate, Rejected: 2, LastSync: time.Date(2026, 11, 28, 9, 30, 0, 0, time.Local)}, []string{"2 条修改被服务器拒绝", "上次同步 2026-11-28 09:30"}},
		{syncer.Status{State: syncer.Unauthorized}, []string{"登录已过期"}},
		{syncer.Status{State: syncer.Revoked}, []string{"本机数据已清除"}},
	} {
		html := goapp.HTMLString(syncBadge(i18n.ZH, c.st))
		for _, w := range c.want {
			if !strings.Contains(html, w) {
				t.Errorf("status %+v: badge %s lacks %q", c.st, html, w)
			}
		}
	}
}

func TestConflictViewsAndReviewPage(t *testing.T) {
	target := sync.RecID("case/01J0000000000000000000000A")
	mk := func(id string, resolved bool) *sync.Record {
		r := &sync.Record{ID: sync.RecID(id), Fields: map[string]sync.FieldState{}}
		set := func(f, v string) { r.Fields[f] = sync.FieldState{Value: v} }
		set(sync.ConflictRec, model.Str(string(target)))
		set(sync.ConflictField, model.Str("title"))
		set(sync.ConflictKind, model.Str(sync.KindEdit))
		set(sync.ConflictOpA, model.Str("deva:3"))
		set(sync.ConflictByA, model.Str("u1"))
		set(sync.ConflictValueA, model.Str("标题A"))
		set(sync.ConflictOpB, model.Str("devb:7"))
		set(sync.ConflictByB, model.Str("u2"))
		set(sync.ConflictValueB, model.Str("标题B"))
		set(sync.ConflictWinner, model.Str("devb:7"))
		if resolved {
			set(sync.ConflictResolved, sync.ValueTrue)
		}
		return r
	}
	views := conflictViews([]*sync.Record{mk("conflict/01J0000000000000000000000B", false), mk("conflict/01J0000000000000000000000C", true)})
	if len(views) != 1 || views[0].winner != 1 || views[0].sides[0].value != model.Str("标题A") || views[0].target != target {
		t.Fatalf("views %+v", views)
	}
	p := &reviewPage{page: page{user: "wang"}, conflicts: views, me: "u1"}
	html := render(t, p)
	for _, want := range []string{"个案 · 个案名称", "标题A", "标题B", "我 · deva:3", "当前采用", `data-side="1"`, `for="edit-0"`} {
		if !strings.Contains(html, want) {
			t.Errorf("review page lacks %q", want)
		}
	}
	if !textField(target, "title") || textField(target, "opened") {
		t.Error("textField")
	}
}

func TestCaseRows(t *testing.T) {
	older := &sync.Record{ID: "case/01J0000000000000000000000A", Fields: map[string]sync.FieldState{
		"title": {Value: model.Str("旧个案")}, "opened": {Value: model.Str("2026-01-02")}}}
	newer := &sync.Record{ID: "case/01J0000000000000000000000B", Fields: map[string]sync.FieldState{
		"title": {Value: model.Str("新个案")}}}
	gone := &sync.Record{ID: "case/01J0000000000000000000000C", Fields: map[string]sync.FieldState{
		"title": {Value: model.Str("删掉的")}, sync.FieldDeleted: {Value: sync.ValueTrue}}}
	for _, r := range []*sync.Record{older, newer, gone} {
		r.Fields[sync.FieldRoot] = sync.FieldState{Value: model.Str(string(r.ID))}
	}
	partial := &sync.Record{ID: "case/01J0000000000000000000000D", Fields: map[string]sync.FieldState{"title": {Value: model.Str("只有待同步的修改")}}}
	rows := caseRows([]*sync.Record{older, newer, gone, partial}, []sync.Change{{Rec: newer.ID}})
	if len(rows) != 2 || rows[0].title != "新个案" || !rows[0].pending || rows[1].pending || rows[1].opened != "2026-01-02" {
		t.Errorf("rows %+v", rows)
	}
}

func TestSaveError(t *testing.T) {
	full := fmt.Errorf("edit: %w", &local.Error{Op: "enqueue", Err: local.ErrQuota})
	if got := saveError(i18n.ZH, full); !strings.Contains(got, "存储空间已满") || !strings.Contains(got, "之前保存的都还在") {
		t.Errorf("quota: %q", got)
	}
	if got := saveError(i18n.EN, errors.New("boom")); got != "Not saved: boom" {
		t.Errorf("other: %q", got)
	}
}
