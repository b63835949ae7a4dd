package app

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/account"
	"jiuzhu/shared/api"
	"jiuzhu/shared/i18n"
)

// exportPanel exports, as a spreadsheet, the server's records that the
// user may see (GET /api/export, server/export.go): what, the format and
// the period are chosen here, and the file is saved by the browser. It
// works online only, since the data comes from the server: offline it
// says so and sends nothing. Sensitive values come masked unless "in full"
// is ticked, which the server grants only for the user's own records (or
// their team's, for a supervisor) and audits.
type exportPanel struct {
	goapp.Compo
	// Exporter fetches and saves the file; nil means the browser's
	// (theDevice's token, fetch, a download).
	Exporter exporter

	lang                   string
	what, format, from, to string
	full                   bool
	offline                bool // the browser said it has no network
	busy                   bool
	msg                    string
	failed                 bool
	unsub                  []func()
}

// exporter is what the panel needs from the tablet.
type exporter interface {
	// Token is the open account's session token ("" when none).
	Token() string
	// Online reports whether the browser says it has a network.
	Online() bool
	// Download fetches path with token and saves the answer as a file (it
	// blocks). An error answer is an *account.APIError; no answer is
	// account.ErrNetwork.
	Download(ctx context.Context, path, token string) (exportResult, error)
}

// exportResult is what a saved export holds.
type exportResult struct {
	Name         string
	Rows, Masked int
}

// exportKinds are the choices of what to export, with their labels.
var exportKinds = map[string]i18n.Key{
	api.ExportCases: i18n.ExportCases, api.ExportServices: i18n.ExportServices, api.ExportGroups: i18n.ExportGroups,
	api.ExportSessions: i18n.ExportSessions, api.ExportAttendance: i18n.ExportAttendance,
	api.ExportActivities: i18n.ExportActivities, api.ExportVolunteerHours: i18n.ExportVolunteerHours,
}

func (p *exportPanel) exp() exporter {
	if p.Exporter != nil {
		return p.Exporter
	}
	return browserExporter{}
}

func (p *exportPanel) OnMount(ctx goapp.Context) {
	observeLang(ctx, &p.lang)
	follow := func() { ctx.Dispatch(func(goapp.Context) { p.checkNetwork() }) }
	follow()
	for _, ev := range []string{"online", "offline"} {
		p.unsub = append(p.unsub, onWindowEvent(ev, follow))
	}
}

// checkNetwork follows what the browser says of its network.
func (p *exportPanel) checkNetwork() { p.offline = !p.exp().Online() }

func (p *exportPanel) OnDismount() {
	for _, f := range p.unsub {
		f()
	}
	p.unsub = nil
}

// query is the export the form asks for, as the API's query.
func (p *exportPanel) query() string {
	q := url.Values{"what": {cmp.Or(p.what, api.ExportCases)}, "format": {cmp.Or(p.format, api.ExportXLSX)}}
	if p.from != "" {
		q.Set("from", p.from)
	}
	if p.to != "" {
		q.Set("to", p.to)
	}
	if p.full {
		q.Set("full", "1")
	}
	return "/api/export?" + q.Encode()
}

// start checks the form and the network; it returns the path to fetch and
// the token, or ok false with the reason shown.
func (p *exportPanel) start() (path, token string, ok bool) {
	l := langOf(p.lang)
	p.failed = true
	switch {
	case p.busy:
		return "", "", false
	case p.from != "" && p.to != "" && p.from > p.to:
		p.msg = i18n.T(l, i18n.ExportBadPeriod)
		return "", "", false
	case !p.exp().Online():
		p.offline, p.msg = true, i18n.T(l, i18n.ExportOffline)
		return "", "", false
	}
	if token = p.exp().Token(); token == "" {
		p.msg = i18n.T(l, i18n.ExportNoAccount)
		return "", "", false
	}
	p.busy, p.failed, p.msg = true, false, i18n.T(l, i18n.ExportWorking)
	return p.query(), token, true
}

// finish shows how an export ended.
func (p *exportPanel) finish(res exportResult, err error) {
	l := langOf(p.lang)
	p.busy, p.failed = false, err != nil
	var ae *account.APIError
	switch {
	case errors.Is(err, account.ErrNetwork):
		p.msg = i18n.T(l, i18n.ExportOffline)
	case errors.As(err, &ae) && ae.Body.Message == "":
		p.msg = fmt.Sprintf(i18n.T(l, i18n.ExportFailed), ae.Status)
	case err != nil:
		p.msg = apiErrorText(l, err)
	case res.Masked > 0:
		p.msg = fmt.Sprintf(i18n.T(l, i18n.ExportDoneMasked), res.Rows, res.Name, res.Masked)
	default:
		p.msg = fmt.Sprintf(i18n.T(l, i18n.ExportDone), res.Rows, res.Name)
	}
}

