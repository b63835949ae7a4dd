package app

import (
	"context"
	"encoding/csv"
	"strconv"
	"strings"
	stdsync "sync"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/app/account"
	"jiuzhu/shared/i18n"
)

// Gansu's administrative divisions, for picking a case's division down to
// township and village. They are static files (web/static/divisions,
// written by web/gendivisions), cached by the service worker for offline
// use and read on first need: prefectures, counties and townships in one
// file, the villages of each county in its own.

// province is Gansu's code: the root of the tree.
const province = "62"

// division is one administrative division.
type division struct{ code, name, parent string }

// divisionTable holds the divisions read so far.
type divisionTable struct {
	mu       stdsync.Mutex
	byCode   map[string]division
	kids     map[string][]string // parent → children, in file order
	loaded   map[string]bool     // files read ("top", county codes)
	fetchErr error
}

var divisions = &divisionTable{byCode: map[string]division{}, kids: map[string][]string{}, loaded: map[string]bool{}}

// add parses a divisions file (code,name,parent rows).
func (t *divisionTable) add(file, text string) error {
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.loaded[file] {
		return nil
	}
	for _, r := range rows {
		if len(r) != 3 {
			continue
		}
		d := division{code: r[0], name: r[1], parent: r[2]}
		t.byCode[d.code] = d
		t.kids[d.parent] = append(t.kids[d.parent], d.code)
	}
	t.loaded[file] = true
	return nil
}

// load reads a divisions file ("top" or a county code) unless it is read.
func (t *divisionTable) load(ctx context.Context, file string) error {
	t.mu.Lock()
	done := t.loaded[file]
	t.mu.Unlock()
	if done {
		return nil
	}
	text, err := account.GetText(ctx, "/web/divisions/"+file+".csv")
	if err != nil {
		return err
	}
	return t.add(file, text)
}

// children returns the divisions under code.
func (t *divisionTable) children(code string) []division {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]division, 0, len(t.kids[code]))
	for _, c := range t.kids[code] {
		out = append(out, t.byCode[c])
	}
	return out
}

// name names a division with its parents from the prefecture down
// ("兰州市 城关区"), Gansu for the province, the code when unknown.
func (t *divisionTable) name(code string) string {
	if code == province || code == "" {
		return "甘肃省"
	}
	var names []string
	for _, c := range t.path(code) {
		t.mu.Lock()
		names = append(names, t.byCode[c].name)
		t.mu.Unlock()
	}
	if len(names) == 0 {
		return code
	}
	return strings.Join(names, " ")
}

// path returns the codes from the prefecture down to code (as far as they
// are known).
func (t *divisionTable) path(code string) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for c := code; c != "" && c != province; c = t.byCode[c].parent {
		if _, ok := t.byCode[c]; !ok {
			break
		}
		out = append([]string{c}, out...)
	}
	return out
}

// divisionLevels name the picker's levels.
var divisionLevels = []i18n.Key{i18n.DivPrefecture, i18n.DivCounty, i18n.DivTownship, i18n.DivVillage}

// divisionPicker picks a division level by level; the chosen code is in a
// hidden input with the field's id, where the form reads it.
type divisionPicker struct {
	goapp.Compo
	ID    string // the field's control id
	Label string
	Value string // the code the field holds
	// Levels is how deep it picks (1 prefecture … 4 village; 0: 4). Org
	// units go down to the township.
	Levels int
	lang   string
	path   []string // chosen codes, prefecture first
	ready  bool
	err    bool
}

func (d *divisionPicker) OnMount(ctx goapp.Context) {
	observeLang(ctx, &d.lang)
	value := d.Value
	ctx.Async(func() {
		c := context.Background()
		err := divisions.load(c, "top")
		if err == nil && len(value) >= 6 {
			err = divisions.load(c, value[:6])
		}
		ctx.Dispatch(func(goapp.Context) {
			d.ready, d.err = err == nil, err != nil
			d.path = divisions.path(value)
		})
	})
}

// onPick follows a level's select: deeper levels start again; a county's
// villages are read when it is picked.
func (d *divisionPicker) onPick(ctx goapp.Context, e goapp.Event) {
	target := e.Get("target") // the select (currentTarget is gone once the event is handled)
	level, err := strconv.Atoi(target.Get("dataset").Get("level").String())
	if err != nil {
		return
	}
	code := target.Get("value").String()
	path := append([]string(nil), d.path[:min(level, len(d.path))]...)
	if code != anyCode {
		path = append(path, code)
	}
	d.path = path
	if level == 1 && code != anyCode {
		ctx.Async(func() {
			err := divisions.load(context.Background(), code)
			ctx.Dispatch(func(goapp.Context) { d.err = err != nil })
		})
	}
}

func (d *divisionPicker) Render() ui {
	l := langOf(d.lang)
	value := d.Value
	if d.ready {
		value = ""
		if n := len(d.path); n > 0 {
			value = d.path[n-1]
		}
	}
	body := []ui{
		goapp.Span().Class("jz-label").Text(d.Label),
		goapp.Input().Type("hidden").ID(d.ID).Value(value),
	}
	if d.err {
		body = append(body, goapp.P().Class("jz-field-error").Text(i18n.T(l, i18n.DivUnavailable)+" "+value))
	}
	if !d.ready {
		return goapp.Div().Class("jz-field").Body(body...)
	}
	parent := province
	var selects []ui
	for level, key := range divisionLevels {
		if d.Levels > 0 && level >= d.Levels {
			break
		}
		kids := divisions.children(parent)
		if len(kids) == 0 {
			break
		}
		chosen := ""
		if level < len(d.path) {
			chosen = d.path[level]
		}
		id := d.ID + "-" + []string{"pref", "county", "town", "village"}[level]
		opts := []ui{goapp.Option().Value(anyCode).Text(i18n.T(l, i18n.FormUnset)).Selected(chosen == "")}
		for _, k := range kids {
			opts = append(opts, goapp.Option().Value(k.code).Text(k.name).Selected(k.code == chosen))
		}
		selects = append(selects, goapp.Div().Class("jz-field").Body(
			goapp.Label().For(id).Text(i18n.T(l, key)),
			goapp.Select().ID(id).DataSet("level", level).OnChange(d.onPick).Body(opts...),
		))
		if chosen == "" {
			break
		}
		parent = chosen
	}
	return goapp.Div().Class("jz-field jz-division").DataSet("field", strings.TrimPrefix(d.ID, "f-")).Body(
		append(body, goapp.Div().Class("jz-division-levels").Body(selects...))...)
}
