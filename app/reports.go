package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/account"
	"jiuzhu/app/local"
	"jiuzhu/app/syncer"
	"jiuzhu/shared/api"
	"jiuzhu/shared/i18n"
	"jiuzhu/shared/report"
	"jiuzhu/shared/sync"
)

// reportsPath is the reports page:
// /reports?period=month|year|all|custom&from=&to=&src=device|server&org=.
// The report of the tablet's own records works offline; supervisors and
// administrators, online, can ask the server for the report of everything
// they may see, narrowed to an org unit (GET /api/reports).
const reportsPath = "/reports"

// Report sources and periods, as the page's address names them.
const (
	srcDevice     = "device"
	srcServer     = "server"
	periodMonth   = "month"
	periodYear    = "year"
	periodAll     = "all"
	periodCustom  = "custom"
	defaultPeriod = periodMonth
)

// reportQuery is what the page's address asks for.
type reportQuery struct {
	period, from, to string // from and to: a custom period's days
	src, org         string
}

func reportQueryOf(q url.Values) reportQuery {
	r := reportQuery{period: q.Get("period"), from: q.Get("from"), to: q.Get("to"), src: q.Get("src"), org: q.Get("org")}
	switch r.period {
	case periodMonth, periodYear, periodAll, periodCustom:
	default:
		r.period = defaultPeriod
	}
	if r.period != periodCustom {
		r.from, r.to = "", ""
	}
	if r.src != srcServer {
		r.src, r.org = srcDevice, ""
	}
	return r
}

// url is the page's address for q.
func (q reportQuery) url() string {
	v := url.Values{"period": {q.period}, "src": {q.src}}
	if q.period == periodCustom {
		v.Set("from", q.from)
		v.Set("to", q.to)
	}
	if q.src == srcServer && q.org != "" {
		v.Set("org", q.org)
	}
	return reportsPath + "?" + v.Encode()
}

// span is the period q covers on the day now: this month or year, all
// time, or the custom days.
func (q reportQuery) span(now time.Time) report.Period {
	p := report.Period{Today: now.Format(time.DateOnly)}
	y, m, _ := now.Date()
	switch q.period {
	case periodMonth:
		first := time.Date(y, m, 1, 0, 0, 0, 0, now.Location())
		p.From, p.To = first.Format(time.DateOnly), first.AddDate(0, 1, -1).Format(time.DateOnly)
	case periodYear:
		p.From, p.To = time.Date(y, 1, 1, 0, 0, 0, 0, now.Location()).Format(time.DateOnly), time.Date(y, 12, 31, 0, 0, 0, 0, now.Location()).Format(time.DateOnly)
	case periodCustom:
		p.From, p.To = q.from, q.to
	}
	return p
}

// reportsPage shows a report, its period and where its records come from.
type reportsPage struct {
	goapp.Compo
	page
	q      reportQuery
	rep    *report.Report
	loaded bool
	err    error
	// staff: the account roleFor is a supervisor's or an administrator's
	// (known once the server has said so; kept across the page's
	// navigations).
	staff   bool
	roleFor string
	sync    syncer.Status
	// pageCtx is the page's own context (from OnNav; navved once set):
	// reloads run on it, not on the context of an element that a reload
	// may replace.
	pageCtx goapp.Context
	navved  bool
	// busy: the tablet's report is being computed; again: compute it
	// again once done (sync rounds come faster than a large caseload's
	// report).
	busy, again bool
}

func (p *reportsPage) OnMount(ctx goapp.Context) {
	p.mount(ctx)
	// the tablet's report follows what sync brings
	ctx.ObserveState(stateSync, &p.sync).OnChange(func() {
		if !p.navved {
			return
		}
		if p.roleFor != p.user {
			p.checkRole(p.pageCtx) // the account opened since, or the server is back
		}
		if p.q.src == srcDevice {
			p.load(p.pageCtx)
		}
	})
}

func (p *reportsPage) OnNav(ctx goapp.Context) {
	q := reportQueryOf(ctx.Page().URL().Query())
	*p = reportsPage{Compo: p.Compo, page: p.page, q: q, staff: p.staff, roleFor: p.roleFor, sync: p.sync, pageCtx: ctx, navved: true, busy: p.busy}
	setTitle(ctx, langOf(p.lang), i18n.NavReports)
	p.checkRole(ctx)
	p.load(ctx)
}

// checkRole asks the server, when it can be reached, whether the account
// may see reports of others' records.
func (p *reportsPage) checkRole(ctx goapp.Context) {
	token, user := theDevice.Token(), p.user
	if token == "" {
		return
	}
	ctx.Async(func() {
		var me api.Me
		if err := account.GetJSON(context.Background(), "/api/me", token, &me); err != nil {
			return // offline: as it was
		}
		staff := me.User.Role == "supervisor" || me.User.Role == "admin"
		ctx.Dispatch(func(goapp.Context) { p.staff, p.roleFor = staff, user })
	})
}

