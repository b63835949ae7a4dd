package app

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/account"
	"jiuzhu/shared/api"
	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
)

// adminPath is the administration page: /admin?tab=users|devices|assign|audit|retention.
// It works online only (it is the server's data); administrators manage the
// users of their org unit, supervisors read their team's.
const adminPath = "/admin"

var adminTabs = []struct {
	tab   string
	label i18n.Key
}{{"users", i18n.AdminUsers}, {"devices", i18n.AdminDevices}, {"assign", i18n.AdminAssign}, {"audit", i18n.AdminAudit}, {"retention", i18n.RetentionTab}}

// adminPage is the administration page.
type adminPage struct {
	goapp.Compo
	page
	tab     string
	me      api.Me
	users   []api.AdminUser
	devices []api.AdminDevice
	roots   []api.AdminRoot
	audit   []api.AuditEntry
	from    string // assign: whose roots are listed
	loaded  bool
	err     string
	msg     string
	// pageCtx is the page's own context (from OnNav): reloads after an
	// action run on it, not on the context of the element clicked, which
	// a reload may replace (updates dispatched on a removed element's
	// context are dropped).
	pageCtx goapp.Context
	// retention: the archived files whose retention has run out (retention.go)
	retention []api.RetentionRoot
}

func (p *adminPage) OnMount(ctx goapp.Context) { p.mount(ctx) }

func (p *adminPage) OnNav(ctx goapp.Context) {
	q := ctx.Page().URL().Query()
	*p = adminPage{Compo: p.Compo, page: p.page, tab: q.Get("tab"), from: q.Get("from"), pageCtx: ctx}
	if p.tab == "" {
		p.tab = "users"
	}
	setTitle(ctx, langOf(p.lang), i18n.NavAdmin)
	p.load(ctx, q)
}

// call runs a server call off the UI goroutine and reloads the tab after.
func (p *adminPage) call(ctx goapp.Context, f func(c context.Context, token string) error, done string) {
	token, l := theDevice.Token(), langOf(p.lang)
	ctx.Async(func() {
		err := f(context.Background(), token)
		ctx.Dispatch(func(ctx goapp.Context) {
			if err != nil {
				p.msg = apiErrorText(l, err)
				return
			}
			p.msg = done
			p.load(p.pageCtx, ctx.Page().URL().Query())
		})
	})
}

func (p *adminPage) load(ctx goapp.Context, q url.Values) {
	token, tab, from := theDevice.Token(), p.tab, p.from
	if token == "" {
		p.loaded = true
		return
	}
	l := langOf(p.lang)
	ctx.Async(func() {
		c := context.Background()
		var me api.Me
		var users []api.AdminUser
		var devices []api.AdminDevice
		var roots []api.AdminRoot
		var audit []api.AuditEntry
		var retention []api.RetentionRoot
		divisions.load(c, "top") // org units are named from the division tables
		err := account.GetJSON(c, "/api/me", token, &me)
		if err == nil {
			err = account.GetJSON(c, "/api/admin/users", token, &users)
		}
		if err == nil {
			switch tab {
			case "devices":
				err = account.GetJSON(c, "/api/admin/devices", token, &devices)
			case "assign":
				if from != "" {
					err = account.GetJSON(c, "/api/admin/roots?user="+url.QueryEscape(from), token, &roots)
				}
			case "audit":
				aq := url.Values{}
				for _, k := range []string{"user", "action", "target", "from", "to", "before"} {
					if v := q.Get("a-" + k); v != "" {
						aq.Set(k, v)
					}
				}
				aq.Set("limit", "200")
				err = account.GetJSON(c, "/api/admin/audit?"+aq.Encode(), token, &audit)
			case "retention":
				err = account.GetJSON(c, "/api/admin/retention", token, &retention)
			}
		}
		ctx.Dispatch(func(goapp.Context) {
			if p.tab != tab {
				return
			}
			p.loaded, p.me, p.users, p.devices, p.roots, p.audit, p.err = true, me, users, devices, roots, audit, ""
			p.retention = retention
			if err != nil {
				p.err = apiErrorText(l, err)
			}
		})
	})
}

// orgValue reads an org unit picked in a division picker: nothing picked
// below the province is the province.
func orgValue(id string) string {
	if v := value(id); v != "" {
		return v
	}
	return province
}

// value reads a control's value by id.
func value(id string) string {
	el := goapp.Window().Get("document").Call("getElementById", id)
	if !el.Truthy() {
		return ""
	}
	return strings.TrimSpace(el.Get("value").String())
}

func (p *adminPage) onAddUser(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	req := api.NewUserRequest{Name: value("nu-name"), Password: value("nu-password"), Role: value("nu-role"), Team: value("nu-team"), Org: orgValue("nu-org")}
	p.call(ctx, func(c context.Context, token string) error {
		return account.SendJSON(c, "POST", "/api/admin/users", token, req, nil)
	}, i18n.T(langOf(p.lang), i18n.AdminDone))
}

