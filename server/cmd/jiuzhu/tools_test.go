package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"jiuzhu/shared/sync"
)

// TestMain lets the test binary stand in for jiuzhu: crashtest runs its own
// executable's serve command as the server, which here is this binary.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// runTool runs the binary's command line and decodes its JSON output into v.
func runTool(t *testing.T, v any, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	if code := run(ctx, args, &stdout, &stderr); code != 0 {
		t.Fatalf("jiuzhu %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, &stdout, &stderr)
	}
	if err := json.Unmarshal(stdout.Bytes(), v); err != nil {
		t.Fatalf("output %q: %v", &stdout, err)
	}
	t.Logf("%s", bytes.TrimSpace(stdout.Bytes()))
}

func TestBenchSync(t *testing.T) {
	t.Parallel()
	var res benchSyncResult
	runTool(t, &res, "bench", "sync", "--devices", "3", "--changes", "250", "--batch", "50", "--data", t.TempDir())
	if res.Devices != 3 || res.Changes != 3*250 {
		t.Errorf("devices %d, changes %d; want 3 and 750", res.Devices, res.Changes)
	}
	if res.ChangesPerSec <= 0 || res.RawBboltPerSec <= 0 || res.Ratio <= 0 {
		t.Errorf("rates: %+v", res)
	}
	if res.AckP50 <= 0 || res.AckP99 < res.AckP50 {
		t.Errorf("ack latency p50 %v p99 %v", res.AckP50, res.AckP99)
	}
}

func TestBenchCatchup(t *testing.T) {
	t.Parallel()
	var res benchCatchupResult
	// Exit 0 means the device holds all 200 cases with every field value.
	runTool(t, &res, "bench", "catchup", "--cases", "200", "--data", t.TempDir())
	if res.Cases != 200 || res.Changes != 200*changesPerCase {
		t.Errorf("cases %d, changes %d; want 200 and %d (70 field values per case)", res.Cases, res.Changes, 200*changesPerCase)
	}
	if res.BytesPerChange <= 0 || res.Pages < 2 || res.Bytes <= 0 {
		t.Errorf("bytes %d, pages %d, bytes/change %v", res.Bytes, res.Pages, res.BytesPerChange)
	}
}

func TestCrashtest(t *testing.T) {
	t.Parallel()
	var res crashResult
	runTool(t, &res, "crashtest", "--rounds", "3", "--devices", "3", "--data", t.TempDir())
	if res.Rounds != 3 || res.Lost != 0 || !res.Converged {
		t.Errorf("%+v: want 3 rounds, nothing lost, converged", res)
	}
	if res.Acked == 0 || res.Records == 0 {
		t.Errorf("%+v: nothing was pushed", res)
	}
}

func TestToolUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"bench"},
		{"bench", "nope"},
		{"bench", "sync", "--devices", "0"},
		{"bench", "sync", "--batch", "20000"},
		{"bench", "sync", "--bogus"},
		{"bench", "sync", "extra"},
		{"bench", "catchup", "--cases", "many"},
		{"bench", "catchup", "--pull-limit", "-1"},
		{"crashtest", "--rounds", "0"},
		{"crashtest", "--devices", "x"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if !strings.Contains(stderr.String(), "Usage: jiuzhu") {
			t.Errorf("%v: no usage on stderr: %q", args, &stderr)
		}
		if stdout.Len() > 0 {
			t.Errorf("%v: wrote to stdout: %q", args, &stdout)
		}
	}
}

func TestLostChanges(t *testing.T) {
	t.Parallel()
	rec := sync.RecID("case/01J0000000000000000000000A")
	op := func(n uint64) sync.Op { return sync.Op{Device: "dev", Counter: n} }
	acked := sync.Change{Op: op(2), Rec: rec, Field: "title", Value: `"a"`, HLC: sync.MakeHLC(1000, 0), By: "u"}
	state := func(h sync.HLC, o sync.Op) map[sync.RecID]*sync.Record {
		r := sync.NewRecord(rec)
		r.Fields["title"] = sync.FieldState{Value: `"x"`, HLC: h, Op: o}
		return map[sync.RecID]*sync.Record{rec: r}
	}
	for _, tc := range []struct {
		name  string
		state map[sync.RecID]*sync.Record
		lost  bool
	}{
		{"same write", state(acked.HLC, acked.Op), false},
		{"later write", state(sync.MakeHLC(2000, 0), op(1)), false},
		{"same time, greater op", state(acked.HLC, op(3)), false},
		{"earlier write", state(sync.MakeHLC(999, 0), op(9)), true},
		{"same time, smaller op", state(acked.HLC, op(1)), true},
		{"no record", map[sync.RecID]*sync.Record{}, true},
		{"no field", map[sync.RecID]*sync.Record{rec: sync.NewRecord(rec)}, true},
	} {
		if got := len(lostChanges([]sync.Change{acked}, tc.state)) == 1; got != tc.lost {
			t.Errorf("%s: lost %v, want %v", tc.name, got, tc.lost)
		}
	}
}
