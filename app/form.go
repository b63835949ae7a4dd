package app

import (
	"slices"
	"strconv"
	"strings"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// Forms are generated from the model's field declarations: each field
// kind has its control, every control has a label tied to it and an
// inline message slot, and values go back to canonical JSON through the
// same kinds. Element ids are "f-" and the field name (a code of a
// multiple-choice field adds "-" and the code).

// formID is the id of a field's control: a prefix ("f-" for the record's
// own fields) and the field's name.
func formID(prefix, field string) string { return prefix + field }

// editable reports whether fieldControl edits a field kind. References are
// picked by refControl; users and raw JSON are shown, not typed.
func editable(k model.Kind) bool {
	switch k {
	case model.KindRef, model.KindRefs, model.KindUser, model.KindJSON:
		return false
	}
	return true
}

// formText turns a stored value into what the field's control shows.
func formText(f *model.Field, v string) string {
	if v == "" || v == model.Null {
		return ""
	}
	switch f.Kind {
	case model.KindInt, model.KindDecimal, model.KindBool:
		return v
	case model.KindDateTime:
		s, _ := model.AsString(v)
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t.Local().Format("2006-01-02T15:04")
		}
		return s
	}
	if s, ok := model.AsString(v); ok {
		return s
	}
	return v
}

// formValue turns what a control holds back into a stored value (Null for
// empty). A number that does not parse stays text, so that validation
// names the problem.
func formValue(f *model.Field, text string, codes []string) string {
	text = strings.TrimSpace(text)
	if text == anyCode && (f.Kind == model.KindCode || f.Kind == model.KindBool || f.Kind == model.KindRef) {
		return model.Null // the "not set" option
	}
	switch f.Kind {
	case model.KindCodes, model.KindRefs:
		if len(codes) == 0 {
			return model.Null
		}
		codes = slices.Clone(codes)
		slices.Sort(codes)
		return model.List(codes...)
	case model.KindBool:
		if text == "true" || text == "false" {
			return text
		}
		return model.Null
	}
	if text == "" {
		return model.Null
	}
	switch f.Kind {
	case model.KindInt:
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return model.Int(n)
		}
	case model.KindDecimal:
		if x, err := strconv.ParseFloat(text, 64); err == nil {
			return model.Decimal(x)
		}
	case model.KindDateTime:
		if t, err := time.ParseInLocation("2006-01-02T15:04", text, time.Local); err == nil {
			return model.Str(t.UTC().Format(time.RFC3339))
		}
	}
	return model.Str(text)
}

// fieldControl renders one field: label, control and message.
func fieldControl(l i18n.Lang, prefix string, f *model.Field, value, problem string) ui {
	lang := modelLang(l)
	id, label := formID(prefix, f.Name), controlLabel(l, f)
	text := formText(f, value)
	msg := goapp.P().ID(id+"-err").Class("jz-field-error").Attr("role", "alert").Text(problem)
	wrap := func(control ui) ui {
		cls := "jz-field"
		if problem != "" {
			cls += " jz-invalid"
		}
		return goapp.Div().Class(cls).DataSet("field", f.Name).Body(goapp.Label().For(id).Text(label), control, msg)
	}
	if !editable(f.Kind) {
		return goapp.Div().Class("jz-field").DataSet("field", f.Name).Body(
			goapp.Span().Class("jz-label").Text(label),
			goapp.Output().ID(id).Text(shownValue(f, value, lang)),
			msg,
		)
	}
	switch f.Kind {
	case model.KindLongText:
		return wrap(goapp.Textarea().ID(id).Attr("rows", 4).Aria("describedby", id+"-err").Text(text))
	case model.KindBool:
		return wrap(goapp.Select().ID(id).Aria("describedby", id+"-err").Body(
			goapp.Option().Value(anyCode).Text(i18n.T(l, i18n.FormUnset)).Selected(text == ""),
			goapp.Option().Value("true").Text(i18n.T(l, i18n.FormYes)).Selected(text == "true"),
			goapp.Option().Value("false").Text(i18n.T(l, i18n.FormNo)).Selected(text == "false"),
		))
	case model.KindCode:
		opts := []ui{goapp.Option().Value(anyCode).Text(i18n.T(l, i18n.FormUnset))}
		if cl, ok := registry.Codes(f.Codes); ok {
			for _, c := range cl.Codes {
				opts = append(opts, goapp.Option().Value(c.Code).Text(c.Label.In(lang)).Selected(c.Code == text))
			}
		}
		return wrap(goapp.Select().ID(id).Aria("describedby", id+"-err").Body(opts...))
	case model.KindCodes:
		have, _ := model.AsList(value)
		var boxes []ui
		if cl, ok := registry.Codes(f.Codes); ok {
			for _, c := range cl.Codes {
				bid := id + "-" + c.Code
				boxes = append(boxes, goapp.Label().Class("jz-check").For(bid).Body(
					goapp.Input().Type("checkbox").ID(bid).Name(id).Value(c.Code).Checked(slices.Contains(have, c.Code)),
					goapp.Span().Text(c.Label.In(lang)),
				))
			}
		}
		cls := "jz-field jz-choices"
		if problem != "" {
			cls += " jz-invalid"
		}
		return goapp.FieldSet().ID(id).Class(cls).DataSet("field", f.Name).Aria("describedby", id+"-err").Body(
			append([]ui{goapp.Legend().Text(label)}, append(boxes, msg)...)...)
	}
	if f.Kind == model.KindMoney {
		return moneyControl(l, id, label, f, value, problem, msg)
	}
	if f.Division {
		return &divisionPicker{ID: id, Label: label, Value: text}
	}
	if f.Signature {
		return &signaturePad{ID: id, Label: label, Value: text, Problem: problem}
	}
	in := goapp.Input().ID(id).Value(text).Aria("describedby", id+"-err")
	switch f.Kind {
	case model.KindDate:
		in = in.Type("date")
	case model.KindTime:
		in = in.Type("time")
	case model.KindDateTime:
		in = in.Type("datetime-local")
	case model.KindInt:
		in = in.Type("number").Attr("inputmode", "numeric").Attr("step", 1)
	case model.KindDecimal:
		in = in.Type("number").Attr("inputmode", "decimal").Attr("step", "0.01")
	case model.KindPhone:
		in = in.Type("tel").Attr("inputmode", "tel")
	case model.KindIDNumber:
		in = in.Type("text").Attr("autocomplete", "off").Attr("maxlength", 18)
	default:
		in = in.Type("text")
		if f.Max > 0 {
			in = in.Attr("maxlength", f.Max)
		}
	}
	return wrap(in)
}

