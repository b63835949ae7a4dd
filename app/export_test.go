package app

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/account"
	"jiuzhu/shared/api"
	"jiuzhu/shared/i18n"
)

// fakeExporter stands for the browser: a token, a network, and a server
// that answers with res or err.
type fakeExporter struct {
	token   string
	offline bool
	res     exportResult
	err     error
	paths   []string
}

func (f *fakeExporter) Token() string { return f.token }
func (f *fakeExporter) Online() bool  { return !f.offline }
func (f *fakeExporter) Download(_ context.Context, path, token string) (exportResult, error) {
	f.paths = append(f.paths, path+" "+token)
	return f.res, f.err
}

func loadExport(t *testing.T, p *exportPanel) {
	t.Helper()
	e := goapp.NewTestEngine()
	if err := e.Load(p); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
}

// run does what a click on Export does, without the event.
func (p *exportPanel) run() bool {
	path, token, ok := p.start()
	if !ok {
		return false
	}
	res, err := p.exp().Download(context.Background(), path, token)
	p.finish(res, err)
	return true
}

// The panel offers every kind with its label, each control labelled, and
// the note on sensitive values.
func TestExportPanelForm(t *testing.T) {
	for _, l := range []i18n.Lang{i18n.ZH, i18n.EN} {
		p := &exportPanel{Exporter: &fakeExporter{token: "tok"}, lang: string(l)}
		loadExport(t, p)
		page := goapp.HTMLString(p.Render())
		for _, id := range []string{"export-what", "export-format", "export-from", "export-to", "export-full"} {
			if !strings.Contains(page, `for="`+id+`"`) || !strings.Contains(page, `id="`+id+`"`) {
				t.Errorf("%s: control %s has no label tied to it", l, id)
			}
		}
		for _, k := range api.ExportKinds {
			if !strings.Contains(page, `value="`+k+`"`) || !strings.Contains(page, html.EscapeString(i18n.T(l, exportKinds[k]))) {
				t.Errorf("%s: kind %s not offered", l, k)
			}
		}
		for _, k := range []i18n.Key{i18n.ExportTitle, i18n.ExportXLSX, i18n.ExportCSV, i18n.ExportFullHint, i18n.ExportButton, i18n.ExportCare} {
			if !strings.Contains(page, html.EscapeString(i18n.T(l, k))) {
				t.Errorf("%s: no %s", l, k)
			}
		}
	}
}

// Offline the panel says at once that exporting needs the network.
func TestExportPanelOffline(t *testing.T) {
	p := &exportPanel{Exporter: &fakeExporter{token: "tok", offline: true}}
	loadExport(t, p)
	p.checkNetwork() // OnMount does this in the browser, and again on online and offline events
	if html := goapp.HTMLString(p.Render()); !strings.Contains(html, `id="export-offline"`) ||
		!strings.Contains(html, i18n.T(i18n.ZH, i18n.ExportOffline)) {
		t.Errorf("offline panel:\n%s", html)
	}
	p = &exportPanel{Exporter: &fakeExporter{token: "tok"}}
	loadExport(t, p)
	p.checkNetwork()
	if html := goapp.HTMLString(p.Render()); strings.Contains(html, `id="export-offline"`) {
		t.Error("online panel says it is offline")
	}
}

