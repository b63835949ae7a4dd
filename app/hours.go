package app

import (
	"cmp"
	"slices"
	"strconv"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// hoursRow is one worker's training and supervision hours in one year
// (§7.2: training and supervision are counted per worker per year).
type hoursRow struct {
	staff       sync.RecID
	name        string
	year        string
	training    float64 // hours of training attended
	supervision float64 // hours of supervision received
}

// hoursPerYear adds up, for every staff profile on the tablet, the hours
// of the trainings they attended and of the supervision sessions they were
// supervisees in, by year. Profiles not on the tablet are left out.
func hoursPerYear(staff, trainings, supervisions []*sync.Record) []hoursRow {
	names := map[sync.RecID]string{}
	for _, s := range staff {
		v, _ := s.Get("name")
		names[s.ID], _ = model.AsString(v)
	}
	rows := map[[2]string]*hoursRow{}
	add := func(who, date string, training, supervision float64) {
		id := sync.RecID(who)
		name, ok := names[id]
		if !ok || len(date) < 4 {
			return
		}
		k := [2]string{who, date[:4]}
		if rows[k] == nil {
			rows[k] = &hoursRow{staff: id, name: name, year: date[:4]}
		}
		rows[k].training += training
		rows[k].supervision += supervision
	}
	field := func(r *sync.Record, name string) string { v, _ := r.Get(name); return v }
	for _, t := range trainings {
		date, _ := model.AsString(field(t, "date"))
		h, _ := strconv.ParseFloat(field(t, "hours"), 64)
		for _, who := range listOf(field(t, "attendees")) {
			add(who, date, h, 0)
		}
	}
	for _, s := range supervisions {
		date, _ := model.AsString(field(s, "date"))
		m, _ := strconv.ParseFloat(field(s, "minutes"), 64)
		for _, who := range listOf(field(s, "supervisees")) {
			add(who, date, 0, m/60)
		}
	}
	out := make([]hoursRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b hoursRow) int {
		return cmp.Or(cmp.Compare(a.name, b.name), cmp.Compare(a.staff, b.staff), cmp.Compare(b.year, a.year))
	})
	return out
}

// hoursText shows hours with at most one decimal.
func hoursText(h float64) string {
	return strconv.FormatFloat(float64(int64(h*10+0.5))/10, 'f', -1, 64)
}

func hoursTable(l i18n.Lang, rows []hoursRow) ui {
	t := func(k i18n.Key) string { return i18n.T(l, k) }
	out := []ui{goapp.H2().Text(t(i18n.HoursTitle))}
	if len(rows) == 0 {
		return goapp.Section().ID("hours").Body(append(out, goapp.P().Class("jz-empty").Text(t(i18n.HoursNone)))...)
	}
	trs := []ui{goapp.Tr().Body(goapp.Th().Text(t(i18n.HoursStaff)), goapp.Th().Text(t(i18n.HoursYear)),
		goapp.Th().Text(t(i18n.HoursTraining)), goapp.Th().Text(t(i18n.HoursSupervision)))}
	for _, r := range rows {
		trs = append(trs, goapp.Tr().DataSet("staff", string(r.staff)).DataSet("year", r.year).Body(
			goapp.Td().Text(r.name), goapp.Td().Text(r.year),
			goapp.Td().Class("jz-num").Text(hoursText(r.training)), goapp.Td().Class("jz-num").Text(hoursText(r.supervision))))
	}
	return goapp.Section().ID("hours").Body(append(out, goapp.Table().ID("hours-table").Class("jz-compare").Body(goapp.TBody().Body(trs...)))...)
}
