package app

import (
	"context"
	"fmt"
	"strconv"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// crossChecks are the checks that need other records of the root: a group
// session not dated before its group starts, a volunteer's hours on one
// day not adding up to more than 24. Problems by field, in l.
func (p *recordPage) crossChecks(l i18n.Lang, edits []sync.Edit) map[string]string {
	vals := p.values()
	for _, e := range edits {
		if e.Rec == p.id {
			vals[e.Field] = e.Value
		}
	}
	str := func(v string) string { s, _ := model.AsString(v); return s }
	out := map[string]string{}
	switch p.typ {
	case model.TypeGroupSession:
		if g := p.rootRecord(); g != nil {
			start, _ := g.Get("start")
			if s, d := str(start), str(vals["date"]); s != "" && d != "" && d < s {
				out["date"] = fmt.Sprintf(i18n.T(l, i18n.RecordBeforeGroup), s)
			}
		}
	case model.TypeVolunteerHours:
		date := str(vals["date"])
		h, err := strconv.ParseFloat(vals["hours"], 64)
		if date == "" || err != nil {
			break
		}
		sum := h
		for _, r := range p.recs {
			if r.ID.Type() != model.TypeVolunteerHours || r.ID == p.id {
				continue
			}
			if d, _ := r.Get("date"); str(d) == date {
				v, _ := r.Get("hours")
				x, _ := strconv.ParseFloat(v, 64)
				sum += x
			}
		}
		if sum > 24 {
			out["hours"] = fmt.Sprintf(i18n.T(l, i18n.RecordDayOver), hoursText(sum))
		}
	}
	return out
}

// rootRecord is the root of this page's record, when on the tablet.
func (p *recordPage) rootRecord() *sync.Record {
	for _, r := range p.recs {
		if r.ID == p.root {
			return r
		}
	}
	return nil
}

// volunteerHours adds up a volunteer's service hours records (recs: the
// volunteer's records).
func volunteerHours(recs []*sync.Record) (total float64, services []*sync.Record) {
	for _, r := range recs {
		if r.ID.Type() != model.TypeVolunteerHours {
			continue
		}
		v, _ := r.Get("hours")
		if h, err := strconv.ParseFloat(v, 64); err == nil {
			total += h
			services = append(services, r)
		}
	}
	return total, services
}

// volunteerSummary is the volunteer's total hours and the link to their
// certificate.
func volunteerSummary(l i18n.Lang, id sync.RecID, recs []*sync.Record) ui {
	total, services := volunteerHours(recs)
	return goapp.Div().ID("volunteer-summary").Class("jz-standing").Body(
		goapp.P().ID("volunteer-total").Text(fmt.Sprintf(i18n.T(l, i18n.VolTotal), hoursText(total), len(services))),
		goapp.A().ID("volunteer-certificate").Class("button secondary").Href(certificatePath+"?id="+string(id)).Text(i18n.T(l, i18n.VolCertificate)),
	)
}

// certificatePath is the printable certificate of a volunteer's service:
// /certificate?id=volunteer/…
const certificatePath = "/certificate"

// certificatePage is the certificate of volunteer service, with the fields
// the national volunteer service record rules list: name, ID type and
// number, volunteer number, total hours, what was done, issuer and date.
type certificatePage struct {
	goapp.Compo
	page
	id     sync.RecID
	recs   []*sync.Record
	others outside
	loaded bool
}

func (p *certificatePage) OnMount(ctx goapp.Context) { p.mount(ctx) }

func (p *certificatePage) OnNav(ctx goapp.Context) {
	*p = certificatePage{Compo: p.Compo, page: p.page, id: sync.RecID(ctx.Page().URL().Query().Get("id"))}
	setTitle(ctx, langOf(p.lang), i18n.VolCertificate)
	st, id := theDevice.Store(), p.id
	if st == nil || id.Type() != model.TypeVolunteer {
		p.loaded = true
		return
	}
	ctx.Async(func() {
		c := context.Background()
		recs, pending, err := caseRecords(c, st, id)
		others := otherOptions(c, st, model.TypeVolunteerHours, id, pending)
		ctx.Dispatch(func(goapp.Context) {
			if p.id == id {
				p.loaded = true
				if err == nil {
					p.recs, p.others = recs, others
				}
			}
		})
	})
}

func (p *certificatePage) onPrint(ctx goapp.Context, e goapp.Event) {
	goapp.Window().Call("print")
}

func (p *certificatePage) Render() ui { return p.gate(p.render) }

func (p *certificatePage) render(l i18n.Lang) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	lang := modelLang(l)
	back := goapp.A().ID("record-back").Class("jz-back jz-noprint").Href(recordURL(p.id)).Text("← " + t(i18n.RecordBack))
	title := goapp.H1().ID("page-title").Text(t(i18n.VolCertificate))
	if !p.loaded {
		return frame(l, "/volunteers", back, title, goapp.P().Class("jz-hint").Text(t(i18n.AppLoading)))
	}
	if len(p.recs) == 0 || p.recs[0].ID != p.id {
		return frame(l, "/volunteers", back, goapp.H1().ID("page-title").Text(t(i18n.RecordMissing)))
	}
	vt, _ := registry.Type(model.TypeVolunteer)
	v := p.recs[0]
	var facts []ui
	for _, name := range []string{"name", "id_type", "id_number", "volunteer_no"} {
		f, _ := vt.Field(name)
		val, _ := v.Get(name)
		facts = append(facts, goapp.Dt().Text(f.Label.In(lang)), goapp.Dd().ID("cert-"+name).Text(orDash(registry.Format(f, val, lang, false))))
	}
	total, services := volunteerHours(p.recs)
	facts = append(facts, goapp.Dt().Text(t(i18n.CertHours)), goapp.Dd().ID("cert-hours").Text(fmt.Sprintf(t(i18n.CertHoursValue), hoursText(total))))
	ht, _ := registry.Type(model.TypeVolunteerHours)
	af, _ := ht.Field("activity")
	names := map[sync.RecID]string{}
	for _, o := range p.others.options(af, "", p.id, lang) {
		names[o.id] = o.label
	}
	rows := []ui{goapp.Tr().Body(goapp.Th().Text(t(i18n.CertDate)), goapp.Th().Text(t(i18n.CertHours)), goapp.Th().Text(t(i18n.CertActivity)), goapp.Th().Text(t(i18n.CertContent)))}
	for _, s := range services {
		get := func(f string) string { x, _ := s.Get(f); y, _ := model.AsString(x); return y }
		h, _ := s.Get("hours")
		rows = append(rows, goapp.Tr().Class("jz-cert-row").Body(goapp.Td().Text(get("date")), goapp.Td().Class("jz-num").Text(h),
			goapp.Td().Text(orDash(names[sync.RecID(get("activity"))])), goapp.Td().Text(get("content"))))
	}
	return frame(l, "/volunteers", back,
		goapp.Article().ID("certificate").Class("jz-certificate").Body(
			title,
			goapp.P().Text(t(i18n.CertIntro)),
			goapp.Dl().Class("jz-facts").Body(facts...),
			goapp.H2().Text(t(i18n.CertRecords)),
			goapp.Table().ID("cert-table").Class("jz-compare").Body(goapp.TBody().Body(rows...)),
			goapp.Div().Class("jz-cert-sign").Body(
				goapp.Label().For("cert-issuer").Text(t(i18n.CertIssuer)),
				goapp.Input().ID("cert-issuer").Type("text").Attr("maxlength", 100),
				goapp.P().ID("cert-issued").Text(t(i18n.CertIssued)+i18n.T(l, i18n.Colon)+time.Now().Format(time.DateOnly)),
			),
		),
		goapp.Button().ID("cert-print").Class("jz-noprint").Text(t(i18n.CertPrint)).OnClick(p.onPrint),
	)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
