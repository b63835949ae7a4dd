package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"jiuzhu/server"
	"jiuzhu/server/client"
	"jiuzhu/server/store"
	"jiuzhu/server/store/bolt"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// benchCatchupResult is what `bench catchup` prints.
type benchCatchupResult struct {
	Cases          int     `json:"cases"`
	LoadSeconds    float64 `json:"load_seconds"` // writing the caseload into the store
	Seconds        float64 `json:"seconds"`      // login + one Sync of a fresh device
	Changes        int     `json:"changes"`      // entries the device received
	Bytes          int64   `json:"bytes"`        // websocket message bytes received
	BytesSent      int64   `json:"bytes_sent"`   // websocket message bytes sent
	Pages          int     `json:"pages"`
	BytesPerChange float64 `json:"bytes_per_change"`
	PullLimit      int     `json:"pull_limit"` // entries per page asked for
}

const benchCatchupUsage = `Usage: jiuzhu bench catchup --cases N [--data DIR] [--pull-limit L]

Writes a caseload of N cases owned by one worker straight into a bbolt
store (DIR, default a temporary directory) through the server's apply path
(sync.Log.Apply in large transactions, plus the root and owner indexes).
Each case has 70 field values: the case record (8) and its client's person
record (12), and 5 service records of 10. Then starts a server on it and
times a fresh device logging in and downloading everything in one Sync,
counting the bytes and pages it receives. Prints one JSON line.`

func runBenchCatchup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := toolFlags("bench catchup", stderr)
	cases := fs.Int("cases", 10000, "cases in the worker's caseload")
	data := fs.String("data", "", "data directory (default: a temporary directory, removed afterwards)")
	pullLimit := fs.Int("pull-limit", 0, "entries per page the device asks for (0: the session's default, sync.DefaultLimits.MaxBatch; the server also bounds pages by bytes)")
	seed := fs.Uint64("seed", 1, "seed of the generated caseload")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the download to this file")
	if code := parseTool(fs, args, benchCatchupUsage, func() string {
		switch {
		case *cases < 1:
			return "--cases must be at least 1"
		case *pullLimit < 0 || *pullLimit > sync.DefaultLimits.MaxBatch:
			return fmt.Sprintf("--pull-limit must be 0 to %d", sync.DefaultLimits.MaxBatch)
		}
		return ""
	}); code >= 0 {
		return code
	}
	res, err := benchCatchup(ctx, *data, *cases, *pullLimit, *seed, *profile)
	if err != nil {
		return fail(stderr, "bench catchup", err)
	}
	if err := writeJSON(stdout, res); err != nil {
		return fail(stderr, "bench catchup", err)
	}
	return 0
}

func benchCatchup(ctx context.Context, dirFlag string, nCases, pullLimit int, seed uint64, profile string) (benchCatchupResult, error) {
	res := benchCatchupResult{Cases: nCases, PullLimit: pullLimit}
	if res.PullLimit == 0 {
		res.PullLimit = sync.DefaultLimits.MaxBatch
	}
	dir, cleanup, err := dataDir(dirFlag, "jiuzhu-bench-catchup-*")
	if err != nil {
		return res, err
	}
	defer cleanup()
	dir = filepath.Join(dir, "server")
	name := "catchup" + time.Now().Format("150405.000")
	worker, err := server.AddUser(ctx, dir, server.NewUser{Name: name, Password: toolPassword, Role: store.RoleWorker,
		Team: "team1", Org: "620102"})
	if err != nil {
		return res, err
	}
	t0 := time.Now()
	loaded, err := loadCaseload(ctx, dir, worker.ID, nCases, seed, 0)
	if err != nil {
		return res, err
	}
	res.LoadSeconds = round2(time.Since(t0).Seconds())

	ls, err := startServer(ctx, server.Config{DataDir: dir})
	if err != nil {
		return res, err
	}
	defer ls.stop()
	stopProfile, err := startCPUProfile(profile)
	if err != nil {
		return res, err
	}
	defer stopProfile()
	t0 = time.Now()
	d, err := client.Login(ctx, ls.URL, name, toolPassword)
	if err != nil {
		return res, err
	}
	if err := withSession(ctx, d, sync.SessionConfig{PullLimit: uint32(pullLimit), Timeout: time.Minute}); err != nil {
		return res, err
	}
	m := &meterConn{}
	rep, err := syncMetered(ctx, d, m)
	if err != nil {
		return res, err
	}
	res.Seconds = round2(time.Since(t0).Seconds())
	stopProfile()
	res.Changes, res.Bytes, res.BytesSent, res.Pages = rep.Pulled, m.bytesIn, m.bytesOut, m.pages
	if rep.Pulled > 0 {
		res.BytesPerChange = round2(float64(m.bytesIn) / float64(rep.Pulled))
	}

	// The device must hold every case, with every field.
	gotCases, gotFields := 0, 0
	for id, r := range d.Store.All() {
		if id.Type() == model.TypeCase {
			gotCases++
		}
		gotFields += len(r.Fields)
	}
	if gotCases != nCases || gotFields != loaded {
		return res, fmt.Errorf("the device holds %d cases and %d field values; want %d and %d", gotCases, gotFields, nCases, loaded)
	}
	return res, nil
}