// onUser applies one row's change: the button's data-act says which.
func (p *adminPage) onUser(ctx goapp.Context, e goapp.Event) {
	target := e.Get("target")
	row := target.Call("closest", "[data-user]")
	if !row.Truthy() {
		return
	}
	id := row.Get("dataset").Get("user").String()
	i := row.Get("dataset").Get("row").String()
	var up api.UserUpdate
	switch target.Get("dataset").Get("act").String() {
	case "save":
		role, team, org := value("u-"+i+"-role"), value("u-"+i+"-team"), orgValue("u-"+i+"-org")
		up.Role, up.Team, up.Org = &role, &team, &org
	case "disable":
		t := true
		up.Disabled = &t
	case "enable":
		f := false
		up.Disabled = &f
	case "unlock":
		up.Unlock = true
	case "logout":
		up.Logout = true
	case "password":
		pw := value("u-" + i + "-password")
		up.Password = &pw
	default:
		return
	}
	p.call(ctx, func(c context.Context, token string) error {
		return account.SendJSON(c, "PATCH", "/api/admin/users/"+url.PathEscape(id), token, up, nil)
	}, i18n.T(langOf(p.lang), i18n.AdminDone))
}

func (p *adminPage) onRevoke(ctx goapp.Context, e goapp.Event) {
	id := e.Get("target").Get("dataset").Get("device").String()
	p.call(ctx, func(c context.Context, token string) error {
		return account.SendJSON(c, "POST", "/api/admin/devices/"+url.PathEscape(id)+"/revoke", token, struct{}{}, nil)
	}, i18n.T(langOf(p.lang), i18n.AdminDone))
}

func (p *adminPage) onFrom(ctx goapp.Context, e goapp.Event) {
	ctx.Navigate(adminPath + "?tab=assign&from=" + url.QueryEscape(e.Get("target").Get("value").String()))
}

func (p *adminPage) onReassign(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	boxes := goapp.Window().Get("document").Call("querySelectorAll", `input[name="root"]:checked`)
	var req api.ReassignRequest
	for i := range boxes.Length() {
		req.Roots = append(req.Roots, boxes.Index(i).Get("value").String())
	}
	req.To = value("assign-to")
	p.call(ctx, func(c context.Context, token string) error {
		return account.SendJSON(c, "POST", "/api/admin/reassign", token, req, nil)
	}, i18n.T(langOf(p.lang), i18n.AdminDone))
}

func (p *adminPage) onAuditFilter(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	q := url.Values{"tab": {"audit"}}
	for _, k := range []string{"user", "action", "target", "from", "to"} {
		if v := value("a-" + k); v != "" && v != anyCode {
			q.Set("a-"+k, v)
		}
	}
	ctx.Navigate(adminPath + "?" + q.Encode())
}

func (p *adminPage) Render() ui { return p.gate(p.render) }

func (p *adminPage) render(l i18n.Lang) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	body := []ui{goapp.H1().ID("page-title").Text(t(i18n.NavAdmin))}
	var tabs []ui
	for _, tb := range adminTabs {
		if tb.tab == "retention" && p.me.User.Role != "" && !p.isAdmin() {
			continue // administrators only
		}
		a := goapp.A().ID("tab-" + tb.tab).Class("button secondary").Href(adminPath + "?tab=" + tb.tab).Text(t(tb.label))
		if tb.tab == p.tab {
			a = a.Aria("current", "page").Class("button")
		}
		tabs = append(tabs, a)
	}
	body = append(body, goapp.Div().Class("jz-actions").Body(tabs...))
	switch {
	case !p.loaded:
		return frame(l, adminPath, append(body, goapp.P().Class("jz-hint").Text(t(i18n.AppLoading)))...)
	case p.err != "":
		return frame(l, adminPath, append(body, goapp.P().ID("admin-error").Class("jz-error").Text(p.err))...)
	}
	if p.msg != "" {
		body = append(body, goapp.P().ID("admin-msg").Attr("role", "status").Text(p.msg))
	}
	switch p.tab {
	case "devices":
		body = append(body, p.devicesTab(l)...)
	case "assign":
		body = append(body, p.assignTab(l)...)
	case "audit":
		body = append(body, p.auditTab(l)...)
	case "retention":
		body = append(body, p.retentionTab(l)...)
	default:
		body = append(body, p.usersTab(l)...)
	}
	return frame(l, adminPath, body...)
}

func (p *adminPage) isAdmin() bool { return p.me.User.Role == "admin" }