func (p *exportPanel) onSubmit(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	path, token, ok := p.start()
	if !ok {
		return
	}
	exp := p.exp()
	ctx.Async(func() {
		res, err := exp.Download(context.Background(), path, token)
		ctx.Dispatch(func(goapp.Context) { p.finish(res, err) })
	})
}

// valueTo stores a control's value in dst as it changes.
func valueTo(dst *string) goapp.EventHandler {
	return func(ctx goapp.Context, e goapp.Event) { *dst = ctx.JSSrc().Get("value").String() }
}

func (p *exportPanel) Render() ui {
	l := langOf(p.lang)
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	what, format := cmp.Or(p.what, api.ExportCases), cmp.Or(p.format, api.ExportXLSX)
	kinds := make([]ui, 0, len(api.ExportKinds))
	for _, k := range api.ExportKinds {
		kinds = append(kinds, goapp.Option().Value(k).Text(t(exportKinds[k])).Selected(k == what))
	}
	formats := []ui{
		goapp.Option().Value(api.ExportXLSX).Text(t(i18n.ExportXLSX)).Selected(format == api.ExportXLSX),
		goapp.Option().Value(api.ExportCSV).Text(t(i18n.ExportCSV)).Selected(format == api.ExportCSV),
	}
	body := []ui{
		goapp.H2().ID("export-title").Text(t(i18n.ExportTitle)),
		goapp.P().Class("jz-hint").Text(t(i18n.ExportIntro)),
	}
	if p.offline {
		body = append(body, goapp.P().ID("export-offline").Class("jz-error").Text(t(i18n.ExportOffline)))
	}
	form := goapp.Form().ID("export-form").Class("jz-form").OnSubmit(p.onSubmit).Body(
		labeled("export-what", t(i18n.ExportWhat), goapp.Select().ID("export-what").OnChange(valueTo(&p.what)).Body(kinds...)),
		labeled("export-format", t(i18n.ExportFormat), goapp.Select().ID("export-format").OnChange(valueTo(&p.format)).Body(formats...)),
		labeled("export-from", t(i18n.ExportFrom), goapp.Input().ID("export-from").Type("date").Value(p.from).OnChange(valueTo(&p.from))),
		labeled("export-to", t(i18n.ExportTo), goapp.Input().ID("export-to").Type("date").Value(p.to).OnChange(valueTo(&p.to))),
		goapp.P().Class("jz-hint").Text(t(i18n.ExportPeriodHint)),
		goapp.Div().Class("jz-field").Body(
			goapp.Label().For("export-full").Body(
				goapp.Input().ID("export-full").Type("checkbox").Checked(p.full).
					OnChange(func(ctx goapp.Context, e goapp.Event) { p.full = ctx.JSSrc().Get("checked").Bool() }),
				goapp.Text(" "+t(i18n.ExportFull)),
			),
			goapp.P().Class("jz-hint").Text(t(i18n.ExportFullHint)),
		),
		goapp.Button().ID("export-go").Type("submit").Disabled(p.busy).Text(t(i18n.ExportButton)),
	)
	body = append(body, form, goapp.P().Class("jz-hint").Text(t(i18n.ExportCare)))
	if p.msg != "" {
		class := "jz-hint"
		if p.failed {
			class = "jz-error"
		}
		body = append(body, goapp.P().ID("export-msg").Class(class).Aria("live", "polite").Text(p.msg))
	}
	return goapp.Section().ID("export-panel").Class("jz-export").Body(body...)
}

// browserExporter exports with the open account's token, the browser's
// fetch and a download (web/static/jiuzhu.js, jiuzhuExport).
type browserExporter struct{}

func (browserExporter) Token() string {
	if theDevice == nil {
		return ""
	}
	return theDevice.Token()
}

func (browserExporter) Online() bool {
	return !goapp.IsClient || goapp.Window().Get("navigator").Get("onLine").Bool()
}

func (browserExporter) Download(ctx context.Context, path, token string) (exportResult, error) {
	if !goapp.IsClient {
		return exportResult{}, account.ErrNetwork
	}
	v, err := awaitJS(ctx, goapp.Window().Call("jiuzhuExport", path, token))
	if err != nil {
		return exportResult{}, account.ErrNetwork
	}
	if status := v.Get("status").Int(); status < 200 || status > 299 {
		e := &account.APIError{Status: status}
		json.Unmarshal([]byte(v.Get("text").String()), &e.Body)
		return exportResult{}, e
	}
	return exportResult{Name: v.Get("name").String(), Rows: v.Get("rows").Int(), Masked: v.Get("masked").Int()}, nil
}