// loadCaseload writes n generated cases of worker into the store in dir
// (and, when busy > 0, one more with busy service records, its title
// ending in busyTitle),
// the way the server applies a push: sync.Log.Apply with the schema, by a
// synthetic device, in transactions of casesPerTx cases, and the root and
// owner indexes of server.(*Server).index. It returns the number of changes
// written.
func loadCaseload(ctx context.Context, dir, worker string, n int, seed uint64, busy int) (int, error) {
	const casesPerTx = 200
	// A device of its own per load: op ids must never repeat in a store,
	// and a second load into the same directory (jiuzhu demo) starts its
	// counter at 1 again.
	var ent [6]byte
	rand.Read(ent[:])
	device := "loader-" + hex.EncodeToString(ent[:])
	st, err := bolt.Open(dir)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	lg := &sync.Log{Schema: model.NewRegistry(), MaxSkew: 5 * time.Minute}
	who := sync.Author{Device: device, User: worker}
	g := newTextGen(seed, 0)
	// Clocks one hour back, a thousand changes per millisecond.
	base := time.Now().Add(-time.Hour).UnixMilli()
	var counter uint64
	total := n
	if busy > 0 {
		total++
	}
	for done := 0; done < total; {
		var batch []sync.Change
		for ; done < total && len(batch) < casesPerTx*changesPerCase; done++ {
			edits := g.caseEdits(worker, base)
			if done == n {
				edits = g.caseEditsWith(worker, base, busy, busyTitle)
			}
			for _, e := range edits {
				counter++
				batch = append(batch, sync.Change{Op: sync.Op{Device: device, Counter: counter}, Rec: e.Rec, Field: e.Field,
					Value: e.Value, HLC: sync.MakeHLC(base+int64(counter/1000), uint16(counter%1000)), By: worker})
			}
		}
		err := st.Update(ctx, func(tx store.Tx) error {
			r, err := lg.Apply(tx, who, time.Now(), batch)
			if err != nil {
				return err
			}
			if len(r.Rejected) > 0 {
				x := r.Rejected[0]
				return fmt.Errorf("%d generated changes rejected; first %s: %s %s", len(r.Rejected), x.Op, x.Code, x.Message)
			}
			return indexEntries(tx, r.Entries, worker)
		})
		if err != nil {
			return 0, err
		}
	}
	return int(counter), nil
}

// indexEntries does for the loader what the server's index does after a
// push: a record's root field indexes it under its root, and a new root is
// assigned to its owner. Every generated root is owned by the one worker
// (its owner field names them), so there is no reassignment to follow.
func indexEntries(tx store.Tx, entries []sync.Entry, owner string) error {
	for _, e := range entries {
		if e.Field != sync.FieldRoot {
			continue
		}
		s, ok := sync.UnquoteJSON(e.Value)
		if !ok {
			return fmt.Errorf("%s: root %s is not a string", e.Rec, e.Value)
		}
		root := sync.RecID(s)
		if err := tx.IndexRoot(root, e.Rec); err != nil {
			return err
		}
		if e.Rec == root {
			if err := tx.Assign(root, owner, true); err != nil {
				return err
			}
		}
	}
	return nil
}
