package sync

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// sampleChanges returns n realistic changes: a device editing fields of a
// few records, as a caseload sync would carry.
func sampleChanges(n int) []Change {
	fields := []string{"name", "phone", "address", "income_per_head", "categories", "stage_note", "root", "date"}
	values := []string{`"张小明"`, `"13800138000"`, `"甘肃省兰州市城关区东岗西路 12 号"`,
		`{"amount":45000,"area":"urban","per":"person","period":"month","unit":"yuan"}`,
		`["dibao","medical"]`, `"入户走访，了解家庭经济状况与就医需求，案主情绪稳定。"`, `"case/01JN6Z8Q2V3W4X5Y6Z7A8B9C0D"`, `"2025-03-01"`}
	out := make([]Change, n)
	for i := range out {
		rec := MakeRecID("person", 1740816000000+int64(i/len(fields)), [10]byte{byte(i / len(fields)), 7, 7})
		out[i] = Change{Op: Op{"01JN6Z8Q2V3W4X5Y6Z7A8B9C0D", uint64(1000 + i)}, Rec: rec, Field: fields[i%len(fields)],
			Value: values[i%len(values)], HLC: hlcAt(int64(i*3), uint16(i%2)), By: "user-" + strconv.Itoa(42), Base: 5000}
	}
	return out
}

func sampleMessages() []Message {
	ch := sampleChanges(12)
	var entries []Entry
	for i, c := range ch {
		entries = append(entries, Entry{Seq: uint64(7000 + i), Change: c})
	}
	return []Message{
		&Hello{Token: "tok", Device: "dev1", App: "1.2.3", Cursor: Cursor{2, 99}},
		&Welcome{ServerTime: 1740816000000, Epoch: 2, Reset: true, MinApp: "1.0.0"},
		&Push{ID: 7, Changes: ch},
		&Ack{ID: 7, Accepted: []Accepted{{Op{"dev1", 5}, 100}, {Op{"dev1", 6}, 101}}, Rejected: []Rejected{{Op{"dev1", 7}, CodeSchema, "未知字段"}}},
		&Pull{ID: 8, Cursor: Cursor{2, 99}, Limit: 500},
		&Page{ID: 8, From: Cursor{2, 99}, To: Cursor{2, 7011}, Entries: entries, More: true},
		&Page{ID: 9, From: Cursor{2, 7011}, To: Cursor{2, 7011}, Drop: []RecID{"case/01J0000000000000000000000A", "group/01J0000000000000000000000B"}},
		&Poke{},
		&Revoked{Reason: "lost tablet"},
		&ErrorMsg{Code: "auth", Message: "会话已过期"},
	}
}

func codecs() map[string]Codec { return map[string]Codec{"binary": Binary{}, "json": JSON{}} }

// normalize makes empty and nil slices compare equal.
func normalize(m Message) Message {
	switch m := m.(type) {
	case *Push:
		if len(m.Changes) == 0 {
			m.Changes = nil
		}
	case *Ack:
		if len(m.Accepted) == 0 {
			m.Accepted = nil
		}
		if len(m.Rejected) == 0 {
			m.Rejected = nil
		}
	case *Page:
		if len(m.Entries) == 0 {
			m.Entries = nil
		}
	}
	return m
}

func TestCodecRoundTrip(t *testing.T) {
	t.Parallel()
	for name, c := range codecs() {
		for _, m := range sampleMessages() {
			b, err := c.Encode(m)
			if err != nil {
				t.Fatalf("%s encode %v: %v", name, m.Type(), err)
			}
			got, err := c.Decode(b)
			if err != nil {
				t.Fatalf("%s decode %v: %v", name, m.Type(), err)
			}
			if !reflect.DeepEqual(normalize(got), normalize(m)) {
				t.Errorf("%s %v round trip:\n got  %+v\n want %+v", name, m.Type(), got, m)
			}
			// Every truncation is an error, never a panic.
			for i := range b {
				if _, err := c.Decode(b[:i]); err == nil && name == "binary" {
					t.Errorf("%s %v: truncated to %d decoded", name, m.Type(), i)
				}
			}
		}
	}
}

