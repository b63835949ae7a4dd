package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/caseindex"
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
	for _, p := range []string{"/", "/cases", "/case", "/review", "/groups", "/community", "/volunteers", "/supervision", "/reports"} {
		if !IsRoute(p) {
			t.Errorf("IsRoute(%q) = false", p)
		}
	}
	for _, p := range []string{"", "/casex", "/cases/", "/nope", "/web/app.wasm"} {
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

// confirmed returns a record as the server confirmed it.
func confirmed(id sync.RecID, fields ...string) *sync.Record {
	r := sync.NewRecord(id)
	for i := 0; i+1 < len(fields); i += 2 {
		r.Apply(sync.Entry{Seq: 1, Change: sync.Change{Rec: id, Field: fields[i], Value: fields[i+1], HLC: sync.MakeHLC(1_700_000_000_000, uint16(i)), By: "u1"}})
	}
	return r
}

// The case list follows the store: confirmed cases from the digests, the
// tablet's unsent edits laid over them, and only what changed on the next
// refresh.
func TestCaseListFollowsStoreAndOutbox(t *testing.T) {
	ctx := context.Background()
	st := local.NewMemStore("dev").WithDigester(&caseindex.Digester)
	a, pa := sync.RecID("case/01J0000000000000000000000A"), sync.RecID("person/01J0000000000000000000000A")
	b := sync.RecID("case/01J0000000000000000000000B")
	root := func(id sync.RecID) []string { return []string{sync.FieldRoot, model.Str(string(id))} }
	recs := []*sync.Record{
		confirmed(a, append(root(a), "title", model.Str("低保个案"), "client", model.Str(string(pa)), "opened", model.Str("2026-01-02"))...),
		confirmed(pa, append(root(a), "name", model.Str("张三"), "id_number", model.Str("62010219800101123X"))...),
		confirmed(b, append(root(b), "title", model.Str("临时救助"), "opened", model.Str("2026-02-03"))...),
	}
	if err := st.SavePage(ctx, sync.ClientMeta{Device: "dev"}, recs, nil); err != nil {
		t.Fatal(err)
	}
	var cl caseList
	idx, err := cl.refresh(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if res := idx.Query(caseindex.Query{Text: "zs"}); res.Total != 1 || res.Rows[0].Root != a || res.Rows[0].Client != "张三" {
		t.Fatalf("zs: %+v", res)
	}
	// A new case made on the tablet, and a new title for b, not yet sent.
	c := sync.RecID("case/01J0000000000000000000000C")
	edit := func(n uint64, rec sync.RecID, field, value string) sync.Change {
		return sync.Change{Op: sync.Op{Device: "dev", Counter: n}, Rec: rec, Field: field, Value: value, HLC: sync.MakeHLC(1_800_000_000_000, uint16(n)), By: "u1"}
	}
	out := []sync.Change{edit(1, c, sync.FieldRoot, model.Str(string(c))), edit(2, c, "title", model.Str("新个案")), edit(3, b, "title", model.Str("临时救助（改）"))}
	if err := st.Enqueue(ctx, sync.ClientMeta{Device: "dev", Counter: 3}, out); err != nil {
		t.Fatal(err)
	}
	if idx, err = cl.refresh(ctx, st); err != nil {
		t.Fatal(err)
	}
	res := idx.Query(caseindex.Query{Limit: 10})
	titles := map[string]bool{}
	for _, r := range res.Rows {
		titles[r.Title] = r.Pending
	}
	if res.Total != 3 || !titles["新个案"] || !titles["临时救助（改）"] || titles["低保个案"] {
		t.Fatalf("with pending edits: %+v", res)
	}
	// The server confirms them: the list is the same, nothing pending.
	recs2 := []*sync.Record{confirmed(c, append(root(c), "title", model.Str("新个案"))...),
		confirmed(b, append(root(b), "title", model.Str("临时救助（改）"), "opened", model.Str("2026-02-03"))...)}
	if err := st.SaveAck(ctx, recs2, []sync.Op{out[0].Op, out[1].Op, out[2].Op}, nil); err != nil {
		t.Fatal(err)
	}
	if idx, err = cl.refresh(ctx, st); err != nil {
		t.Fatal(err)
	}
	res = idx.Query(caseindex.Query{Limit: 10})
	for _, r := range res.Rows {
		if r.Pending {
			t.Errorf("%s still pending after the ack", r.Title)
		}
	}
	if res.Total != 3 {
		t.Fatalf("after the ack: %+v", res)
	}
	html := render(t, &casesPage{page: page{user: "wang"}, idx: idx, res: idx.Query(caseindex.Query{Text: "123X"})})
	for _, want := range []string{"低保个案", "张三 6201**********123X", `for="case-search"`, "共 1 个个案"} {
		if !strings.Contains(html, want) {
			t.Errorf("case list lacks %q", want)
		}
	}
	if strings.Contains(html, "62010219800101123X") {
		t.Error("the list shows a full ID number")
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
