package sync

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	stdsync "sync"
	"sync/atomic"
	"testing"
	"time"
)

var (
	flagSeed  = flag.Uint64("seed", 0, "replay one simulation seed")
	flagSeeds = flag.Int("seeds", 0, "number of simulation seeds (default depends on platform)")
)

const simReplicas = 5

type simReplica struct {
	dev, user string
	store     *MemClientStore
	sess      *Session
	time      *ManualTime
	known     []RecID
	made      []Change          // every change this replica made
	notes     map[RecID]*Record // append-only records as last seen
}

type sim struct {
	seed  uint64
	rng   *rand.Rand
	srv   *simServer
	reps  []*simReplica
	codec Codec
	nrec  int
	lost  bool // whether the network is faulty
}

func (s *sim) failf(format string, args ...any) error {
	return fmt.Errorf("seed %d: %s", s.seed, fmt.Sprintf(format, args...))
}

func newSim(seed uint64) *sim {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	start := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	s := &sim{seed: seed, rng: rng, srv: newSimServer(start), lost: true}
	if rng.IntN(2) == 0 {
		s.codec = Binary{}
	} else {
		s.codec = JSON{}
	}
	for i := range simReplicas {
		r := &simReplica{
			dev:   "dev" + strconv.Itoa(i),
			user:  "u" + strconv.Itoa(i%3),
			time:  &ManualTime{T: start.Add(time.Duration(rng.IntN(5000)-2500) * time.Millisecond)},
			notes: map[RecID]*Record{},
		}
		r.store = NewMemClientStore(r.dev)
		s.restart(r)
		s.reps = append(s.reps, r)
	}
	return s
}

func (s *sim) restart(r *simReplica) {
	cfg := SessionConfig{Codec: s.codec, PushBatch: 1 + s.rng.IntN(6), PullLimit: uint32(1 + s.rng.IntN(8)), Retries: 2 + s.rng.IntN(3)}
	sess, err := NewSession(context.Background(), r.store, r.time, cfg)
	if err != nil {
		panic(err)
	}
	r.sess = sess
}

func (s *sim) newID(typ string) RecID {
	s.nrec++
	var ent [10]byte
	for i := range ent {
		ent[i] = byte(s.rng.IntN(256))
	}
	return MakeRecID(typ, int64(s.nrec), ent)
}

var simValues = []string{`1`, `2`, `"x"`, `"长"`, `null`, `{"amount":100,"unit":"yuan"}`}

// seenMax is the greatest HLC held anywhere in the replica's store: what
// the device has seen (invariant 6 is checked against it).
func seenMax(r *simReplica) HLC {
	var m HLC
	for _, rec := range r.store.recs {
		for _, f := range rec.Fields {
			m = max(m, f.HLC)
		}
	}
	out, _ := r.store.Outbox(context.Background())
	for _, c := range out {
		m = max(m, c.HLC)
	}
	rej, _ := r.store.Rejected(context.Background())
	for _, c := range rej {
		m = max(m, c.HLC)
	}
	return m
}

func (s *sim) edit(r *simReplica, edits ...Edit) error {
	before := seenMax(r)
	changes, err := r.sess.Edit(context.Background(), r.user, edits...)
	if err != nil {
		return s.failf("%s edit: %v", r.dev, err)
	}
	for _, c := range changes {
		if c.HLC <= before { // invariant 6
			return s.failf("%s made %v with hlc %v not after seen %v", r.dev, c.Op, c.HLC, before)
		}
		before = c.HLC
	}
	r.made = append(r.made, changes...)
	for _, e := range edits {
		if !slices.Contains(r.known, e.Rec) {
			r.known = append(r.known, e.Rec)
		}
	}
	return nil
}

func (s *sim) pick(r *simReplica, typ string) (RecID, bool) {
	var c []RecID
	for _, id := range r.known {
		if id.Type() == typ {
			c = append(c, id)
		}
	}
	if len(c) == 0 {
		return "", false
	}
	return c[s.rng.IntN(len(c))], true
}

