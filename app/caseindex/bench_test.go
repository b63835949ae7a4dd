package caseindex

import (
	"fmt"
	"math/rand/v2"
	stdsync "sync"
	"testing"

	"jiuzhu/app/local"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// benchCases is a tablet's worth of cases: 10,000, each a case, its client
// and four casework records (an intake, an assessment, two service
// records): 60,000 digests. It keeps the full records of only a few
// cases: holding 60,000 records would make every garbage collection in
// the benchmarks scan them, which the app does not.
var benchCases = stdsync.OnceValues(func() ([]local.Digest, []*aCase) {
	rng := rand.New(rand.NewPCG(7, 8))
	surnames := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈单")
	given := []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志文玉梅红云飞鹏辉婷雪琳晨浩宇子涵欣怡梓萱一诺思帅爽松淑三")
	cats := []string{"dibao", "tekun", "elderly", "disabled", "children", "temporary"}
	risks := []string{"low", "medium", "high"}
	date := func(y int) string {
		return fmt.Sprintf("%d-%02d-%02d", y, 1+rng.IntN(12), 1+rng.IntN(28))
	}
	var ds []local.Digest
	var cases []*aCase
	for i := range 10_000 {
		name := string(surnames[rng.IntN(len(surnames))]) + string(given[rng.IntN(len(given))])
		if rng.IntN(2) == 0 {
			name += string(given[rng.IntN(len(given))])
		}
		id := fmt.Sprintf("%06d%08d%04d", 110105, 19400101+rng.IntN(700000), rng.IntN(10000))
		phone := fmt.Sprintf("13%09d", rng.IntN(1_000_000_000))
		c := newCase(fmt.Sprintf("个案 %d", i), name, id, phone, fields{
			"categories": []string{cats[rng.IntN(len(cats))]},
			"worker":     fmt.Sprint("w", rng.IntN(20)),
			"opened":     date(2023),
		})
		c.add(model.TypeIntake, fields{"date": date(2024), "accepted": true})
		c.add(model.TypeAssessment, fields{"date": date(2024), "risk_level": risks[rng.IntN(len(risks))]})
		c.add(model.TypeServiceRecord, fields{"date": date(2025)})
		c.add(model.TypeServiceRecord, fields{"date": date(2025)})
		ds = append(ds, digests(c.recs...)...)
		if i < 100 {
			cases = append(cases, c)
		}
	}
	return ds, cases
})

// BenchmarkApply10k builds an index from 10,000 cases' digests: apply
// alone, then with the cards computed (what the first query pays), then
// with the default order sorted too.
func BenchmarkApply10k(b *testing.B) {
	ds, _ := benchCases()
	for _, tt := range []struct {
		name string
		then func(x *Index)
	}{
		{"apply", func(*Index) {}},
		{"apply+cards", func(x *Index) { x.Len() }},
		{"apply+cards+sort", func(x *Index) { x.Query(Query{}) }},
	} {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			pinyinOnce()
			for b.Loop() {
				x := New()
				x.Apply(ds)
				tt.then(x)
			}
		})
	}
}

// BenchmarkQuery10k queries 10,000 cases for the first page of 50.
func BenchmarkQuery10k(b *testing.B) {
	ds, _ := benchCases()
	x := New()
	x.Apply(ds)
	for _, tt := range []struct {
		name string
		q    Query
	}{
		{"text-zs", Query{Text: "zs"}},
		{"text-zs-byname", Query{Text: "zs", Sort: SortName}},
		{"digits-1234", Query{Text: "1234"}},
		{"han-张", Query{Text: "张"}},
		{"filter-stage-category", Query{Stage: model.StageIntervention, Category: "dibao", Sort: SortOpened}},
		{"all", Query{}},
	} {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			res := x.Query(tt.q) // sorts this order once
			if res.Total == 0 {
				b.Fatalf("%+v matches nothing", tt.q)
			}
			for b.Loop() {
				x.Query(tt.q)
			}
			b.ReportMetric(float64(res.Total), "matches")
		})
	}
}

// BenchmarkEdit is the cost of an edit on the device: a new overlay for
// one case, then the query that redraws the list (one card recomputed and
// merged into the sorted order).
func BenchmarkEdit(b *testing.B) {
	ds, cases := benchCases()
	x := New()
	x.Apply(ds)
	x.Query(Query{})
	c := cases[42]
	edited := c.kase.Clone()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		edited.Fields["title"] = sync.FieldState{Value: model.Str(fmt.Sprint("edited ", i))}
		x.SetOverlay(digests(edited))
		x.Query(Query{})
	}
}

// BenchmarkDigest is the cost of digesting one record (the store does it
// on every write).
func BenchmarkDigest(b *testing.B) {
	_, cases := benchCases()
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range cases[0].recs {
			Digest(r)
		}
	}
}
