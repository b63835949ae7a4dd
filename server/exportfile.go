package server

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"jiuzhu/shared/model"
)

// The files an export writes (export.go): its tables of cells, masked
// where they must be, as XLSX or CSV.

// cellKind is how a value is written into a spreadsheet.
type cellKind uint8

const (
	cellText cellKind = iota
	cellNumber
	cellDate
)

// cell is one value of a row, as text (CSV) and with its kind (XLSX).
type cell struct {
	s    string
	kind cellKind
}

// column is one column of a table.
type column struct {
	head  string
	kind  cellKind
	width float64
}

// table is one sheet (one CSV file).
type table struct {
	sheet string // the sheet's name, also the CSV file's
	slug  string // the same in ASCII, for file names
	cols  []column
	rows  []row
}

// row is one row of a table and the key it is sorted by.
type row struct {
	key   string
	cells []cell
}

// maskedMarker stands for a sensitive value that has no partial form.
const maskedMarker = "[已隐藏]"

// maskValue masks a sensitive value of field f, formatted as s.
func maskValue(f *model.Field, s string) string {
	switch {
	case s == "":
		return ""
	case f.Kind == model.KindIDNumber:
		return model.MaskID(s)
	case f.Kind == model.KindPhone:
		return model.MaskPhone(s)
	case f.Name == "name":
		return maskName(s)
	case f.Kind == model.KindDate && len(s) == len(time.DateOnly):
		return s[:4] + "-**-**"
	}
	return maskedMarker
}

// maskName keeps a name's first character: 张三丰 → 张**.
func maskName(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= 1 {
		return strings.Repeat("*", len(r))
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}

// clip cuts a text to what one cell holds.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= exportMaxCell {
		return s
	}
	return string([]rune(s)[:exportMaxCell]) + "…"
}

// columnFor is the column of a record field.
func columnFor(f *model.Field) column {
	return sized(f.Label.Zh, kindOf(f), widthOf(f))
}

func kindOf(f *model.Field) cellKind {
	switch f.Kind {
	case model.KindDate:
		return cellDate
	case model.KindInt, model.KindDecimal:
		return cellNumber
	}
	return cellText
}

func widthOf(f *model.Field) float64 {
	switch f.Kind {
	case model.KindDate, model.KindTime, model.KindBool:
		return 12
	case model.KindInt, model.KindDecimal:
		return 10
	case model.KindDateTime:
		return 17
	case model.KindIDNumber:
		return 22
	case model.KindLongText:
		return 40
	case model.KindCodes, model.KindRefs:
		return 24
	}
	return 16
}

// sized is a column at least as wide as its header (a CJK character
// takes two widths).
func sized(head string, kind cellKind, width float64) column {
	w := 2.0
	for _, r := range head {
		if r < 0x2E80 {
			w++
		} else {
			w += 2
		}
	}
	return column{head: head, kind: kind, width: max(width, w)}
}

// ---- writers ----

// writeXLSX writes tables as the sheets of one workbook, streaming rows.
func writeXLSX(w io.Writer, tables []*table) error {
	f := excelize.NewFile()
	defer f.Close()
	head, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7EEF7"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	if err != nil {
		return err
	}
	dateFmt := "yyyy-mm-dd"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	for i, t := range tables {
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), t.sheet)
		} else {
			_, err = f.NewSheet(t.sheet)
		}
		if err != nil {
			return err
		}
		if err := writeSheet(f, t, head, date); err != nil {
			return fmt.Errorf("sheet %s: %w", t.sheet, err)
		}
	}
	// The renamed first sheet is the active one: SetActiveSheet would parse
	// every streamed sheet again.
	_, err = f.WriteTo(w)
	return err
}

func writeSheet(f *excelize.File, t *table, head, date int) error {
	sw, err := f.NewStreamWriter(t.sheet)
	if err != nil {
		return err
	}
	for i, c := range t.cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	vals := make([]any, len(t.cols))
	for i, c := range t.cols {
		vals[i] = excelize.Cell{StyleID: head, Value: c.head}
	}
	if err := sw.SetRow("A1", vals, excelize.RowOpts{Height: 20}); err != nil {
		return err
	}
	for n, r := range t.rows {
		for i, c := range r.cells {
			vals[i] = xlsxValue(c, date)
		}
		ref, err := excelize.CoordinatesToCellName(1, n+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(ref, vals); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// xlsxValue is a cell's value for excelize: numbers as numbers, dates as
// dates, anything that does not parse as text.
func xlsxValue(c cell, dateStyle int) any {
	switch {
	case c.s == "":
		return nil
	case c.kind == cellNumber:
		if n, err := strconv.ParseFloat(c.s, 64); err == nil {
			return n
		}
	case c.kind == cellDate:
		if d, err := time.Parse(time.DateOnly, c.s); err == nil {
			return excelize.Cell{StyleID: dateStyle, Value: d}
		}
	}
	return c.s
}

// writeCSV writes one table as CSV: a UTF-8 byte order mark, then RFC 4180
// records with CRLF line ends.
func writeCSV(w io.Writer, t *table) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	rec := make([]string, len(t.cols))
	for i, c := range t.cols {
		rec[i] = c.head
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for _, r := range t.rows {
		for i, c := range r.cells {
			rec[i] = c.s
			if !isNumber(c) {
				rec[i] = csvSafe(c.s)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// isNumber reports whether a number cell holds a number.
func isNumber(c cell) bool {
	if c.kind != cellNumber {
		return false
	}
	_, err := strconv.ParseFloat(c.s, 64)
	return err == nil
}

// csvSafe keeps a spreadsheet from running a text as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsAny(s[:1], "=+-@\t\r") {
		return "'" + s
	}
	return s
}