func TestCodecLimits(t *testing.T) {
	t.Parallel()
	small := Limits{MaxMessage: 4096, MaxBatch: 4, MaxValue: 16, MaxString: 8}
	for name, c := range map[string]Codec{"binary": Binary{small}, "json": JSON{small}} {
		big := []Message{
			&Push{Changes: sampleChanges(5)},
			&Push{Changes: []Change{{Op: Op{"d", 1}, Rec: rid("case", 1), Field: "a", Value: `"` + strings.Repeat("x", 20) + `"`, By: "u"}}},
			&Hello{Token: strings.Repeat("t", 9)},
			&Push{Changes: sampleChanges(4)}, // message too large? values exceed 16
		}
		for i, m := range big {
			if _, err := c.Encode(m); !errors.Is(err, ErrTooLarge) {
				t.Errorf("%s encode %d: %v, want ErrTooLarge", name, i, err)
			}
			b, err := codecs()[name].Encode(m)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Decode(b); !errors.Is(err, ErrTooLarge) {
				t.Errorf("%s decode %d: %v, want ErrTooLarge", name, i, err)
			}
		}
		if _, err := c.Decode(make([]byte, 5000)); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: oversized input: %v", name, err)
		}
	}
	if _, err := (Binary{}).Decode([]byte{2, 1}); !errors.Is(err, ErrVersion) {
		t.Errorf("version: %v", err)
	}
	// A count larger than the input must fail before allocating.
	if _, err := (Binary{}).Decode([]byte{1, byte(TPush), 0, 0xe8, 0x07}); !errors.Is(err, ErrMalformed) {
		t.Errorf("count: %v", err)
	}
}

func FuzzBinaryDecode(f *testing.F) {
	for _, m := range sampleMessages() {
		b, _ := Binary{}.Encode(m)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c := Binary{Limits{MaxMessage: 1 << 16, MaxBatch: 64, MaxValue: 1024, MaxString: 128}}
		m, err := c.Decode(b)
		if err != nil {
			return
		}
		b2, err := c.Encode(m)
		if err != nil {
			t.Fatalf("decoded %+v but cannot encode it: %v", m, err)
		}
		m2, err := c.Decode(b2)
		if err != nil || !reflect.DeepEqual(normalize(m), normalize(m2)) {
			t.Fatalf("re-encoding changed the message: %v\n%+v\n%+v", err, m, m2)
		}
	})
}

func FuzzJSONDecode(f *testing.F) {
	for _, m := range sampleMessages() {
		b, _ := JSON{}.Encode(m)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c := JSON{Limits{MaxMessage: 1 << 16, MaxBatch: 64, MaxValue: 1024, MaxString: 128}}
		m, err := c.Decode(b)
		if err != nil {
			return
		}
		if _, err := c.Encode(m); err != nil && !errors.Is(err, ErrTooLarge) {
			// Values that are not JSON cannot be re-encoded; anything else can.
			if !strings.Contains(err.Error(), "json") {
				t.Fatalf("decoded but cannot encode: %v", err)
			}
		}
	})
}

// PlainJSONString accepts exactly the strings encoding/json would write
// unchanged, and decodes them as encoding/json does.
func TestPlainJSONString(t *testing.T) {
	for _, s := range []string{"", "abc", "张三", "case/01J0000000000000000000000A", "a<b", "a&b", "q\"", "back\\slash",
		"tab\t", "line\u2028sep", "\xff\xfe", "emoji 🙂", "620102"} {
		canon, _ := json.Marshal(s)
		for _, v := range []string{string(canon), `"` + s + `"`} {
			got, ok := PlainJSONString(v)
			if !ok {
				continue
			}
			var want string
			if err := json.Unmarshal([]byte(v), &want); err != nil || got != want || v != string(canon) {
				t.Errorf("PlainJSONString(%q) = %q, accepted; json says %q (%v), canonical %s", v, got, want, err, canon)
			}
		}
		if got, ok := PlainJSONString(string(canon)); s == "abc" && (!ok || got != s) {
			t.Errorf("plain ASCII %q not accepted", s)
		}
	}
	if _, ok := PlainJSONString(`"张三"`); !ok {
		t.Error("plain Chinese text not accepted")
	}
}
