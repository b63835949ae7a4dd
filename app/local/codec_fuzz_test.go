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