// roleSelect picks a role.
func roleSelect(l i18n.Lang, id, cur string) ui {
	var opts []ui
	if cl, ok := registry.Codes(model.ListRole); ok {
		for _, c := range cl.Codes {
			opts = append(opts, goapp.Option().Value(c.Code).Text(c.Label.In(modelLang(l))).Selected(c.Code == cur))
		}
	}
	return goapp.Select().ID(id).Body(opts...)
}

func labeled(id, label string, control ui) ui {
	return goapp.Div().Class("jz-field").Body(goapp.Label().For(id).Text(label), control)
}

func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("2006-01-02 15:04")
}

func (p *adminPage) usersTab(l i18n.Lang) []ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	var out []ui
	if p.isAdmin() {
		out = append(out, goapp.H2().Text(t(i18n.AdminNewUser)), goapp.Form().ID("new-user").Class("jz-form").OnSubmit(p.onAddUser).Body(
			labeled("nu-name", t(i18n.LoginName), goapp.Input().ID("nu-name").Type("text").Attr("autocomplete", "off").Attr("maxlength", 64)),
			labeled("nu-password", t(i18n.LoginPassword), goapp.Input().ID("nu-password").Type("password").Attr("autocomplete", "new-password")),
			labeled("nu-role", t(i18n.AdminRole), roleSelect(l, "nu-role", "worker")),
			labeled("nu-team", t(i18n.AdminTeam), goapp.Input().ID("nu-team").Type("text").Value(p.me.User.Team)),
			&divisionPicker{ID: "nu-org", Label: t(i18n.AdminOrg), Value: p.me.User.Org, Levels: 3},
			goapp.Button().ID("nu-save").Type("submit").Text(t(i18n.FormSave)),
		))
	}
	out = append(out, goapp.H2().Text(t(i18n.AdminUsers)))
	var rows []ui
	for i, u := range p.users {
		n := strconv.Itoa(i)
		state := []string{}
		if u.Disabled {
			state = append(state, t(i18n.AdminDisabled))
		}
		if u.Locked {
			state = append(state, t(i18n.AdminLocked))
		}
		facts := goapp.P().Class("jz-hint").Text(strings.Join(append(state,
			t(i18n.AdminLastSeen)+when(u.LastSeen),
			t(i18n.AdminDevices)+" "+strconv.Itoa(u.Devices),
			t(i18n.AdminRoots)+" "+strconv.Itoa(u.Roots)), " · "))
		card := []ui{goapp.H3().Text(u.Name + " · " + divisions.name(u.Org)), facts}
		if p.isAdmin() {
			act := func(act string, k i18n.Key) ui {
				return goapp.Button().ID("u-"+n+"-"+act).Type("button").Class("secondary").DataSet("act", act).Text(t(k))
			}
			disable := act("disable", i18n.AdminDisable)
			if u.Disabled {
				disable = act("enable", i18n.AdminEnable)
			}
			card = append(card,
				goapp.Div().Class("jz-admin-edit").Body(
					labeled("u-"+n+"-role", t(i18n.AdminRole), roleSelect(l, "u-"+n+"-role", u.Role)),
					labeled("u-"+n+"-team", t(i18n.AdminTeam), goapp.Input().ID("u-"+n+"-team").Type("text").Value(u.Team)),
					&divisionPicker{ID: "u-" + n + "-org", Label: t(i18n.AdminOrg), Value: u.Org, Levels: 3},
					labeled("u-"+n+"-password", t(i18n.AdminNewPassword), goapp.Input().ID("u-"+n+"-password").Type("password").Attr("autocomplete", "new-password")),
				),
				goapp.Div().Class("jz-actions").Body(act("save", i18n.FormSave), act("password", i18n.AdminResetPassword), disable,
					act("unlock", i18n.AdminUnlock), act("logout", i18n.AdminLogoutAll)),
			)
		} else {
			card = append(card, goapp.P().Text(u.Role+" · "+u.Team+" · "+divisions.name(u.Org)))
		}
		rows = append(rows, goapp.Li().Class("jz-admin-user").DataSet("user", u.ID).DataSet("row", n).DataSet("name", u.Name).Body(card...))
	}
	return append(out, goapp.Ul().ID("user-list").Class("jz-rows").OnClick(p.onUser).Body(rows...))
}

func (p *adminPage) devicesTab(l i18n.Lang) []ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	rows := []ui{goapp.Tr().Body(goapp.Th().Text(t(i18n.AdminUser)), goapp.Th().Text(t(i18n.AdminDeviceName)),
		goapp.Th().Text(t(i18n.AdminAppVersion)), goapp.Th().Text(t(i18n.AdminLastSeen)), goapp.Th().Text(""))}
	for _, d := range p.devices {
		var act ui = goapp.Span().Text(t(i18n.AdminRevoked) + " " + when(d.RevokedAt))
		if !d.Revoked && p.isAdmin() {
			act = goapp.Button().Class("secondary").DataSet("device", d.ID).Text(t(i18n.AdminRevoke)).OnClick(p.onRevoke)
		}
		rows = append(rows, goapp.Tr().DataSet("device", d.ID).Body(goapp.Td().Text(d.UserName), goapp.Td().Text(orDash(d.Name)),
			goapp.Td().Text(orDash(d.App)), goapp.Td().Text(when(d.LastSeen)), goapp.Td().Body(act)))
	}
	return []ui{goapp.P().Class("jz-hint").Text(t(i18n.AdminRevokeNote)), goapp.Table().ID("device-table").Class("jz-compare").Body(goapp.TBody().Body(rows...))}
}

