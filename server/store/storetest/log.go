package storetest

import (
	"errors"
	"reflect"
	"strings"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

func testEmpty(e *env) {
	e.check(e.s.Ping(e.ctx))
	if n := e.s.Size(); n < 0 {
		e.t.Errorf("Size = %d", n)
	}
	e.update(func(store.Tx) error { return nil })
	e.view(func(tx store.ReadTx) error {
		if n, err := tx.LastSeq(); err != nil || n != 0 {
			e.t.Errorf("LastSeq = %d, %v; want 0", n, err)
		}
		if n, err := tx.Epoch(); err != nil || n != 1 {
			e.t.Errorf("Epoch = %d, %v; want 1", n, err)
		}
		if l := logOf(e, tx, 0); len(l) != 0 {
			e.t.Errorf("Log = %v", l)
		}
		if n, err := tx.DeviceCounter("d1"); err != nil || n != 0 {
			e.t.Errorf("DeviceCounter = %d, %v", n, err)
		}
		if _, ok, err := tx.Applied(sync.Op{Device: "d1", Counter: 1}); err != nil || ok {
			e.t.Errorf("Applied = %v, %v", ok, err)
		}
		if _, ok, err := tx.Field("a/1", "x"); err != nil || ok {
			e.t.Errorf("Field = %v, %v", ok, err)
		}
		if f, err := tx.Fields("a/1"); err != nil || f != nil {
			e.t.Errorf("Fields = %v, %v; want nil", f, err)
		}
		for name, get := range map[string]func(string) ([]sync.RecID, error){
			"RootRecords": func(s string) ([]sync.RecID, error) { return tx.RootRecords(sync.RecID(s)) },
			"Assigned":    tx.Assigned,
			"DeviceRoots": tx.DeviceRoots,
		} {
			if ids, err := get("x"); err != nil || len(ids) != 0 {
				e.t.Errorf("%s = %v, %v", name, ids, err)
			}
		}
		if _, ok, err := tx.User("u1"); err != nil || ok {
			e.t.Errorf("User = %v, %v", ok, err)
		}
		if _, ok, err := tx.UserByName("alice"); err != nil || ok {
			e.t.Errorf("UserByName = %v, %v", ok, err)
		}
		if u, err := tx.Users(); err != nil || len(u) != 0 {
			e.t.Errorf("Users = %v, %v", u, err)
		}
		if _, ok, err := tx.Session([]byte("h")); err != nil || ok {
			e.t.Errorf("Session = %v, %v", ok, err)
		}
		if _, ok, err := tx.Device("d1"); err != nil || ok {
			e.t.Errorf("Device = %v, %v", ok, err)
		}
		if d, err := tx.Devices(""); err != nil || len(d) != 0 {
			e.t.Errorf("Devices = %v, %v", d, err)
		}
		if a := auditOf(e, tx, 0); len(a) != 0 {
			e.t.Errorf("Audit = %v", a)
		}
		return nil
	})
}

// testLog appends entries over two transactions and reads them back with
// every kind of after and early stop.
func testLog(e *env) {
	var want []sync.Entry
	for i := range 5 {
		x := entry(uint64(i+1), "dev-"+string(rune('a'+i%2)), uint64(10+i), sync.RecID("case/"+string(rune('A'+i))), "name", `"v"`)
		want = append(want, x)
	}
	// Odd content survives the round trip.
	want[1].Value = `"入户走访，` + strings.Repeat("案主情绪稳定。", 800) + `"`
	want[2].HLC = sync.HLC(1<<64 - 1)
	want[2].Base = 0
	want[3].Field = sync.FieldDeleted
	want[3].Value = sync.ValueTrue
	want[4].Value = `{"a":[1,2,{"b":null}]}`
	want[4].Base = 1<<64 - 1
	e.update(func(tx store.Tx) error {
		for _, x := range want[:3] {
			e.check(tx.Append(x))
		}
		if n, _ := tx.LastSeq(); n != 3 {
			e.t.Errorf("LastSeq inside the transaction = %d, want 3", n)
		}
		if got := logOf(e, tx, 0); !reflect.DeepEqual(got, want[:3]) {
			e.t.Errorf("Log inside the transaction:\n got %v\nwant %v", got, want[:3])
		}
		return nil
	})
	e.update(func(tx store.Tx) error {
		for _, x := range want[3:] {
			e.check(tx.Append(x))
		}
		return nil
	})
	e.view(func(tx store.ReadTx) error {
		if n, _ := tx.LastSeq(); n != 5 {
			e.t.Errorf("LastSeq = %d, want 5", n)
		}
		for after := range uint64(7) {
			got := logOf(e, tx, after)
			w := want[min(after, 5):]
			if len(w) == 0 {
				w = nil
			}
			if !reflect.DeepEqual(got, w) {
				e.t.Errorf("Log(%d):\n got %v\nwant %v", after, got, w)
			}
		}
		if got := logOf(e, tx, 1<<64-1); got != nil {
			e.t.Errorf("Log(max) = %v", got)
		}
		n := 0
		e.check(tx.Log(1, func(x sync.Entry) (bool, error) {
			n++
			return n < 2, nil
		}))
		if n != 2 {
			e.t.Errorf("Log went on after false: %d calls", n)
		}
		boom := errors.New("boom")
		if err := tx.Log(0, func(sync.Entry) (bool, error) { return true, boom }); !errors.Is(err, boom) {
			e.t.Errorf("Log returned %v, want the callback's error", err)
		}
		return nil
	})
}

// testLogRejectsGaps checks that Append wants e.Seq = LastSeq()+1.
func testLogRejectsGaps(e *env) {
	e.update(func(tx store.Tx) error { return tx.Append(entry(1, "d", 1, "a/1", "x", "1")) })
	for _, seq := range []uint64{0, 1, 3} {
		err := e.s.Update(e.ctx, func(tx store.Tx) error { return tx.Append(entry(seq, "d", 2, "a/1", "x", "1")) })
		if err == nil {
			e.t.Errorf("Append seq %d after 1 succeeded", seq)
		}
	}
	e.view(func(tx store.ReadTx) error {
		if l := logOf(e, tx, 0); len(l) != 1 {
			e.t.Errorf("log has %d entries, want 1", len(l))
		}
		if n, _ := tx.DeviceCounter("d"); n != 1 {
			e.t.Errorf("DeviceCounter = %d, want 1", n)
		}
		return nil
	})
}

// testApplied checks the op index and the device counters, including ops
// below the counter that were never applied and devices whose ids share a
// prefix.
func testApplied(e *env) {
	ops := []sync.Op{op("d1", 1), op("d1", 2), op("d2", 7), op("d1", 5), op("d1", 3), op("d10", 9), op("d", 4)}
	seqOf := map[sync.Op]uint64{}
	for i, op := range ops {
		seqOf[op] = uint64(i + 1)
	}
	probe := []sync.Op{op("d1", 4), op("d1", 6), op("d1", 9), op("d2", 1), op("d2", 8), op("d3", 1), op("d10", 1), op("d", 1), op("d1", 0)}
	check := func(tx store.ReadTx, upto int) {
		e.t.Helper()
		for i, op := range ops {
			seq, ok, err := tx.Applied(op)
			e.check(err)
			if i < upto && (!ok || seq != seqOf[op]) || i >= upto && ok {
				e.t.Errorf("Applied(%s) = %d, %v after %d appends", op, seq, ok, upto)
			}
		}
		for _, op := range probe {
			if seq, ok, err := tx.Applied(op); err != nil || ok {
				e.t.Errorf("Applied(%s) = %d, %v, %v; never applied", op, seq, ok, err)
			}
		}
		counters := map[string]uint64{}
		for _, op := range ops[:upto] {
			counters[op.Device] = max(counters[op.Device], op.Counter)
		}
		for _, dev := range []string{"d", "d1", "d2", "d10", "d3"} {
			if n, err := tx.DeviceCounter(dev); err != nil || n != counters[dev] {
				e.t.Errorf("DeviceCounter(%s) = %d, %v; want %d", dev, n, err, counters[dev])
			}
		}
	}
	e.update(func(tx store.Tx) error {
		check(tx, 0)
		for i, op := range ops[:4] {
			e.check(tx.Append(entry(uint64(i+1), op.Device, op.Counter, "a/1", "x", "1")))
			check(tx, i+1)
		}
		return nil
	})
	e.view(func(tx store.ReadTx) error { check(tx, 4); return nil })
	e.update(func(tx store.Tx) error {
		check(tx, 4)
		for i, op := range ops[4:] {
			e.check(tx.Append(entry(uint64(i+5), op.Device, op.Counter, "a/1", "x", "1")))
		}
		check(tx, len(ops))
		return nil
	})
	e.view(func(tx store.ReadTx) error { check(tx, len(ops)); return nil })
}

// testAppliedRuns checks the op index where implementations may keep
// runs of ops: consecutive counters with consecutive sequences, broken by
// another device, a gap in counters, a transaction boundary or a counter
// going down.
func testAppliedRuns(e *env) {
	txs := [][]sync.Op{
		{op("d3", 1), op("d3", 2), op("d3", 3), op("d3", 4), op("d3", 5), op("d4", 1), op("d3", 6), op("d3", 8), op("d3", 9)},
		{op("d3", 10), op(sync.ServerDevice, 11), op(sync.ServerDevice, 12), op("d5", 9), op("d5", 8), op("d5", 10)},
		{op("d3", 11), op("d5", 11)},
	}
	never := []sync.Op{op("d3", 0), op("d3", 7), op("d3", 12), op("d4", 2), op("d4", 0),
		op(sync.ServerDevice, 10), op(sync.ServerDevice, 13), op("d5", 7), op("d5", 12), op("d", 1)}
	seqOf := map[sync.Op]uint64{}
	check := func(tx store.ReadTx) {
		e.t.Helper()
		for o, want := range seqOf {
			if seq, ok, err := tx.Applied(o); err != nil || !ok || seq != want {
				e.t.Errorf("Applied(%s) = %d, %v, %v; want %d", o, seq, ok, err, want)
			}
		}
		for _, o := range never {
			if seq, ok, err := tx.Applied(o); err != nil || ok {
				e.t.Errorf("Applied(%s) = %d, %v, %v; never applied", o, seq, ok, err)
			}
		}
	}
	var seq uint64
	for _, ops := range txs {
		e.update(func(tx store.Tx) error {
			for _, o := range ops {
				seq++
				e.check(tx.Append(entry(seq, o.Device, o.Counter, "a/1", "x", "1")))
				seqOf[o] = seq
				check(tx)
			}
			return nil
		})
		e.view(func(tx store.ReadTx) error { check(tx); return nil })
	}
	e.view(func(tx store.ReadTx) error {
		for dev, want := range map[string]uint64{"d3": 11, "d4": 1, "d5": 11, sync.ServerDevice: 12} {
			if n := must(tx.DeviceCounter(dev)).in(e); n != want {
				e.t.Errorf("DeviceCounter(%s) = %d, want %d", dev, n, want)
			}
		}
		return nil
	})
}

// counterSetter is a method the server's push path calls that store.Tx
// does not declare yet; testSetDeviceCounter checks it where it exists.
type counterSetter interface {
	SetDeviceCounter(device string, counter uint64) error
}

// testSetDeviceCounter checks that SetDeviceCounter raises a device's
// counter, never lowers it, is rolled back with its transaction, and does
// not make an op look applied.
func testSetDeviceCounter(e *env) {
	var missing bool
	e.update(func(tx store.Tx) error {
		cs, ok := tx.(counterSetter)
		if !ok {
			missing = true
			return nil
		}
		e.check(tx.Append(entry(1, "d1", 3, "a/1", "x", "1")))
		e.check(cs.SetDeviceCounter("d1", 7))
		e.check(cs.SetDeviceCounter("d1", 5))
		e.check(cs.SetDeviceCounter("d2", 2))
		return nil
	})
	if missing {
		e.t.Skip("the store's Tx has no SetDeviceCounter")
	}
	err := e.s.Update(e.ctx, func(tx store.Tx) error {
		e.check(tx.(counterSetter).SetDeviceCounter("d1", 9))
		return errors.New("boom")
	})
	if err == nil {
		e.t.Fatal("Update succeeded")
	}
	e.view(func(tx store.ReadTx) error {
		for dev, want := range map[string]uint64{"d1": 7, "d2": 2} {
			if n := must(tx.DeviceCounter(dev)).in(e); n != want {
				e.t.Errorf("DeviceCounter(%s) = %d, want %d", dev, n, want)
			}
		}
		for _, o := range []sync.Op{op("d1", 5), op("d1", 7), op("d2", 2)} {
			if _, ok, _ := tx.Applied(o); ok {
				e.t.Errorf("Applied(%s) after SetDeviceCounter", o)
			}
		}
		if seq, ok, _ := tx.Applied(op("d1", 3)); !ok || seq != 1 {
			e.t.Errorf("Applied(d1:3) = %d, %v", seq, ok)
		}
		return nil
	})
}

// testFields checks field states: overwrite, reading one's own writes, and
// that a record's fields never include another's whose id it starts.
func testFields(e *env) {
	fs := func(v string, seq uint64) sync.FieldState {
		return sync.FieldState{Value: v, HLC: sync.MakeHLC(1740816000000, uint16(seq)), Op: sync.Op{Device: "dev", Counter: seq}, By: "user-1", Seq: seq}
	}
	want := map[sync.RecID]map[string]sync.FieldState{
		"a/1":  {"x": fs(`"一"`, 1), "y": fs(`2`, 2), sync.FieldDeleted: fs(sync.ValueFalse, 3), "x_": fs(`""`, 4)},
		"a/10": {"x": fs(`10`, 5)},
		"a/":   {"z": fs(`null`, 6)},
		"b/1":  {"x": fs(`{"k":[1]}`, 7)},
	}
	e.update(func(tx store.Tx) error {
		e.check(tx.SetField("a/1", "x", fs(`"old"`, 0)))
		for rec, fields := range want {
			for name, f := range fields {
				e.check(tx.SetField(rec, name, f))
			}
		}
		if f, ok, err := tx.Field("a/1", "x"); err != nil || !ok || f != want["a/1"]["x"] {
			e.t.Errorf("Field inside the transaction = %+v, %v, %v", f, ok, err)
		}
		return nil
	})
	var kept map[string]sync.FieldState
	e.view(func(tx store.ReadTx) error {
		for rec, fields := range want {
			got, err := tx.Fields(rec)
			e.check(err)
			if !reflect.DeepEqual(got, fields) {
				e.t.Errorf("Fields(%s):\n got %v\nwant %v", rec, got, fields)
			}
			for name, f := range fields {
				if g, ok, err := tx.Field(rec, name); err != nil || !ok || g != f {
					e.t.Errorf("Field(%s, %s) = %+v, %v, %v; want %+v", rec, name, g, ok, err, f)
				}
			}
		}
		for _, rec := range []sync.RecID{"a", "a/100", "b/", "b/10", "c/1"} {
			if got, err := tx.Fields(rec); err != nil || got != nil {
				e.t.Errorf("Fields(%s) = %v, %v; want nil", rec, got, err)
			}
		}
		if _, ok, _ := tx.Field("a/1", "z"); ok {
			e.t.Error("Field(a/1, z) found")
		}
		if _, ok, _ := tx.Field("a/10", "y"); ok {
			e.t.Error("Field(a/10, y) found")
		}
		var err error
		kept, err = tx.Fields("a/10")
		return err
	})
	e.update(func(tx store.Tx) error { return tx.SetField("a/10", "x", fs(`11`, 8)) })
	if kept["x"] != want["a/10"]["x"] {
		e.t.Errorf("a map returned by Fields changed after a later write: %v", kept)
	}
}
