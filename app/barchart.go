package app

import (
	"fmt"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Charts are drawn by the app as SVG elements (no script, no style
// attribute: the CSP forbids inline styles, so only SVG presentation
// attributes). They read in black and white and in print: dark grey bars
// with a black outline, every label and number written as text.

const svgNS = "http://www.w3.org/2000/svg"

// svgElem is an SVG element (go-app creates it in the SVG namespace).
func svgElem(tag string) goapp.HTMLElem { return goapp.Elem(tag).XMLNS(svgNS) }

// Bar chart geometry, in the chart's own units (it scales to its box).
const (
	chartWidth  = 480
	chartLabelW = 172 // labels, right-aligned before the axis
	chartBarW   = 250 // the longest bar
	chartRowH   = 30
	chartFont   = 14
	chartLabelU = 20 // label width in units (a wide character is 2)
)

// barChart draws rows as horizontal bars, each with its label before the
// axis and its number after the bar.
func barChart(id, title string, rows []repRow) ui {
	most := int64(0)
	for _, r := range rows {
		most = max(most, r.value)
	}
	h := len(rows)*chartRowH + 8
	kids := []ui{svgElem("title").Text(title)}
	for i, r := range rows {
		y := 4 + i*chartRowH
		base := y + chartRowH/2 + chartFont/3
		w := 0
		if most > 0 && r.value > 0 {
			w = max(2, int(r.value*chartBarW/most))
		}
		kids = append(kids, svgElem("text").Attr("x", chartLabelW-8).Attr("y", base).Attr("text-anchor", "end").
			Attr("font-size", chartFont).Attr("fill", "#000").Text(clipLabel(r.label, chartLabelU)))
		if w > 0 {
			kids = append(kids, svgElem("rect").Attr("x", chartLabelW).Attr("y", y+7).Attr("width", w).Attr("height", chartRowH-14).
				Attr("fill", "#4b4b4b").Attr("stroke", "#000").Attr("stroke-width", 1))
		}
		kids = append(kids, svgElem("text").Attr("x", chartLabelW+w+6).Attr("y", base).Attr("font-size", chartFont).
			Attr("fill", "#000").DataSet("key", r.key).Text(r.text))
	}
	kids = append(kids, svgElem("line").Attr("x1", chartLabelW).Attr("y1", 2).Attr("x2", chartLabelW).Attr("y2", h-2).
		Attr("stroke", "#000").Attr("stroke-width", 1))
	return svgElem("svg").ID(id).Class("jz-chart").Attr("viewBox", fmt.Sprintf("0 0 %d %d", chartWidth, h)).
		Attr("width", "100%").Attr("role", "img").Aria("label", title).Body(kids...)
}

// clipLabel shortens a label to about n units (a character beyond ASCII
// counts two: CJK fonts draw them wide) with an ellipsis; the table beside
// the chart has it whole.
func clipLabel(s string, n int) string {
	units := 0
	for i, r := range s {
		u := 1
		if r > 0x7f {
			u = 2
		}
		if units+u > n {
			return s[:i] + "…"
		}
		units += u
	}
	return s
}