// isStaff reports whether the open account is known to be a supervisor's
// or an administrator's.
func (p *reportsPage) isStaff() bool { return p.staff && p.roleFor == p.user && p.user != "" }

// load computes the tablet's report or fetches the server's. The report on
// screen stays until the next one is ready.
func (p *reportsPage) load(ctx goapp.Context) {
	q := p.q
	per := q.span(time.Now())
	err := per.Check()
	if err == nil && q.period == periodCustom && (per.From == "" || per.To == "") {
		err = report.ErrBadDate
	}
	if err != nil {
		p.loaded, p.err, p.rep = true, err, nil
		return
	}
	// show is run on the UI goroutine with the report made for q.
	show := func(r *report.Report, err error) {
		if p.q == q {
			p.loaded, p.err = true, err
			if err == nil {
				p.rep = r
			}
		}
	}
	if q.src == srcServer {
		p.fetch(ctx, per, show)
		return
	}
	st := theDevice.Store()
	if st == nil {
		p.loaded = true
		return
	}
	if p.busy {
		p.again = true
		return
	}
	p.busy = true
	ctx.Async(func() {
		r, err := deviceReport(context.Background(), st, per)
		ctx.Dispatch(func(goapp.Context) {
			p.busy = false
			show(r, err)
			if p.again {
				p.again = false
				p.load(p.pageCtx)
			}
		})
	})
}

// deviceReport computes the report of the tablet's records: those
// confirmed by the server with the tablet's unsent edits on top.
func deviceReport(c context.Context, st local.Store, per report.Period) (*report.Report, error) {
	// the outbox first: a sync round landing between the reads then shows
	// in the records rather than in neither (see readList)
	out, err := st.Outbox(c)
	if err != nil {
		return nil, err
	}
	var recs []*sync.Record
	for _, typ := range report.Types {
		list, err := st.ListType(c, typ)
		if err != nil {
			goapp.Log("jiuzhu: reports:", err)
			return nil, err
		}
		recs = append(recs, sync.WithPending(list, out, typ)...)
	}
	r := report.Compute(registry, recs, per)
	return &r, nil
}

// fetch asks the server for its report of per (and the org unit asked
// for) and hands it to show on the UI goroutine.
func (p *reportsPage) fetch(ctx goapp.Context, per report.Period, show func(*report.Report, error)) {
	token := theDevice.Token()
	if token == "" {
		p.loaded = true
		return
	}
	v := url.Values{}
	for k, x := range map[string]string{"from": per.From, "to": per.To, "org": p.q.org} {
		if x != "" {
			v.Set(k, x)
		}
	}
	ctx.Async(func() {
		c := context.Background()
		divisions.load(c, "top") // the org unit is named from the division tables
		var r report.Report
		err := account.GetJSON(c, "/api/reports?"+v.Encode(), token, &r)
		ctx.Dispatch(func(goapp.Context) { show(&r, err) })
	})
}

// errText says what went wrong, in l.
func (p *reportsPage) errText(l i18n.Lang) string {
	switch {
	case errors.Is(p.err, report.ErrBadDate), errors.Is(p.err, report.ErrBadRange):
		return i18n.T(l, i18n.RepBadPeriod)
	case errors.Is(p.err, account.ErrNetwork):
		return i18n.T(l, i18n.RepOffline)
	}
	return apiErrorText(l, p.err)
}

// onCustom makes the report of the days typed in.
func (p *reportsPage) onCustom(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	q := p.q
	q.period, q.from, q.to = periodCustom, value("rep-from"), value("rep-to")
	if q.src == srcServer {
		q.org = pickedOrg()
	}
	ctx.Navigate(q.url())
}

// onFetch asks the server for the report of the org unit picked.
func (p *reportsPage) onFetch(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	q := p.q
	q.src, q.org = srcServer, pickedOrg()
	if q.url() == p.q.url() && p.navved {
		p.loaded = false
		p.load(p.pageCtx) // the same address: ask again
		return
	}
	ctx.Navigate(q.url())
}

// pickedOrg is the org unit picked for the server's report: "" when
// nothing is picked below the province (all that one may see).
func pickedOrg() string {
	org := anyToEmpty(value("rep-org"))
	if org == province {
		return ""
	}
	return org
}

func (p *reportsPage) onPrint(ctx goapp.Context, e goapp.Event) {
	goapp.Window().Call("print")
}

func (p *reportsPage) Render() ui { return p.gate(p.render) }