// moneyControl is an amount in yuan with what it is per: urban or rural,
// per person or household, a month or a year (money is never a bare
// number).
func moneyControl(l i18n.Lang, id, label string, f *model.Field, value, problem string, msg ui) ui {
	lang := modelLang(l)
	m := model.Money{Area: "urban", Per: "person", Period: "month"}
	amount := ""
	if value != "" && value != model.Null {
		if got, bad := model.ParseMoney(value, f.Label); bad == nil {
			m, amount = got, got.Yuan()
		}
	}
	choose := func(part, cur string, opts ...[3]string) ui {
		list := make([]ui, 0, len(opts))
		for _, o := range opts {
			text := o[1]
			if lang == model.LangEn {
				text = o[2]
			}
			list = append(list, goapp.Option().Value(o[0]).Text(text).Selected(o[0] == cur))
		}
		return goapp.Select().ID(id+"-"+part).Aria("label", label).Body(list...)
	}
	cls := "jz-field"
	if problem != "" {
		cls += " jz-invalid"
	}
	return goapp.Div().Class(cls).DataSet("field", f.Name).Body(
		goapp.Label().For(id+"-amount").Text(label+" ("+i18n.T(l, i18n.FormYuan)+")"),
		goapp.Div().ID(id).Class("jz-money").Body(
			goapp.Input().ID(id+"-amount").Type("number").Attr("inputmode", "decimal").Attr("step", "0.01").Attr("min", 0).
				Value(amount).Aria("describedby", id+"-err"),
			choose("area", m.Area, [3]string{"urban", "城市", "urban"}, [3]string{"rural", "农村", "rural"}),
			choose("per", m.Per, [3]string{"person", "人均", "per person"}, [3]string{"household", "户均", "per household"}),
			choose("period", m.Period, [3]string{"month", "每月", "a month"}, [3]string{"year", "每年", "a year"}),
		),
		msg,
	)
}

// moneyValue makes a money value from its controls' texts (Null when no
// amount; text that is not an amount stays text, for validation to name).
func moneyValue(amount, area, per, period string) string {
	amount = strings.TrimSpace(amount)
	if amount == "" {
		return model.Null
	}
	x, err := strconv.ParseFloat(amount, 64)
	if err != nil {
		return model.Str(amount)
	}
	fen := int64(x*100 + 0.5)
	if x < 0 {
		fen = int64(x*100 - 0.5)
	}
	return model.Money{Amount: fen, Area: area, Per: per, Period: period, Unit: model.UnitYuan}.Value()
}

// controlLabel is a field's label in l, marked when it is always required.
func controlLabel(l i18n.Lang, f *model.Field) string {
	label := f.Label.In(modelLang(l))
	if f.Required == model.Always {
		label += " *"
	}
	return label
}

// refOption is a record a reference may name.
type refOption struct {
	id    sync.RecID
	label string
}

