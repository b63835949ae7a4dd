package storetest

import (
	"bytes"
	"errors"
	"reflect"
	"strings"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

// scrubLog is the log testScrubLog starts from: two records to scrub
// (person/1 and its case), one whose id starts like one of them, and
// another; several devices, a tombstone, a restore, a value already blank
// and one larger than a page.
func scrubLog() []sync.Entry {
	big := `"` + strings.Repeat("入户走访，案主情绪稳定。", 150) + `"`
	x := []sync.Entry{
		entry(1, "d1", 1, "case/1", sync.FieldRoot, `"case/1"`),
		entry(2, "d1", 2, "case/1", "title", `"张三个案"`),
		entry(3, "d1", 3, "person/1", "id_number", `"620102198505054320"`),
		entry(4, "d2", 1, "person/10", "id_number", `"620102199001011234"`),
		entry(5, "d1", 4, "person/1", "name", `"张三"`),
		entry(6, "d2", 2, "case/2", "title", `"李四个案"`),
		entry(7, "d1", 5, "person/1", "note", big),
		entry(8, sync.ServerDevice, 8, "person/1", "phone", sync.ValueNull),
		entry(9, "d1", 6, "person/1", sync.FieldDeleted, sync.ValueTrue),
		entry(10, "d2", 3, "person/1", sync.FieldDeleted, sync.ValueFalse),
		entry(11, "d2", 4, "case/2", "note", big),
	}
	return x
}

// testScrubLog checks that ScrubLog blanks the values of the log entries
// of the given records and nothing else: sequences, ops, applied ops,
// device counters and other records stay; a second scrub changes nothing;
// the log goes on after it; and a failed transaction takes it back.
func testScrubLog(e *env) {
	orig := scrubLog()
	state := sync.FieldState{Value: `"张三"`, HLC: orig[4].HLC, Op: orig[4].Op, By: orig[4].By, Seq: 5}
	e.update(func(tx store.Tx) error {
		for _, x := range orig[:6] {
			e.check(tx.Append(x))
		}
		return tx.SetField("person/1", "name", state)
	})
	e.update(func(tx store.Tx) error {
		for _, x := range orig[6:] {
			e.check(tx.Append(x))
		}
		return nil
	})
	scrub := map[sync.RecID]bool{"person/1": true, "case/1": true}
	want := make([]sync.Entry, len(orig))
	var wantOld []sync.Entry
	for i, x := range orig {
		want[i] = x
		if scrub[x.Rec] {
			want[i].Value = store.Blank(x.Field)
			if x.Value != want[i].Value {
				wantOld = append(wantOld, x)
			}
		}
	}
	if store.Blank(sync.FieldDeleted) != sync.ValueTrue || store.Blank("name") != sync.ValueNull {
		e.t.Fatalf("Blank = %s, %s", store.Blank(sync.FieldDeleted), store.Blank("name"))
	}

	t := e.t
	boom := errors.New("boom")
	err := e.s.Update(e.ctx, func(tx store.Tx) error {
		e.check(tx.Append(entry(12, "d3", 1, "person/1", "name", `"王五"`)))
		old := must(tx.ScrubLog([]sync.RecID{"person/1"})).in(e)
		e.check(tx.Append(entry(13, "d3", 2, "person/1", "name", `"赵六"`)))
		if len(old) != 5 {
			t.Errorf("scrub in a failed transaction returned %d entries, want 5", len(old))
		}
		return boom
	})
	if err != boom {
		t.Fatalf("Update = %v", err)
	}
	e.view(func(tx store.ReadTx) error {
		if got := logOf(e, tx, 0); !reflect.DeepEqual(got, orig) {
			t.Errorf("log after a failed scrub:\n got %v\nwant %v", got, orig)
		}
		return nil
	})

	e.update(func(tx store.Tx) error {
		if got := must(tx.ScrubLog(nil)).in(e); len(got) != 0 {
			t.Errorf("ScrubLog(nil) = %v", got)
		}
		got := must(tx.ScrubLog([]sync.RecID{"person/1", "case/1", "case/9"})).in(e)
		if !reflect.DeepEqual(got, wantOld) {
			t.Errorf("ScrubLog returned\n %v\nwant the entries as they were\n %v", got, wantOld)
		}
		if got := logOf(e, tx, 0); !reflect.DeepEqual(got, want) {
			t.Errorf("log inside the transaction:\n got %v\nwant %v", got, want)
		}
		// The log goes on; the new entry is not scrubbed.
		return tx.Append(entry(12, "d1", 7, "person/1", "name", `"王五"`))
	})
	want = append(want, entry(12, "d1", 7, "person/1", "name", `"王五"`))
	check := func(what string) {
		t.Helper()
		e.view(func(tx store.ReadTx) error {
			if got := logOf(e, tx, 0); !reflect.DeepEqual(got, want) {
				t.Errorf("log %s:\n got %v\nwant %v", what, got, want)
			}
			if got := logOf(e, tx, 6); !reflect.DeepEqual(got, want[6:]) {
				t.Errorf("log after 6 %s:\n got %v\nwant %v", what, got, want[6:])
			}
			if n := must(tx.LastSeq()).in(e); n != 12 {
				t.Errorf("LastSeq %s = %d", what, n)
			}
			if n := must(tx.Epoch()).in(e); n != 1 {
				t.Errorf("Epoch %s = %d", what, n)
			}
			for _, x := range want {
				if seq, ok, err := tx.Applied(x.Op); err != nil || !ok || seq != x.Seq {
					t.Errorf("Applied(%s) %s = %d, %v, %v; want %d", x.Op, what, seq, ok, err, x.Seq)
				}
			}
			for dev, n := range map[string]uint64{"d1": 7, "d2": 4, sync.ServerDevice: 8} {
				if got := must(tx.DeviceCounter(dev)).in(e); got != n {
					t.Errorf("DeviceCounter(%s) %s = %d, want %d", dev, what, got, n)
				}
			}
			if f, ok, err := tx.Field("person/1", "name"); err != nil || !ok || f != state {
				t.Errorf("the state %s = %+v, %v, %v; ScrubLog leaves it to the caller", what, f, ok, err)
			}
			return nil
		})
	}
	check("after the scrub")

	e.update(func(tx store.Tx) error {
		if got := must(tx.ScrubLog([]sync.RecID{"person/1", "case/1"})).in(e); !reflect.DeepEqual(got, want[11:]) {
			t.Errorf("scrubbing again returned %v, want only the entry appended since", got)
		}
		return nil
	})
	want[11].Value = sync.ValueNull
	check("after a second scrub")
	e.update(func(tx store.Tx) error {
		if got := must(tx.ScrubLog([]sync.RecID{"person/1", "case/1"})).in(e); len(got) != 0 {
			t.Errorf("a third scrub returned %v", got)
		}
		return nil
	})
	check("after a third scrub")
	for _, x := range logOfStore(e) {
		if scrub[x.Rec] && (strings.Contains(x.Value, "张三") || strings.Contains(x.Value, "6201021985")) {
			t.Errorf("entry %d still holds %s", x.Seq, x.Value)
		}
	}
}

// logOfStore returns the whole log.
func logOfStore(e *env) []sync.Entry {
	var out []sync.Entry
	e.view(func(tx store.ReadTx) error { out = logOf(e, tx, 0); return nil })
	return out
}

// testDeleteBlob checks that DeleteBlob removes a blob's bytes, its
// uploaders and everyone's uploads of it in progress, and nothing of
// another blob; that the bytes can be uploaded again from nothing; and that
// a failed transaction takes it back.
func testDeleteBlob(e *env) {
	t := e.t
	photo := bytes.Repeat([]byte("photo-of-zhang-san-"), 30000) // 570,000 bytes in three chunks
	sha := shaOf(photo)
	other := []byte("a photo of another file")
	osha := shaOf(other)
	chunks := [][]byte{photo[:256<<10], photo[256<<10 : 512<<10], photo[512<<10:]}
	another := strings.Repeat("ab", 32) // a name that is neither
	e.update(func(tx store.Tx) error {
		for _, u := range []string{"u1", "u2"} {
			e.upload(tx, u, sha, chunks...)
			if !must(tx.FinishBlob(u, sha)).in(e) {
				t.Fatalf("FinishBlob(%s) = false", u)
			}
		}
		e.upload(tx, "u1", osha, other)
		if !must(tx.FinishBlob("u1", osha)).in(e) {
			t.Fatal("FinishBlob(other) = false")
		}
		e.upload(tx, "u3", sha, chunks[0])  // in progress
		e.upload(tx, "u", sha, photo[:10])  // a user whose id starts another's
		e.upload(tx, "u3", osha, other[:4]) // another blob's
		e.upload(tx, "u4", another, photo)  // another name
		return nil
	})
	type seen struct {
		blob, others blobState
		partials     map[string][]store.Partial
	}
	look := func() seen {
		var s seen
		e.view(func(tx store.ReadTx) error {
			s.blob = e.blobState(tx, "u3", sha)
			s.others = e.blobState(tx, "u3", osha)
			s.partials = map[string][]store.Partial{}
			for _, u := range []string{"u", "u1", "u2", "u3", "u4"} {
				s.partials[u] = must(tx.Partials(u)).in(e)
			}
			return nil
		})
		return s
	}
	before := look()
	if !before.blob.Have || !before.blob.InFlight || len(before.partials["u"]) != 1 {
		t.Fatalf("before: %+v", before)
	}

	boom := errors.New("boom")
	if err := e.s.Update(e.ctx, func(tx store.Tx) error {
		if !must(tx.DeleteBlob(sha)).in(e) {
			t.Error("DeleteBlob in a failed transaction = false")
		}
		return boom
	}); err != boom {
		t.Fatalf("Update = %v", err)
	}
	if after := look(); !reflect.DeepEqual(after, before) {
		t.Errorf("a failed delete left\n %+v\nwant\n %+v", after, before)
	}

	e.update(func(tx store.Tx) error {
		if !must(tx.DeleteBlob(sha)).in(e) {
			t.Error("DeleteBlob = false")
		}
		if s := e.blobState(tx, "u3", sha); s.Have || s.HaveSize || s.InFlight || len(s.Uploaders) > 0 {
			t.Errorf("inside the transaction: %+v", s)
		}
		if must(tx.DeleteBlob(sha)).in(e) {
			t.Error("DeleteBlob again = true")
		}
		if must(tx.DeleteBlob("")).in(e) {
			t.Error(`DeleteBlob("") = true`)
		}
		return nil
	})
	after := look()
	if s := after.blob; s.Have || s.HaveSize || s.Data != nil || s.InFlight || len(s.Uploaders) > 0 {
		t.Errorf("deleted blob: %+v", s)
	}
	if !reflect.DeepEqual(after.others, before.others) {
		t.Errorf("the other blob changed:\n %+v\nwant\n %+v", after.others, before.others)
	}
	for u, want := range map[string][]string{"u": nil, "u1": nil, "u2": nil, "u3": {osha}, "u4": {another}} {
		var got []string
		for _, p := range after.partials[u] {
			got = append(got, p.SHA)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s's uploads after the delete: %q, want %q", u, got, want)
		}
	}

	// Uploaded again, it is a new blob: nothing of the old one is left to
	// skip or to mix in, and only its new uploader has it.
	e.update(func(tx store.Tx) error {
		if n, err := tx.AppendPartial("u1", sha, 256<<10, chunks[1], tBlob); !errors.Is(err, store.ErrOffset) || n != 0 {
			t.Errorf("resuming after the delete: %d, %v; want 0 and ErrOffset", n, err)
		}
		e.upload(tx, "u2", sha, photo[:100], photo[100:])
		if !must(tx.FinishBlob("u2", sha)).in(e) {
			t.Error("FinishBlob after the delete = false")
		}
		return nil
	})
	e.view(func(tx store.ReadTx) error {
		s := e.blobState(tx, "u2", sha)
		if !s.Have || !bytes.Equal(s.Data, photo) || s.Size != int64(len(photo)) || !reflect.DeepEqual(s.Uploaders, []string{"u2"}) {
			t.Errorf("uploaded again: have %v, %d bytes (equal %v), size %d, uploaders %q", s.Have, len(s.Data),
				bytes.Equal(s.Data, photo), s.Size, s.Uploaders)
		}
		return nil
	})

	// A sha with only an upload in progress: the upload goes, false.
	e.update(func(tx store.Tx) error {
		e.upload(tx, "u5", another, other[:3])
		if must(tx.DeleteBlob(another)).in(e) {
			t.Error("DeleteBlob of an upload only = true")
		}
		if p := must(tx.Partials("u5")).in(e); len(p) != 0 {
			t.Errorf("u5's uploads: %v", p)
		}
		return nil
	})
}