// A click asks the server for what the form says, with the token, and
// tells how many rows were saved and how many masked; errors and the
// network's absence are said, and nothing is sent offline.
func TestExportPanelRuns(t *testing.T) {
	f := &fakeExporter{token: "tok", res: exportResult{Name: "救助社工-服务记录-2026-02-01至2026-02-28.csv", Rows: 12, Masked: 3}}
	p := &exportPanel{Exporter: f}
	loadExport(t, p)
	p.what, p.format, p.from, p.to, p.full = api.ExportServices, api.ExportCSV, "2026-02-01", "2026-02-28", true
	if !p.run() {
		t.Fatalf("did not export: %s", p.msg)
	}
	u, err := url.Parse(strings.Fields(f.paths[0])[0])
	if err != nil || u.Path != "/api/export" || strings.Fields(f.paths[0])[1] != "tok" {
		t.Fatalf("fetched %q", f.paths)
	}
	q := u.Query()
	if q.Get("what") != "services" || q.Get("format") != "csv" || q.Get("from") != "2026-02-01" || q.Get("to") != "2026-02-28" || q.Get("full") != "1" {
		t.Errorf("query %v", q)
	}
	if want := fmt.Sprintf(i18n.T(i18n.ZH, i18n.ExportDoneMasked), 12, f.res.Name, 3); p.msg != want || p.failed || p.busy {
		t.Errorf("message %q (failed %v, busy %v), want %q", p.msg, p.failed, p.busy, want)
	}
	if html := goapp.HTMLString(p.Render()); !strings.Contains(html, `id="export-msg"`) {
		t.Error("the outcome is not shown")
	}

	// Defaults: cases as XLSX, everything, masked.
	f.paths, f.res = nil, exportResult{Name: "a.xlsx", Rows: 2}
	*p = exportPanel{Compo: p.Compo, Exporter: f}
	p.run()
	if f.paths[0] != "/api/export?format=xlsx&what=cases tok" || p.msg != fmt.Sprintf(i18n.T(i18n.ZH, i18n.ExportDone), 2, "a.xlsx") {
		t.Errorf("defaults: fetched %q, message %q", f.paths, p.msg)
	}

	for _, c := range []struct {
		name     string
		set      func(p *exportPanel, f *fakeExporter)
		want     string
		download bool
	}{
		{"period backwards", func(p *exportPanel, f *fakeExporter) { p.from, p.to = "2026-03-01", "2026-02-01" },
			i18n.T(i18n.ZH, i18n.ExportBadPeriod), false},
		{"offline", func(p *exportPanel, f *fakeExporter) { f.offline = true }, i18n.T(i18n.ZH, i18n.ExportOffline), false},
		{"no account", func(p *exportPanel, f *fakeExporter) { f.token = "" }, i18n.T(i18n.ZH, i18n.ExportNoAccount), false},
		{"network lost", func(p *exportPanel, f *fakeExporter) { f.err = account.ErrNetwork }, i18n.T(i18n.ZH, i18n.ExportOffline), true},
		{"refused", func(p *exportPanel, f *fakeExporter) {
			f.err = &account.APIError{Status: 400, Body: api.Error{Code: "too_many_rows", Message: "导出内容超过 100000 行。", En: "Too many rows."}}
		}, "导出内容超过 100000 行。", true},
		{"refused in English", func(p *exportPanel, f *fakeExporter) {
			p.lang = string(i18n.EN)
			f.err = &account.APIError{Status: 400, Body: api.Error{Code: "too_many_rows", Message: "导出内容超过 100000 行。", En: "Too many rows."}}
		}, "Too many rows.", true},
		{"server broken", func(p *exportPanel, f *fakeExporter) { f.err = &account.APIError{Status: 502} },
			fmt.Sprintf(i18n.T(i18n.ZH, i18n.ExportFailed), 502), true},
	} {
		f := &fakeExporter{token: "tok"}
		p := &exportPanel{Exporter: f}
		c.set(p, f)
		p.run()
		if p.msg != c.want || !p.failed || p.busy || (len(f.paths) == 1) != c.download {
			t.Errorf("%s: message %q failed %v busy %v fetched %q; want %q", c.name, p.msg, p.failed, p.busy, f.paths, c.want)
		}
	}

	// On the server (prerendering), with no device, the panel renders and
	// a click sends nothing.
	q2 := &exportPanel{}
	if html := goapp.HTMLString(q2.Render()); !strings.Contains(html, `id="export-form"`) {
		t.Errorf("prerendered panel:\n%s", html)
	}
	if q2.run() {
		t.Error("exported without a device")
	}
}
