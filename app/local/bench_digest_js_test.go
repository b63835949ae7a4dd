//go:build js && wasm

package local_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"jiuzhu/app/caseindex"
	"jiuzhu/app/local"
	"jiuzhu/app/local/localtest"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// TestBenchDigestsInBrowser measures what unlocking a tablet with 10,000
// cases costs the case list (CPU throttled 4× by the runner): the full
// read of the digests, then building the index and the first page. Run
// it with JIUZHU_LOCAL_BENCH=1.
func TestBenchDigestsInBrowser(t *testing.T) {
	benchEnabled(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	const cases = 10_000
	key := local.NewKey()
	user := fmt.Sprintf("digbench%d", time.Now().UnixNano())
	defer local.DeleteUserDB(context.Background(), user)
	open := func() local.Store {
		s, err := local.OpenIDBStore(ctx, user, key, localtest.Device, &caseindex.Digester)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	var h sync.HLC = 1
	rec := func(id, root sync.RecID, kv ...string) *sync.Record {
		r := sync.NewRecord(id)
		kv = append([]string{sync.FieldRoot, model.Str(string(root))}, kv...)
		for i := 0; i+1 < len(kv); i += 2 {
			h++
			r.Apply(sync.Entry{Seq: uint64(h), Change: sync.Change{Rec: id, Field: kv[i], Value: kv[i+1], HLC: h, By: "u"}})
		}
		return r
	}
	var page []*sync.Record
	for i := range cases {
		c, p := localtest.RecID(model.TypeCase), localtest.RecID(model.TypePerson)
		page = append(page,
			rec(c, c, "title", model.Str(fmt.Sprintf("个案%05d低保救助", i)), "client", model.Str(string(p)), "worker", model.Str("u"),
				"opened", model.Str("2025-03-04"), "categories", model.List("dibao")),
			rec(p, c, "name", model.Str("张秀英"), "id_number", model.Str(fmt.Sprintf("6201021980010%05d", i)), "phone", model.Str("13912345678"), "gender", model.Str("female")))
		for j := range 5 {
			page = append(page, rec(localtest.RecID(model.TypeServiceRecord), c, "date", model.Str(fmt.Sprintf("2026-0%d-1%d", 1+j, j))))
		}
		if len(page) >= 7000 {
			if err := s.SavePage(ctx, sync.ClientMeta{Device: localtest.Device}, page, nil); err != nil {
				t.Fatal(err)
			}
			page = nil
		}
	}
	start := time.Now()
	ds, _, _, err := s.Digests(ctx, local.DigestPos{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("MEASURE digests after catch-up: full read of %d + fold: %v", len(ds), time.Since(start).Round(time.Millisecond))
	s.Close()

	s = open()
	defer s.Close()
	start = time.Now()
	ds, _, _, err = s.Digests(ctx, local.DigestPos{})
	if err != nil || len(ds) != cases*7 {
		t.Fatalf("%d digests, %v", len(ds), err)
	}
	read := time.Since(start)
	idx := caseindex.New()
	idx.Apply(ds)
	apply := time.Since(start) - read
	res := idx.Query(caseindex.Query{})
	first := time.Since(start) - read - apply
	if res.Total != cases {
		t.Fatalf("listed %d", res.Total)
	}
	t.Logf("MEASURE unlock, %d cases: read %d digests %v, index them %v, first page %v",
		cases, len(ds), read.Round(time.Millisecond), apply.Round(time.Millisecond), first.Round(time.Millisecond))
	start = time.Now()
	res = idx.Query(caseindex.Query{Text: "zxy"})
	t.Logf("MEASURE search zxy over %d cases: %v (%d found)", cases, time.Since(start).Round(time.Microsecond), res.Total)
}
