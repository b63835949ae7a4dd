package server

import (
	"testing"

	"jiuzhu/shared/model"
)

// SetExportRowLimit lowers the most rows an export may hold, for the
// test that calls it (which must not run in parallel with other exports).
func SetExportRowLimit(t *testing.T, n int) {
	t.Helper()
	exportRowLimit.Store(int64(n))
	t.Cleanup(func() { exportRowLimit.Store(0) })
}

func TestExportMaskValue(t *testing.T) {
	t.Parallel()
	reg := model.NewRegistry()
	pt, _ := reg.Type(model.TypePerson)
	field := func(name string) *model.Field { f, _ := pt.Field(name); return f }
	for _, c := range []struct {
		field, in, want string
	}{
		{"id_number", "620102198001014320", "6201**********4320"},
		{"phone", "13812345678", "138****5678"},
		{"name", "张三丰", "张**"},
		{"name", "张三", "张*"},
		{"name", "李", "*"},
		{"birth_date", "1980-01-01", "1980-**-**"},
		{"health", "高血压，长期服药", maskedMarker},
		{"address", "兰州市城关区某路1号", maskedMarker},
		{"name", "", ""},
	} {
		if got := maskValue(field(c.field), c.in); got != c.want {
			t.Errorf("mask %s %q = %q, want %q", c.field, c.in, got, c.want)
		}
	}
}

func TestExportContentDisposition(t *testing.T) {
	t.Parallel()
	got := contentDisposition("jiuzhu-cases-2026-01-05.xlsx", "救助社工-个案-截至2026-01-05.xlsx")
	want := `attachment; filename="jiuzhu-cases-2026-01-05.xlsx"; filename*=UTF-8''` +
		`%E6%95%91%E5%8A%A9%E7%A4%BE%E5%B7%A5-%E4%B8%AA%E6%A1%88-%E6%88%AA%E8%87%B32026-01-05.xlsx`
	if got != want {
		t.Errorf("Content-Disposition\n%s\nwant\n%s", got, want)
	}
	if got := contentDisposition("a.csv", `a "b";c.csv`); got != `attachment; filename="a.csv"; filename*=UTF-8''a%20%22b%22%3Bc.csv` {
		t.Errorf("quotes and separators not encoded: %s", got)
	}
}

func TestExportCSVSafe(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+86": "'+86", "-x": "'-x", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx",
		"张三": "张三", "": "", "1-2": "1-2",
	} {
		if got := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q, want %q", in, got, want)
		}
	}
	// A negative number stays a number.
	if !isNumber(cell{s: "-3", kind: cellNumber}) || isNumber(cell{s: "-x", kind: cellNumber}) || isNumber(cell{s: "3"}) {
		t.Error("isNumber")
	}
}