// refControl picks a reference among opts.
func refControl(l i18n.Lang, prefix string, f *model.Field, value, problem string, opts []refOption) ui {
	id, label := formID(prefix, f.Name), controlLabel(l, f)
	cur, _ := model.AsString(value)
	list := []ui{goapp.Option().Value(anyCode).Text(i18n.T(l, i18n.FormUnset)).Selected(cur == "")}
	for _, o := range opts {
		list = append(list, goapp.Option().Value(string(o.id)).Text(o.label).Selected(string(o.id) == cur))
	}
	cls := "jz-field"
	if problem != "" {
		cls += " jz-invalid"
	}
	return goapp.Div().Class(cls).DataSet("field", f.Name).Body(
		goapp.Label().For(id).Text(label),
		goapp.Select().ID(id).Aria("describedby", id+"-err").Body(list...),
		goapp.P().ID(id+"-err").Class("jz-field-error").Attr("role", "alert").Text(problem),
	)
}

// refsControl picks several references among opts, one checkbox each
// (ids: the field's id, "-" and the option's position).
func refsControl(l i18n.Lang, prefix string, f *model.Field, value, problem string, opts []refOption) ui {
	id, label := formID(prefix, f.Name), controlLabel(l, f)
	have, _ := model.AsList(value)
	boxes := []ui{goapp.Legend().Text(label)}
	for i, o := range opts {
		bid := id + "-" + strconv.Itoa(i)
		boxes = append(boxes, goapp.Label().Class("jz-check").For(bid).Body(
			goapp.Input().Type("checkbox").ID(bid).Name(id).Value(string(o.id)).Checked(slices.Contains(have, string(o.id))),
			goapp.Span().Text(o.label),
		))
	}
	if len(opts) == 0 {
		boxes = append(boxes, goapp.P().Class("jz-hint").Text(i18n.T(l, i18n.FormNoChoices)))
	}
	cls := "jz-field jz-choices"
	if problem != "" {
		cls += " jz-invalid"
	}
	return goapp.FieldSet().ID(id).Class(cls).DataSet("field", f.Name).Aria("describedby", id+"-err").Body(
		append(boxes, goapp.P().ID(id+"-err").Class("jz-field-error").Attr("role", "alert").Text(problem))...)
}

// shownValue is a read-only field's value in words (the open account's
// user id as its login name).
func shownValue(f *model.Field, v, lang string) string {
	if v == "" || v == model.Null {
		return "—"
	}
	if f.Kind == model.KindUser && theDevice != nil {
		if id, name := theDevice.User(); v == model.Str(id) && name != "" {
			return name
		}
	}
	return registry.Format(f, v, lang, false)
}

// readControl reads a field's control from the page; false when the page
// has no control for it.
func readControl(prefix string, f *model.Field) (string, bool) {
	doc := goapp.Window().Get("document")
	el := doc.Call("getElementById", formID(prefix, f.Name))
	if !el.Truthy() {
		return "", false
	}
	if f.Kind == model.KindCodes || f.Kind == model.KindRefs {
		if el.Get("tagName").String() != "FIELDSET" {
			return "", false // shown, not edited
		}
		boxes := doc.Call("querySelectorAll", `input[name="`+formID(prefix, f.Name)+`"]:checked`)
		var codes []string
		for i := range boxes.Length() {
			codes = append(codes, boxes.Index(i).Get("value").String())
		}
		return formValue(f, "", codes), true
	}
	if f.Kind == model.KindMoney {
		part := func(p string) string {
			if e := doc.Call("getElementById", formID(prefix, f.Name)+"-"+p); e.Truthy() {
				return e.Get("value").String()
			}
			return ""
		}
		return moneyValue(part("amount"), part("area"), part("per"), part("period")), true
	}
	if el.Get("tagName").String() == "OUTPUT" {
		return "", false // shown, not edited
	}
	return formValue(f, el.Get("value").String(), nil), true
}

// formEdits compares what the form holds with the record's values and
// checks it: the edits to save, or the problems by field (in lang) when
// there are any. stage is the record's case stage for required-at-stage
// fields ("" outside a case). read gives a field's value from the form, or
// false when the form does not hold the field (it keeps its value and is
// not checked: a reference is set by the screen that picks it).
func formEdits(t *model.Type, rec sync.RecID, current map[string]string, stage, lang string, today time.Time, read func(*model.Field) (string, bool)) ([]sync.Edit, map[string]string) {
	var edits []sync.Edit
	problems := map[string]string{}
	for i := range t.Fields {
		f := &t.Fields[i]
		if f.Name == model.FieldRoot || f.Name == model.FieldParent {
			continue
		}
		old := current[f.Name]
		v, onForm := read(f)
		if !onForm {
			continue
		}
		empty := v == "" || v == model.Null || v == `""` || v == "[]"
		switch {
		case empty && model.Required(f.Required, stage):
			problems[f.Name] = model.Msg{Key: model.MsgRequired, Args: []model.Label{f.Label}}.Text(lang)
			continue
		case !empty && v != old:
			if m := registry.CheckValue(f, v, today); m != nil {
				problems[f.Name] = m.Text(lang)
				continue
			}
		}
		oldEmpty := old == "" || old == model.Null
		if v != old && !(empty && oldEmpty) {
			edits = append(edits, sync.Edit{Rec: rec, Field: f.Name, Value: v})
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return edits, nil
}
