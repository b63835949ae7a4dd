package sync

import (
	"testing"
	"time"
)

const benchBatch = 500

func benchPage() *Page {
	ch := sampleChanges(benchBatch)
	p := &Page{ID: 1, From: Cursor{1, 10000}, To: Cursor{1, 10000 + benchBatch}, More: true}
	for i, c := range ch {
		p.Entries = append(p.Entries, Entry{Seq: uint64(10001 + i), Change: c})
	}
	return p
}

func reportChanges(b *testing.B, perOp int, bytes int) {
	b.ReportMetric(float64(perOp*b.N)/b.Elapsed().Seconds(), "changes/s")
	if bytes > 0 {
		b.ReportMetric(float64(bytes)/float64(perOp), "B/change")
	}
}

// BenchmarkCodec encodes and decodes a page of realistic changes with each
// codec, in the same run, so the figures compare.
func BenchmarkCodec(b *testing.B) {
	p := benchPage()
	for _, name := range []string{"binary", "json"} {
		c := codecs()[name]
		enc, err := c.Encode(p)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name+"/encode", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Encode(p); err != nil {
					b.Fatal(err)
				}
			}
			reportChanges(b, benchBatch, len(enc))
		})
		b.Run(name+"/decode", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Decode(enc); err != nil {
					b.Fatal(err)
				}
			}
			reportChanges(b, benchBatch, len(enc))
		})
	}
}

// BenchmarkApply measures merging: folding entries into records on a
// device, and the server's Log.Apply of pushed batches.
func BenchmarkApply(b *testing.B) {
	p := benchPage()
	b.Run("merge", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			recs := map[RecID]*Record{}
			for _, e := range p.Entries {
				r := recs[e.Rec]
				if r == nil {
					r = NewRecord(e.Rec)
					recs[e.Rec] = r
				}
				r.Apply(e)
			}
		}
		reportChanges(b, benchBatch, 0)
	})
	b.Run("log", func(b *testing.B) {
		b.ReportAllocs()
		l := &Log{MaxSkew: time.Hour}
		who := Author{Device: p.Entries[0].Op.Device, User: p.Entries[0].By}
		batch := make([]Change, benchBatch)
		for i := range batch {
			batch[i] = p.Entries[i].Change
		}
		for b.Loop() {
			st := NewMemStore()
			if _, err := l.Apply(st, who, t0, batch); err != nil {
				b.Fatal(err)
			}
		}
		reportChanges(b, benchBatch, 0)
	})
}
