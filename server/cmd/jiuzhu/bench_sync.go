package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"

	"jiuzhu/server"
	"jiuzhu/server/client"
	"jiuzhu/server/store"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// benchSyncResult is what `bench sync` prints.
type benchSyncResult struct {
	Devices        int     `json:"devices"`
	Batch          int     `json:"batch"`
	Changes        int     `json:"changes"` // accepted by the server
	Seconds        float64 `json:"seconds"` // first push sent → last ack received
	ChangesPerSec  float64 `json:"changes_per_sec"`
	AckP50         float64 `json:"ack_p50_ms"`
	AckP99         float64 `json:"ack_p99_ms"`
	RawBboltPerSec float64 `json:"raw_bbolt_per_sec"` // records keyed by record and field
	Ratio          float64 `json:"ratio"`             // changes_per_sec / raw_bbolt_per_sec
	// The same raw writes keyed by a running sequence instead (appends at
	// the end of the B+tree: bbolt's cheapest possible write), and the
	// ratio against that.
	RawSeqPerSec float64 `json:"raw_bbolt_seq_keys_per_sec"`
	RatioSeq     float64 `json:"ratio_seq_keys"`
}

const benchSyncUsage = `Usage: jiuzhu bench sync --devices N --changes M [--batch B] [--data DIR]

Starts a server in this process (bbolt in DIR, default a temporary
directory), logs in N native devices (one worker each) and has them push M
changes each at once over websockets, B changes per push. The per-device
rate limit is lifted (RatePerDevice 1e9) for the run. Then writes the same
changes straight into a fresh bbolt file, one transaction per batch of B,
and prints one JSON line: changes/s, ack latency p50/p99, raw bbolt
writes/s and their ratio (goal: ratio ≥ 0.5 with 50 devices).`

func runBenchSync(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := toolFlags("bench sync", stderr)
	devices := fs.Int("devices", 10, "devices pushing at once (one worker each)")
	changes := fs.Int("changes", 1000, "changes each device pushes")
	batch := fs.Int("batch", 200, "changes per push")
	data := fs.String("data", "", "data directory (default: a temporary directory, removed afterwards)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the push phase to this file")
	if code := parseTool(fs, args, benchSyncUsage, func() string {
		switch {
		case *devices < 1:
			return "--devices must be at least 1"
		case *changes < 1:
			return "--changes must be at least 1"
		case *batch < 1 || *batch > sync.DefaultLimits.MaxBatch:
			return fmt.Sprintf("--batch must be 1 to %d", sync.DefaultLimits.MaxBatch)
		}
		return ""
	}); code >= 0 {
		return code
	}
	res, err := benchSync(ctx, *data, *devices, *changes, *batch, *profile)
	if err != nil {
		return fail(stderr, "bench sync", err)
	}
	if err := writeJSON(stdout, res); err != nil {
		return fail(stderr, "bench sync", err)
	}
	return 0
}