// userSelect picks one of the listed users.
func (p *adminPage) userSelect(l i18n.Lang, id, cur string, any bool) ui {
	var opts []ui
	if any {
		opts = append(opts, goapp.Option().Value(anyCode).Text(i18n.T(l, i18n.CasesAny)).Selected(cur == ""))
	}
	for _, u := range p.users {
		opts = append(opts, goapp.Option().Value(u.ID).Text(u.Name).Selected(u.ID == cur))
	}
	return goapp.Select().ID(id).Body(opts...)
}

func (p *adminPage) assignTab(l i18n.Lang) []ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	out := []ui{goapp.P().Class("jz-hint").Text(t(i18n.AdminAssignNote)),
		labeled("assign-from", t(i18n.AdminFrom), p.userSelect(l, "assign-from", p.from, true).(goapp.HTMLSelect).OnChange(p.onFrom))}
	if p.from == "" {
		return out
	}
	var boxes []ui
	lang := modelLang(l)
	for i, r := range p.roots {
		id := "root-" + strconv.Itoa(i)
		boxes = append(boxes, goapp.Label().Class("jz-check").For(id).Body(
			goapp.Input().Type("checkbox").ID(id).Name("root").Value(r.ID),
			goapp.Span().Text(registryLabel(r.Type, lang)+" · "+r.Title)))
	}
	if len(boxes) == 0 {
		boxes = append(boxes, goapp.P().Class("jz-empty").Text(t(i18n.SectionEmpty)))
	}
	return append(out, goapp.Form().ID("reassign").Class("jz-form").OnSubmit(p.onReassign).Body(
		goapp.FieldSet().ID("roots").Class("jz-field jz-choices").Body(append([]ui{goapp.Legend().Text(t(i18n.AdminRoots))}, boxes...)...),
		labeled("assign-to", t(i18n.AdminTo), p.userSelect(l, "assign-to", "", false)),
		goapp.Button().ID("assign-save").Type("submit").Text(t(i18n.AdminReassign)),
	))
}

func (p *adminPage) auditTab(l i18n.Lang) []ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	q := goapp.Window().Get("location").Get("search").String()
	vals, _ := url.ParseQuery(strings.TrimPrefix(q, "?"))
	filter := goapp.Form().ID("audit-filter").Class("jz-form jz-filters").OnSubmit(p.onAuditFilter).Body(
		labeled("a-user", t(i18n.AdminUser), p.userSelect(l, "a-user", vals.Get("a-user"), true)),
		labeled("a-action", t(i18n.AdminAction), goapp.Input().ID("a-action").Type("text").Value(vals.Get("a-action"))),
		labeled("a-target", t(i18n.AdminTarget), goapp.Input().ID("a-target").Type("text").Value(vals.Get("a-target"))),
		labeled("a-from", t(i18n.AdminFromDate), goapp.Input().ID("a-from").Type("date").Value(vals.Get("a-from"))),
		labeled("a-to", t(i18n.AdminToDate), goapp.Input().ID("a-to").Type("date").Value(vals.Get("a-to"))),
		goapp.Button().ID("audit-apply").Type("submit").Text(t(i18n.AdminFilter)),
	)
	rows := []ui{goapp.Tr().Body(goapp.Th().Text(t(i18n.HistoryAt)), goapp.Th().Text(t(i18n.AdminUser)), goapp.Th().Text(t(i18n.AdminAction)),
		goapp.Th().Text(t(i18n.AdminTarget)), goapp.Th().Text(t(i18n.AdminDetail)))}
	for _, a := range p.audit {
		rows = append(rows, goapp.Tr().Class("jz-audit-row").DataSet("action", a.Action).Body(goapp.Td().Text(when(a.At)), goapp.Td().Text(orDash(a.UserName)),
			goapp.Td().Text(a.Action), goapp.Td().Class("jz-wrap").Text(orDash(a.Target)), goapp.Td().Class("jz-wrap").Text(orDash(a.Detail))))
	}
	return []ui{filter, goapp.P().Class("jz-hint").Text(t(i18n.AdminAuditNote)), goapp.Table().ID("audit-table").Class("jz-compare").Body(goapp.TBody().Body(rows...))}
}
