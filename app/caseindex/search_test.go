package caseindex

import (
	"slices"
	"testing"

	"jiuzhu/shared/sync"
)

func TestSearch(t *testing.T) {
	t.Parallel()
	zhang := newCase("低保复核", "张三", "11010519491231002X", "13800138000", nil)
	shan := newCase("临时救助", "单田芳", "110105194912310011", "010-62345678", nil)
	lv := newCase("Case Alpha", "吕布", "", "", nil)
	latin := newCase("儿童个案", "Anna", "", "", nil)
	nobody := newCase("无名个案", "", "", "", nil)
	uyghur := newCase("t", "买买提·艾力", "", "", nil)
	x := indexOf(t, zhang, shan, lv, latin, nobody, uyghur)
	name := map[sync.RecID]string{zhang.kase.ID: "张三", shan.kase.ID: "单田芳", lv.kase.ID: "吕布", latin.kase.ID: "Anna", nobody.kase.ID: "无名", uyghur.kase.ID: "买买提·艾力"}

	tests := []struct {
		text string
		want []string
	}{
		{"", []string{"张三", "单田芳", "吕布", "Anna", "无名", "买买提·艾力"}},
		{"   ", []string{"张三", "单田芳", "吕布", "Anna", "无名", "买买提·艾力"}},
		{"maimaitiaili", []string{"买买提·艾力"}}, // across the dot
		{"tial", []string{"买买提·艾力"}},
		// pinyin: initials, full, partial syllables, from any syllable
		{"zs", []string{"张三"}},
		{"ZS", []string{"张三"}},
		{"zhangsan", []string{"张三"}},
		{"zhang san", []string{"张三"}},
		{"zhang", []string{"张三"}},
		{"zhangs", []string{"张三"}},
		{"zhs", []string{"张三"}},
		{"zhsa", []string{"张三"}},
		{"san", []string{"张三"}},
		{"sanzhang", nil}, // out of order
		{"hangsan", nil},  // not a prefix of zhang
		{"zsx", nil},      // runs past the name
		// 单 reads dan, shan (or chan)
		{"shan", []string{"单田芳"}},
		{"dan", []string{"单田芳"}},
		{"stf", []string{"单田芳"}},
		{"dtf", []string{"单田芳"}},
		{"shantianfang", []string{"单田芳"}},
		{"tianf", []string{"单田芳"}},
		// ü typed as v or u
		{"lvbu", []string{"吕布"}},
		{"lubu", []string{"吕布"}},
		{"lb", []string{"吕布"}},
		// a latin name spells itself; latin titles match as text
		{"anna", []string{"Anna"}},
		{"nn", []string{"Anna"}},
		{"alpha", []string{"吕布"}},
		{"case al", []string{"吕布"}},
		// digits: the end of the ID number, any part of the phone
		{"002X", []string{"张三"}},
		{"002x", []string{"张三"}},
		{"1231002x", []string{"张三"}},
		{"0011", []string{"单田芳"}},
		{"1949", nil}, // inside the ID number, not at its end
		{"8000", []string{"张三"}},
		{"3800", []string{"张三"}},
		{"62345678", []string{"单田芳"}},
		{"01062345", []string{"单田芳"}}, // the phone's digits, without its hyphen
		{"123", nil},                  // too short to search numbers
		// Chinese text: part of the name or the title
		{"张", []string{"张三"}},
		{"田芳", []string{"单田芳"}},
		{"复核", []string{"张三"}},
		{"个案", []string{"Anna", "无名"}},
		{"三低", nil},
	}
	for _, tt := range tests {
		res := x.Query(Query{Text: tt.text, Sort: SortOpened})
		var got []string
		for _, c := range res.Rows {
			got = append(got, name[c.Root])
		}
		slices.Sort(got)
		want := slices.Clone(tt.want)
		slices.Sort(want)
		if !slices.Equal(got, want) || res.Total != len(want) {
			t.Errorf("%q: %v (total %d), want %v", tt.text, got, res.Total, want)
		}
	}
}

func TestPinyinTable(t *testing.T) {
	t.Parallel()
	p := pinyinOnce()
	if n := len(p.ch); n < 6763 {
		t.Errorf("%d characters, want all 6,763 of GB 2312 and more", n)
	}
	read := func(r rune) []string {
		var out []string
		for _, n := range p.readingsOf(r) {
			out = append(out, p.syl[n])
		}
		return out
	}
	for _, tt := range []struct {
		r    rune
		want []string
	}{
		{'张', []string{"zhang"}},
		{'单', []string{"dan", "chan", "shan"}},
		{'曾', []string{"ceng", "zeng"}},
		{'吕', []string{"lv", "lu"}},
		{'喆', []string{"zhe"}}, // outside GB 2312, common in names
		{'A', []string{"a"}},
		{'b', []string{"b"}},
	} {
		got := read(tt.r)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("%c: readings %v lack %s", tt.r, got, w)
			}
		}
		if len(tt.want) > 0 && len(got) > 0 && got[0] != tt.want[0] {
			t.Errorf("%c: first reading %s, want %s", tt.r, got[0], tt.want[0])
		}
	}
	for r, s := range surnameReading {
		if !slices.Contains(read(r), s) {
			t.Errorf("surname %c read %s, not among its readings %v", r, s, read(r))
		}
	}
	if got := read('·'); got != nil {
		t.Errorf("· has readings %v", got)
	}
}

func TestNameSortKey(t *testing.T) {
	t.Parallel()
	p := pinyinOnce()
	// Pinyin order, the surname reading of 单 and 曾, a character before
	// the same one with more after it.
	names := []string{"阿明", "艾力", "李四", "单田芳", "曾文", "张", "张三", "张三丰", "章一", "Zoe"}
	for i := 1; i < len(names); i++ {
		a, b := nameSortKey(p, names[i-1]), nameSortKey(p, names[i])
		if a >= b {
			t.Errorf("%s (%q) does not sort before %s (%q)", names[i-1], a, names[i], b)
		}
	}
}

// TestLongName checks a long name against queries that nearly match
// everywhere: failures are remembered, so this is quick rather than
// exponential.
func TestLongName(t *testing.T) {
	t.Parallel()
	long := ""
	for range 40 {
		long += "长"
	}
	c := newCase("t", long, "", "", nil)
	x := indexOf(t, c)
	if res := x.Query(Query{Text: "zhangzhangzhangzhangzhangzhangzhangzhangzhangzhangx"}); res.Total != 0 {
		t.Errorf("matched %v", res.Rows)
	}
	if res := x.Query(Query{Text: "zczczczczczczczczczczczczczczc"}); res.Total != 1 {
		t.Errorf("zc… did not match %s", long)
	}
}