func benchSync(ctx context.Context, dirFlag string, nDev, nChanges, batch int, profile string) (benchSyncResult, error) {
	res := benchSyncResult{Devices: nDev, Batch: batch}
	dir, cleanup, err := dataDir(dirFlag, "jiuzhu-bench-sync-*")
	if err != nil {
		return res, err
	}
	defer cleanup()
	ls, err := startServer(ctx, server.Config{DataDir: filepath.Join(dir, "server"), RatePerDevice: 1e9})
	if err != nil {
		return res, err
	}
	defer ls.stop()

	// One worker per device, in five teams; names unique per run so that
	// --data can be reused.
	run := time.Now().Format("150405.000")
	devs := make([]*client.Device, nDev)
	err = parallel(nDev, runtime.GOMAXPROCS(0), func(i int) error {
		name := fmt.Sprintf("bench%s-%d", run, i)
		if _, err := ls.srv.AddUser(ctx, server.NewUser{Name: name, Password: toolPassword, Role: store.RoleWorker,
			Team: fmt.Sprintf("team%d", i%5), Org: "620102"}); err != nil {
			return err
		}
		d, err := client.Login(ctx, ls.URL, name, toolPassword)
		if err != nil {
			return err
		}
		if err := withSession(ctx, d, sync.SessionConfig{PushBatch: batch}); err != nil {
			return err
		}
		g := newTextGen(1, uint64(i))
		if err := d.Edit(ctx, benchEdits(g, d.User.ID, nChanges)...); err != nil {
			return err
		}
		devs[i] = d
		return nil
	})
	if err != nil {
		return res, err
	}
	// The raw bbolt run writes what the devices push, batched as they push it.
	var batches [][]sync.Change
	for _, d := range devs {
		out, err := d.Store.Outbox(ctx)
		if err != nil {
			return res, err
		}
		for len(out) > 0 {
			n := min(batch, len(out))
			batches = append(batches, out[:n])
			out = out[n:]
		}
	}

	meters := make([]*meterConn, nDev)
	stopProfile, err := startCPUProfile(profile)
	if err != nil {
		return res, err
	}
	err = parallel(nDev, 0, func(i int) error {
		m := &meterConn{timing: true, stopAtPull: true}
		meters[i] = m
		_, err := syncMetered(ctx, devs[i], m)
		if !errors.Is(err, errStopAtPull) {
			return fmt.Errorf("device %d: %v", i, err)
		}
		return nil
	})
	stopProfile()
	if err != nil {
		return res, err
	}
	var start, end time.Time
	var lat []time.Duration
	rejected := 0
	for _, m := range meters {
		if start.IsZero() || m.firstPush.Before(start) {
			start = m.firstPush
		}
		res.Changes += m.accepted
		rejected += m.rejected
		lat = append(lat, m.latency...)
		if m.lastAck.After(end) {
			end = m.lastAck
		}
	}
	if rejected > 0 {
		rej, _ := devs[0].Session.Rejected(ctx)
		return res, fmt.Errorf("the server rejected %d changes (first device: %+v)", rejected, rej[:min(len(rej), 1)])
	}
	if err := ls.stop(); err != nil {
		return res, err
	}
	elapsed := end.Sub(start).Seconds()
	res.Seconds = round2(elapsed)
	res.ChangesPerSec = round2(float64(res.Changes) / elapsed)
	res.AckP50, res.AckP99 = percentileMS(lat, 50), percentileMS(lat, 99)

	// Raw bbolt's rate varies from run to run more than the server's: take
	// the median of three, for each way of keying.
	median := func(byRecord bool) (float64, error) {
		var raws []float64
		for range 3 {
			raw, err := rawBolt(filepath.Join(dir, "raw-bbolt.db"), batches, byRecord)
			if err != nil {
				return 0, err
			}
			raws = append(raws, raw)
		}
		slices.Sort(raws)
		return raws[1], nil
	}
	raw, err := median(true)
	if err != nil {
		return res, err
	}
	rawSeq, err := median(false)
	if err != nil {
		return res, err
	}
	res.RawBboltPerSec, res.RawSeqPerSec = round2(raw), round2(rawSeq)
	res.Ratio = math.Round(res.ChangesPerSec/raw*1000) / 1000
	res.RatioSeq = math.Round(res.ChangesPerSec/rawSeq*1000) / 1000
	return res, nil
}

// benchEdits returns n edits by worker: cases created (root, title,
// worker, opened, division, categories, methods) and then edited (title
// twice, opened once), ten changes per case.
func benchEdits(g *textGen, worker string, n int) []sync.Edit {
	out := make([]sync.Edit, 0, n+10)
	ms := time.Now().UnixMilli()
	for len(out) < n {
		id := g.recID(model.TypeCase, ms)
		name := g.name()
		_, division := g.address()
		e := func(field, value string) { out = append(out, sync.Edit{Rec: id, Field: field, Value: value}) }
		e(sync.FieldRoot, model.Str(string(id)))
		e("title", model.Str(name+pick(g, titleKinds)))
		e("worker", model.Str(worker))
		e("opened", model.Str("2026-03-01"))
		e("division", model.Str(division))
		e("categories", g.codes(model.ListTarget, 2))
		e("methods", g.codes(model.ListMethod, 2))
		e("title", model.Str(name+pick(g, titleKinds)+"（复核）"))
		e("opened", model.Str("2026-03-02"))
		e("title", model.Str(name+pick(g, titleKinds)+"（结案评估）"))
	}
	return out[:n]
}

// rawBolt writes the batches into a fresh bbolt file at path, one
// transaction (fsynced on commit, as the store's are) per batch and one Put
// per change: the value is the change's standalone Binary encoding (a
// one-change Push, the size the change has on its own); the key is the
// record and field (byRecord: "the same records written straight into
// bbolt") or an 8-byte running sequence. It returns changes per second.
func rawBolt(path string, batches [][]sync.Change, byRecord bool) (float64, error) {
	os.Remove(path)
	defer os.Remove(path)
	var values [][][]byte
	total := 0
	codec := sync.Binary{}
	for _, b := range batches {
		vs := make([][]byte, len(b))
		for i := range b {
			v, err := codec.Encode(&sync.Push{ID: 1, Changes: b[i : i+1]})
			if err != nil {
				return 0, err
			}
			vs[i] = v
		}
		values = append(values, vs)
		total += len(b)
	}
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	bucket := []byte("log")
	if err := db.Update(func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucket)
		return err
	}); err != nil {
		return 0, err
	}
	var seq uint64
	start := time.Now()
	for bi, vs := range values {
		err := db.Update(func(tx *bbolt.Tx) error {
			b := tx.Bucket(bucket)
			for i, v := range vs {
				seq++
				var k []byte
				if byRecord {
					c := &batches[bi][i]
					k = append(append(append(k, c.Rec...), 0), c.Field...)
				} else {
					k = binary.BigEndian.AppendUint64(k, seq)
				}
				if err := b.Put(k, v); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return float64(total) / time.Since(start).Seconds(), nil
}