func (s *sim) step() error {
	r := s.reps[s.rng.IntN(len(s.reps))]
	ctx := context.Background()
	switch n := s.rng.IntN(100); {
	case n < 8: // create a case
		id := s.newID("case")
		return s.edit(r, Edit{id, FieldRoot, jsonString(string(id))}, Edit{id, "a", simValues[s.rng.IntN(len(simValues))]})
	case n < 14: // append a note
		parent, ok := s.pick(r, "case")
		if !ok {
			return nil
		}
		id := s.newID("note")
		return s.edit(r, Edit{id, FieldRoot, jsonString(string(parent))}, Edit{id, "text", jsonString("note " + strconv.Itoa(s.nrec))})
	case n < 40: // edit a field
		id, ok := s.pick(r, "case")
		if !ok {
			return nil
		}
		f := []string{"a", "b", "c"}[s.rng.IntN(3)]
		return s.edit(r, Edit{id, f, simValues[s.rng.IntN(len(simValues))]})
	case n < 44: // delete or restore
		id, ok := s.pick(r, "case")
		if !ok {
			return nil
		}
		return s.edit(r, Edit{id, FieldDeleted, []string{ValueTrue, ValueFalse}[s.rng.IntN(2)]})
	case n < 46: // try to change a note: must be rejected
		id, ok := s.pick(r, "note")
		if !ok {
			return nil
		}
		if s.rng.IntN(2) == 0 {
			return s.edit(r, Edit{id, FieldDeleted, ValueTrue})
		}
		return s.edit(r, Edit{id, "text", `"rewritten"`})
	case n < 52: // resolve a conflict this replica sees
		var open []*Record
		for _, rec := range r.store.recs {
			if rec.ID.Type() == ConflictType {
				_, full := rec.Get(ConflictWinner)
				if v, _ := rec.Get(ConflictResolved); v != ValueTrue && full {
					open = append(open, rec)
				}
			}
		}
		if len(open) == 0 {
			return nil
		}
		slices.SortFunc(open, func(a, b *Record) int { return cmpStr(string(a.ID), string(b.ID)) })
		c := open[s.rng.IntN(len(open))]
		v, _ := c.Get([]string{ConflictValueA, ConflictValueB}[s.rng.IntN(2)])
		if k, _ := c.Get(ConflictKind); k == jsonString(KindDelete) {
			v = []string{ValueTrue, ValueFalse}[s.rng.IntN(2)]
		}
		before := seenMax(r)
		changes, err := r.sess.Resolve(ctx, r.user, c, v)
		if err != nil {
			return s.failf("resolve: %v", err)
		}
		if changes[0].HLC <= before {
			return s.failf("resolve hlc %v not after %v", changes[0].HLC, before)
		}
		r.made = append(r.made, changes...)
		return nil
	case n < 55: // restart the app
		s.restart(r)
	case n < 62: // clocks move, sometimes backwards
		r.time.Advance(time.Duration(s.rng.IntN(4000)-1000) * time.Millisecond)
		s.srv.time.Advance(time.Duration(s.rng.IntN(3000)) * time.Millisecond)
	default: // sync over a faulty connection
		return s.sync(r, s.lost)
	}
	return nil
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (s *sim) sync(r *simReplica, faulty bool) error {
	c := &simConn{rng: s.rng, srv: s.srv, codec: s.codec, who: Author{Device: r.dev, User: r.user}, budget: -1}
	if faulty {
		c.drop, c.dup, c.reorder = 0.1, 0.1, true
		if s.rng.IntN(3) == 0 {
			c.budget = s.rng.IntN(12)
		}
	}
	_, err := r.sess.Sync(context.Background(), c)
	if s.srv.fail != nil {
		return s.failf("server: %v", s.srv.fail)
	}
	if err != nil && !faulty {
		return s.failf("%s sync on a good network: %v", r.dev, err)
	}
	for id := range r.store.recs {
		if !slices.Contains(r.known, id) && id.Type() != ConflictType {
			r.known = append(r.known, id)
		}
	}
	return s.checkNotes(r)
}

// checkNotes checks invariant 7 on one replica: append-only records only
// grow.
func (s *sim) checkNotes(r *simReplica) error {
	for id, rec := range r.store.recs {
		if id.Type() != "note" {
			continue
		}
		if old := r.notes[id]; old != nil {
			for f, st := range old.Fields {
				if rec.Fields[f].Value != st.Value || rec.Fields[f].Op != st.Op {
					return s.failf("%s: append-only %s field %s changed", r.dev, id, f)
				}
			}
		}
		r.notes[id] = rec.Clone()
	}
	return nil
}

func runSim(seed uint64, steps int) error {
	s := newSim(seed)
	for range steps {
		if err := s.step(); err != nil {
			return err
		}
	}
	// Heal: a good network; everyone pushes, then everyone pulls.
	s.lost = false
	for range 2 {
		for _, r := range s.reps {
			if err := s.sync(r, false); err != nil {
				return err
			}
		}
	}
	return s.check()
}

func (s *sim) check() error {
	ctx := context.Background()
	log := s.srv.store.Log()
	for i, e := range log { // invariant 5
		if e.Seq != uint64(i)+1 {
			return s.failf("log seq %d at %d", e.Seq, i)
		}
	}
	want := s.srv.store.Records()
	// Invariants 1 and 2: any order, with repeats, gives the server's state.
	for _, order := range [][]Entry{log, shuffled(s.rng, log, true)} {
		got := fold(order)
		if err := sameRecords(want, got); err != nil {
			return s.failf("fold: %v", err)
		}
	}
	for _, r := range s.reps {
		if err := sameRecords(want, r.store.All()); err != nil {
			return s.failf("replica %s: %v", r.dev, err)
		}
		out, _ := r.store.Outbox(ctx)
		if len(out) != 0 {
			return s.failf("replica %s: %d changes still in outbox", r.dev, len(out))
		}
		// Nothing dropped silently: every change is in the log or rejected.
		rej, _ := r.store.Rejected(ctx)
		rejected := map[Op]bool{}
		for _, x := range rej {
			rejected[x.Op] = true
		}
		for _, c := range r.made {
			if _, ok, _ := s.srv.store.Applied(c.Op); !ok && !rejected[c.Op] {
				return s.failf("replica %s: change %v neither applied nor rejected", r.dev, c.Op)
			}
		}
	}
	// Invariant 4: a fresh device pulling in small pages with interruptions.
	fresh := &simReplica{dev: "fresh", user: "u0", time: &ManualTime{T: s.srv.time.T}, notes: map[RecID]*Record{}}
	fresh.store = NewMemClientStore("fresh")
	s.restart(fresh)
	for i := 0; ; i++ {
		c := &simConn{rng: s.rng, srv: s.srv, codec: s.codec, who: Author{Device: "fresh", User: "u0"}, budget: 3 + s.rng.IntN(6)}
		if _, err := fresh.sess.Sync(ctx, c); err == nil {
			break
		}
		if i > 10000 {
			return s.failf("fresh replica never caught up")
		}
	}
	if err := sameRecords(want, fresh.store.All()); err != nil {
		return s.failf("fresh replica: %v", err)
	}
	// Invariant 7 on the log: one write per field of an append-only record.
	seen := map[[2]string]bool{}
	for _, e := range log {
		if e.Rec.Type() == "note" {
			k := [2]string{string(e.Rec), e.Field}
			if seen[k] || e.Field == FieldDeleted {
				return s.failf("append-only %s.%s written twice", e.Rec, e.Field)
			}
			seen[k] = true
		}
	}
	// Invariant 8: conflict records exist exactly where the reference finds them.
	exp := refConflicts(log)
	got := map[RecID]bool{}
	for id, rec := range want {
		if id.Type() != ConflictType {
			continue
		}
		got[id] = true
		pair, ok := exp[id]
		if !ok {
			return s.failf("unexpected conflict %s", id)
		}
		a, _ := rec.Get(ConflictOpA)
		b, _ := rec.Get(ConflictOpB)
		if a != jsonString(pair[0].String()) || b != jsonString(pair[1].String()) {
			return s.failf("conflict %s: ops %s %s, want %v", id, a, b, pair)
		}
	}
	for id := range exp {
		if !got[id] {
			return s.failf("missing conflict %s", id)
		}
	}
	return nil
}

// refConflicts is the reference model of conflict detection: a naive replay
// of the client changes of the log in sequence order, keeping every write.
func refConflicts(log []Entry) map[RecID][2]Op {
	prior := map[[2]string][]Entry{}
	winner := func(rec RecID, field string) (Entry, bool) {
		var w Entry
		ws := prior[[2]string{string(rec), field}]
		for _, e := range ws {
			if Compare(e.HLC, e.Op, w.HLC, w.Op) > 0 {
				w = e
			}
		}
		return w, len(ws) > 0
	}
	out := map[RecID][2]Op{}
	add := func(a, b Entry) {
		x, y := a.Op, b.Op
		if x.Compare(y) > 0 {
			x, y = y, x
		}
		out[ConflictID(a.Op, b.Op, max(a.HLC, b.HLC))] = [2]Op{x, y}
	}
	unseen := func(w, e Entry) bool { return w.Seq > e.Base && w.Op.Device != e.Op.Device }
	for _, e := range log {
		if e.Op.Device == ServerDevice {
			continue
		}
		if w, ok := winner(e.Rec, e.Field); ok && unseen(w, e) && w.Value != e.Value {
			add(w, e)
		}
		if e.Field != FieldDeleted {
			if d, ok := winner(e.Rec, FieldDeleted); ok && d.Value == ValueTrue && unseen(d, e) {
				add(d, e)
			}
		} else if e.Value == ValueTrue {
			var best Entry
			found := false
			for k := range prior {
				if k[0] != string(e.Rec) || k[1] == FieldDeleted {
					continue
				}
				if w, _ := winner(e.Rec, k[1]); unseen(w, e) && (!found || w.Seq > best.Seq) {
					best, found = w, true
				}
			}
			if found {
				add(best, e)
			}
		}
		k := [2]string{string(e.Rec), e.Field}
		prior[k] = append(prior[k], e)
	}
	return out
}

func shuffled(rng *rand.Rand, log []Entry, dup bool) []Entry {
	out := slices.Clone(log)
	if dup {
		for _, e := range log {
			if rng.IntN(3) == 0 {
				out = append(out, e)
			}
		}
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func fold(entries []Entry) map[RecID]*Record {
	out := map[RecID]*Record{}
	for _, e := range entries {
		r := out[e.Rec]
		if r == nil {
			r = NewRecord(e.Rec)
			out[e.Rec] = r
		}
		r.Apply(e)
	}
	return out
}

func sameRecords(want, got map[RecID]*Record) error {
	if len(want) != len(got) {
		return fmt.Errorf("%d records, want %d", len(got), len(want))
	}
	for _, id := range slices.Sorted(maps.Keys(want)) {
		g := got[id]
		if g == nil {
			return fmt.Errorf("missing %s", id)
		}
		if !want[id].Equal(g) {
			return fmt.Errorf("record %s differs:\n got  %v\n want %v", id, g.Fields, want[id].Fields)
		}
	}
	return nil
}

func simSeeds() int {
	switch {
	case *flagSeeds > 0:
		return *flagSeeds
	case runtime.GOOS == "js" || testing.Short():
		return 200
	case raceEnabled:
		return 300
	}
	return 2500
}

// TestSimulation runs the randomized multi-replica simulation. A failure
// prints its seed; replay it with -seed N.
func TestSimulation(t *testing.T) {
	t.Parallel()
	const steps = 150
	if *flagSeed != 0 {
		if err := runSim(*flagSeed, steps); err != nil {
			t.Fatal(err)
		}
		return
	}
	n := simSeeds()
	base := uint64(time.Now().UnixNano())
	t.Logf("seeds %d..%d (replay one with -seed N)", base, base+uint64(n)-1)
	var next atomic.Uint64
	var failed atomic.Bool
	var wg stdsync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := next.Add(1) - 1
				if i >= uint64(n) {
					return
				}
				if err := runSim(base+i, steps); err != nil {
					failed.Store(true)
					t.Errorf("%v\nreplay: go test ./shared/sync -run TestSimulation -seed %d", err, base+i)
				}
			}
		}()
	}
	wg.Wait()
}
