package local

import (
	"errors"
	"testing"

	"jiuzhu/shared/sync"
)

func sampleRecord() *sync.Record {
	id := sync.MakeRecID("case", 1_700_000_000_000, [10]byte{1, 2, 3})
	r := sync.NewRecord(id)
	for i, f := range []string{"name", "id_number", "root", "note"} {
		r.Apply(sync.Entry{Seq: uint64(10 + i), Change: sync.Change{Op: sync.Op{Device: "dev-a", Counter: uint64(i + 1)},
			Rec: id, Field: f, Value: `"张三 ` + f + `"`, HLC: sync.MakeHLC(1_700_000_000_000, uint16(i)), By: "u-1"}})
	}
	return r
}

func TestCodecRoundTrip(t *testing.T) {
	t.Parallel()
	r := sampleRecord()
	got, err := decodeRecord(r.ID, encodeRecord(r))
	if err != nil || !got.Equal(r) {
		t.Fatalf("record: %+v, %v", got, err)
	}
	empty := sync.NewRecord(r.ID)
	if got, err := decodeRecord(r.ID, encodeRecord(empty)); err != nil || !got.Equal(empty) {
		t.Fatalf("empty record: %+v, %v", got, err)
	}
	c := sync.Change{Op: sync.Op{Device: "d", Counter: 9}, Rec: r.ID, Field: "f", Value: `{"x":1}`, HLC: 123456789, By: "u", Base: 4}
	if got, err := decodeChange(encodeChange(&c)); err != nil || got != c {
		t.Fatalf("change: %+v, %v", got, err)
	}
	rc := sync.RejectedChange{Change: c, Code: "schema", Message: "字段无效"}
	if got, err := decodeRejected(encodeRejected(&rc)); err != nil || got != rc {
		t.Fatalf("rejected: %+v, %v", got, err)
	}
	m := sync.ClientMeta{Device: "dev", Counter: 1 << 40, Clock: 1 << 60, Cursor: sync.Cursor{Epoch: 3, Seq: 1 << 33}}
	if got, err := decodeMeta(encodeMeta(&m)); err != nil || got != m {
		t.Fatalf("meta: %+v, %v", got, err)
	}
	if got, err := decodeStrings(encodeStrings("tok", "", "dev")); err != nil || len(got) != 3 || got[0] != "tok" || got[2] != "dev" {
		t.Fatalf("strings: %q, %v", got, err)
	}
}

func TestCodecRejectsTruncated(t *testing.T) {
	t.Parallel()
	b := encodeRecord(sampleRecord())
	for n := range len(b) {
		if _, err := decodeRecord("case/x", b[:n]); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("decoding %d of %d bytes: %v", n, len(b), err)
		}
	}
	if _, err := decodeRecord("case/x", append(b, 0)); !errors.Is(err, ErrCorrupt) {
		t.Fatal("trailing byte accepted")
	}
}

func TestSealBindsKeyAndPlace(t *testing.T) {
	t.Parallel()
	s, _ := newSealer(newKey())
	other, _ := newSealer(newKey())
	plain := []byte("张三 62010219800101123X")
	a := s.seal(plain, adRecord("case/A"))
	b := s.seal(plain, adRecord("case/A"))
	if string(a) == string(b) {
		t.Fatal("two seals of the same value are equal: nonce reused")
	}
	if got, err := s.open(a, adRecord("case/A")); err != nil || string(got) != string(plain) {
		t.Fatalf("open: %q, %v", got, err)
	}
	if _, err := s.open(a, adRecord("case/B")); !errors.Is(err, ErrCorrupt) {
		t.Fatal("a value opened under another record id")
	}
	if _, err := other.open(a, adRecord("case/A")); !errors.Is(err, ErrCorrupt) {
		t.Fatal("a value opened with another key")
	}
	a[len(a)-1] ^= 1
	if _, err := s.open(a, adRecord("case/A")); !errors.Is(err, ErrCorrupt) {
		t.Fatal("an altered value opened")
	}
	if _, err := s.open(a[:10], nil); !errors.Is(err, ErrCorrupt) {
		t.Fatal("a short value opened")
	}
}

func TestDOMErrorMapping(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		want error
	}{
		{"QuotaExceededError", ErrQuota},
		{"ConstraintError", ErrDuplicateOp},
		{"AbortError", ErrAborted},
		{"InvalidStateError", ErrClosed},
		{"OperationError", ErrCorrupt},
	} {
		if err := domError(tc.name, "msg"); !errors.Is(err, tc.want) {
			t.Errorf("domError(%s) = %v, want %v", tc.name, err, tc.want)
		}
	}
	err := domError("QuotaExceededError", "The quota has been exceeded.")
	if msg := err.Error(); msg == "" || !errors.Is(err, ErrQuota) {
		t.Errorf("quota error = %q", msg)
	}
	var de *DOMError
	if err := domError("UnknownError", "disk"); !errors.As(err, &de) || de.Name != "UnknownError" {
		t.Errorf("unknown error = %v", err)
	}
}
