//go:build !(js && wasm)

package local

import (
	"testing"

	"jiuzhu/shared/sync"
)

// FuzzDecode runs natively only: in the browser there is no file system for
// its corpus.
func FuzzDecode(f *testing.F) {
	f.Add(encodeRecord(sampleRecord()))
	c := sync.Change{Op: sync.Op{Device: "d", Counter: 9}, Rec: "case/x", Field: "f", Value: `1`, By: "u"}
	f.Add(encodeChange(&c))
	f.Add(encodeRejected(&sync.RejectedChange{Change: c, Code: "x"}))
	f.Add(encodeMeta(&sync.ClientMeta{Device: "d"}))
	f.Fuzz(func(t *testing.T, b []byte) {
		if r, err := decodeRecord("case/x", b); err == nil {
			if got, err := decodeRecord("case/x", encodeRecord(r)); err != nil || !got.Equal(r) {
				t.Fatalf("record does not round-trip: %v", err)
			}
		}
		decodeChange(b)
		decodeRejected(b)
		decodeMeta(b)
		decodeStrings(b)
	})
}

// Digest lists round-trip (roots interned, nil and empty Data told apart),
// and no input makes the decoder panic or read past its input.
func FuzzDigests(f *testing.F) {
	f.Add([]byte("case/a"), []byte("person/b"), []byte{1, 2, 3})
	f.Add([]byte{}, []byte{}, []byte(nil))
	f.Fuzz(func(t *testing.T, root, id, data []byte) {
		ds := []Digest{
			{ID: sync.RecID(id), Root: sync.RecID(root), Data: data},
			{ID: sync.RecID(root), Root: sync.RecID(root)},
			{Root: sync.RecID(root)},
			{ID: sync.RecID(id) + "x", Root: sync.RecID(id), Data: []byte("d")},
		}
		got, err := decodeDigests(encodeDigests(ds))
		if err != nil || len(got) != len(ds) {
			t.Fatalf("round trip: %v %v", got, err)
		}
		for i := range ds {
			if got[i].ID != ds[i].ID || got[i].Root != ds[i].Root || string(got[i].Data) != string(ds[i].Data) || (got[i].Data == nil) != (ds[i].Data == nil) {
				t.Fatalf("entry %d: %+v, want %+v", i, got[i], ds[i])
			}
		}
		decodeDigests(append([]byte{codecVersion}, data...)) // garbage: must not panic
	})
}
