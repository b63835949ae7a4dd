package app

import (
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/shared/i18n"
)

// signaturePad takes a signature drawn with a finger on a canvas. The
// drawing itself is web/static/jiuzhu.js's (pointer events, no round trip
// to Go per stroke): when a stroke ends it writes the canvas as a PNG data
// URL into the hidden input with the field's id, where the form reads it.
// A saved signature is shown as its image until the worker signs again.
type signaturePad struct {
	goapp.Compo
	ID      string // the field's control id
	Label   string
	Value   string // the saved data URL ("" when unsigned)
	Problem string
	lang    string
	again   bool // the saved signature is being replaced
}

func (s *signaturePad) OnMount(ctx goapp.Context) { observeLang(ctx, &s.lang) }

// onClear empties the canvas and the value (or, over a saved signature,
// opens the canvas to sign again).
func (s *signaturePad) onClear(ctx goapp.Context, e goapp.Event) {
	e.PreventDefault()
	if s.Value != "" && !s.again {
		s.again = true
		return
	}
	goapp.Window().Call("jiuzhuClearSignature", s.ID)
}

func (s *signaturePad) Render() ui {
	l := langOf(s.lang)
	cls := "jz-field jz-signature"
	if s.Problem != "" {
		cls += " jz-invalid"
	}
	body := []ui{goapp.Span().Class("jz-label").ID(s.ID + "-label").Text(s.Label)}
	if s.Value != "" && !s.again {
		body = append(body,
			goapp.Img().ID(s.ID+"-image").Class("jz-sign-image").Src(s.Value).Alt(i18n.T(l, i18n.FormSigned)),
			goapp.Input().Type("hidden").ID(s.ID).Value(s.Value),
			goapp.Button().ID(s.ID+"-clear").Type("button").Class("secondary").Text(i18n.T(l, i18n.FormSignAgain)).OnClick(s.onClear),
		)
	} else {
		body = append(body,
			goapp.P().Class("jz-hint").ID(s.ID+"-hint").Text(i18n.T(l, i18n.FormSignHint)),
			goapp.Canvas().ID(s.ID+"-pad").Class("jz-sign").DataSet("for", s.ID).
				Attr("width", 480).Attr("height", 160).Attr("role", "img").
				Aria("labelledby", s.ID+"-label").Aria("describedby", s.ID+"-hint"),
			goapp.Input().Type("hidden").ID(s.ID).Value(""),
			goapp.Button().ID(s.ID+"-clear").Type("button").Class("secondary").Text(i18n.T(l, i18n.FormSignClear)).OnClick(s.onClear),
		)
	}
	body = append(body, goapp.P().ID(s.ID+"-err").Class("jz-field-error").Attr("role", "alert").Text(s.Problem))
	return goapp.Div().Class(cls).DataSet("field", s.ID[len("f-"):]).Body(body...)
}