func (p *reportsPage) render(l i18n.Lang) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	body := []ui{goapp.H1().ID("page-title").Text(t(i18n.NavReports))}
	body = append(body, p.controls(l)...)
	switch {
	case !p.loaded:
		body = append(body, goapp.P().ID("rep-loading").Class("jz-hint").Text(t(i18n.AppLoading)))
	case p.err != nil:
		body = append(body, goapp.P().ID("rep-error").Class("jz-error").Attr("role", "alert").Text(p.errText(l)))
	case p.rep != nil:
		head := []ui{}
		if p.q.src == srcServer {
			org := t(i18n.RepOrgAll)
			if p.q.org != "" {
				org = divisions.name(p.q.org)
			}
			head = append(head, goapp.H2().ID("rep-heading").Text(fmt.Sprintf(t(i18n.RepServerHeading), org)))
		}
		from, to := cmp.Or(p.rep.From, t(i18n.RepFirst)), cmp.Or(p.rep.To, t(i18n.RepLast))
		head = append(head, goapp.P().ID("rep-range").Class("jz-rep-range").Text(
			fmt.Sprintf(t(i18n.RepRange), from, to)+" · "+fmt.Sprintf(t(i18n.RepAsOf), p.rep.Today)))
		body = append(body, head...)
		body = append(body, reportView(l, p.rep, p.q.src))
	}
	// The records themselves, as spreadsheets, from the server (online).
	body = append(body, &exportPanel{})
	return frame(l, reportsPath, body...)
}

// controls are the choice of records (tablet or server), of period and,
// for the server, of org unit, and the print button.
func (p *reportsPage) controls(l i18n.Lang) []ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	link := func(id string, label i18n.Key, q reportQuery, current bool) ui {
		a := goapp.A().ID(id).Class("button secondary").Href(q.url()).Text(t(label))
		if current {
			a = a.Class("jz-current").Aria("current", "true")
		}
		return a
	}
	var out []ui
	if p.isStaff() || p.q.src == srcServer {
		dev, srv := p.q, p.q
		dev.src, dev.org = srcDevice, ""
		srv.src = srcServer
		out = append(out, goapp.Div().Class("jz-actions jz-rep-source").Role("group").Aria("label", t(i18n.RepSource)).Body(
			link("rep-src-device", i18n.RepDevice, dev, p.q.src == srcDevice),
			link("rep-src-server", i18n.RepServer, srv, p.q.src == srcServer),
		))
	}
	note := i18n.RepDeviceNote
	if p.q.src == srcServer {
		note = i18n.RepServerNote
	}
	out = append(out, goapp.P().ID("rep-note").Class("jz-hint").Text(t(note)))
	var periods []ui
	for _, c := range []struct {
		period string
		label  i18n.Key
	}{{periodMonth, i18n.RepMonth}, {periodYear, i18n.RepYear}, {periodAll, i18n.RepAll}} {
		q := p.q
		q.period, q.from, q.to = c.period, "", ""
		periods = append(periods, link("rep-period-"+c.period, c.label, q, p.q.period == c.period))
	}
	out = append(out, goapp.Div().Class("jz-actions jz-rep-controls").Role("group").Aria("label", t(i18n.RepPeriod)).Body(periods...))
	from, to := goapp.Input().ID("rep-from").Type("date"), goapp.Input().ID("rep-to").Type("date")
	if p.q.from != "" {
		from = from.Value(p.q.from)
	}
	if p.q.to != "" {
		to = to.Value(p.q.to)
	}
	custom := []ui{
		labeled("rep-from", t(i18n.RepFrom), from),
		labeled("rep-to", t(i18n.RepTo), to),
	}
	if p.q.src == srcServer {
		custom = append(custom, &divisionPicker{ID: "rep-org", Label: t(i18n.RepOrg), Value: p.q.org, Levels: 3})
	}
	apply := goapp.Button().ID("rep-apply").Type("submit").Text(t(i18n.RepApply))
	if p.q.period == periodCustom {
		apply = apply.Class("jz-current")
	}
	custom = append(custom, apply)
	out = append(out, goapp.Form().ID("rep-custom").Class("jz-inline-form jz-rep-controls").OnSubmit(p.onCustom).Body(custom...))
	if p.q.src == srcServer {
		out = append(out, goapp.Div().Class("jz-actions jz-rep-controls").Body(
			goapp.Button().ID("rep-fetch").Type("button").Class("secondary").Text(t(i18n.RepFetch)).OnClick(p.onFetch)))
	}
	out = append(out, goapp.Div().Class("jz-actions jz-rep-controls").Body(
		goapp.Button().ID("rep-print").Type("button").Class("secondary").Text(t(i18n.RepPrint)).OnClick(p.onPrint)))
	return out
}
