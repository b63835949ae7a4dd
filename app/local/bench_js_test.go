//go:build js && wasm

package local_test

import (
	"context"
	"slices"
	"syscall/js"
	"testing"
	"time"

	"jiuzhu/app/local"
	"jiuzhu/app/local/localtest"
	"jiuzhu/shared/sync"
)

// TestBenchInBrowser measures the store in Chromium (with the CPU throttled
// 4× by the runner). Run it with JIUZHU_LOCAL_BENCH=1.
func TestBenchInBrowser(t *testing.T) {
	benchEnabled(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	const n, page, fields = 10_000, 1000, 20
	recs := make([]*sync.Record, n)
	for i := range recs {
		id := localtest.RecID("case")
		recs[i] = localtest.Rec(id, id, fields)
	}
	usage0, _, _ := local.Estimate(ctx)

	// The sealing alone, both ways.
	plain := local.EncodeRecord(recs[0])
	d := local.SealBench(plain, n)
	t.Logf("MEASURE Go AES-256-GCM in wasm: seal+open %d values of %d bytes: %v", n, len(plain), d.Round(time.Millisecond))
	d = webCryptoBench(t, ctx, plain, n)
	t.Logf("MEASURE WebCrypto AES-256-GCM: encrypt %d values of %d bytes (all promises at once): %v", n, len(plain), d.Round(time.Millisecond))

	s, benchUser := openTemp(t, local.NewKey())
	start := time.Now()
	for i := 0; i < n; i += page {
		meta := sync.ClientMeta{Device: localtest.Device, Cursor: sync.Cursor{Seq: uint64(i + page)}}
		if err := s.SavePage(ctx, meta, recs[i:i+page], nil); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("MEASURE SavePage %d records of %d fields in pages of %d: %v", n, fields, page, time.Since(start).Round(time.Millisecond))

	start = time.Now()
	got, err := s.ListType(ctx, "case")
	if err != nil || len(got) != n {
		t.Fatalf("ListType: %d records, %v", len(got), err)
	}
	t.Logf("MEASURE ListType of %d records: %v", n, time.Since(start).Round(time.Millisecond))

	start = time.Now()
	recent, total, err := s.Recent(ctx, "case", 50)
	if err != nil || len(recent) != 50 || total != n {
		t.Fatalf("Recent: %d of %d, %v", len(recent), total, err)
	}
	t.Logf("MEASURE Recent 50 of %d records (first screen of a list): %v", n, time.Since(start).Round(time.Millisecond))

	// Breakdown: the raw read alone (IndexedDB getAll, no decryption).
	start = time.Now()
	db := js.Global().Get("indexedDB").Call("open", "jiuzhu-u-"+benchUser)
	waitReq(t, ctx, db)
	st := db.Get("result").Call("transaction", "recs", "readonly").Call("objectStore", "recs")
	all := st.Call("getAll")
	waitReq(t, ctx, all)
	t.Logf("MEASURE   of which IndexedDB getAll of %d values alone: %v", all.Get("result").Length(), time.Since(start).Round(time.Millisecond))
	db.Get("result").Call("close")

	ids := make([]sync.RecID, 50)
	for i := range ids {
		ids[i] = recs[i*97].ID
	}
	start = time.Now()
	if got, err := s.Records(ctx, ids); err != nil || len(got) != len(ids) {
		t.Fatalf("Records: %d, %v", len(got), err)
	}
	t.Logf("MEASURE Records of %d ids among %d: %v", len(ids), n, time.Since(start).Round(time.Millisecond))

	var times []time.Duration
	for i := range 20 {
		c := sync.Change{Op: sync.Op{Device: localtest.Device, Counter: uint64(i + 1)}, Rec: recs[i].ID, Field: "name",
			Value: `"` + localtest.PersonName + `"`, HLC: sync.MakeHLC(1_700_000_000_000, uint16(i)), By: "u-1"}
		start = time.Now()
		if err := s.Enqueue(ctx, sync.ClientMeta{Device: localtest.Device, Counter: uint64(i + 1)}, []sync.Change{c}); err != nil {
			t.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	t.Logf("MEASURE Enqueue of 1 change (strict durability, until complete): median %v, max %v", times[len(times)/2].Round(100*time.Microsecond), times[len(times)-1].Round(100*time.Microsecond))

	usage1, quota, _ := local.Estimate(ctx)
	t.Logf("MEASURE storage estimate: %d records used about %.1f MB (usage %d → %d bytes, quota %d)", n, float64(usage1-usage0)/1e6, usage0, usage1, quota)
}

// webCryptoBench encrypts plain n times with WebCrypto AES-GCM, all
// requests issued at once, and waits for all of them.
func webCryptoBench(t *testing.T, ctx context.Context, plain []byte, n int) time.Duration {
	subtle := js.Global().Get("crypto").Get("subtle")
	raw := js.Global().Get("Uint8Array").New(32)
	js.Global().Get("crypto").Call("getRandomValues", raw)
	usages := js.Global().Get("Array").New("encrypt", "decrypt")
	key := await(t, ctx, subtle.Call("importKey", "raw", raw, "AES-GCM", false, usages))
	data := js.Global().Get("Uint8Array").New(len(plain))
	js.CopyBytesToJS(data, plain)
	start := time.Now()
	ps := js.Global().Get("Array").New(n)
	for i := range n {
		iv := js.Global().Get("Uint8Array").New(12)
		js.Global().Get("crypto").Call("getRandomValues", iv)
		alg := js.Global().Get("Object").New()
		alg.Set("name", "AES-GCM")
		alg.Set("iv", iv)
		ps.SetIndex(i, subtle.Call("encrypt", alg, key, data))
	}
	await(t, ctx, js.Global().Get("Promise").Call("all", ps))
	return time.Since(start)
}
