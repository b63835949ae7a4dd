package main

// Helpers shared by the tool commands (bench sync, bench catchup,
// crashtest): flag parsing, an in-process server, a metering sync.Conn and
// JSON output. The tools drive real servers with native devices
// (server/client) over real websockets.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"os"
	"runtime/pprof"
	"slices"
	stdsync "sync"
	"time"

	"jiuzhu/server"
	"jiuzhu/server/client"
	"jiuzhu/shared/sync"
)

// toolPassword is the password of the users the tools create.
const toolPassword = "tool-password-123"

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const usage = "Usage: jiuzhu bench sync|catchup [flags]"
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	switch args[0] {
	case "sync":
		return runBenchSync(ctx, args[1:], stdout, stderr)
	case "catchup":
		return runBenchCatchup(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "jiuzhu bench: unknown benchmark %q\n%s\n", args[0], usage)
	return 2
}

// toolFlags returns a flag set that reports errors and usage on stderr.
func toolFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseTool parses args; check validates the values (a non-empty message
// is a usage error). It returns -1 to go on, or the exit code.
func parseTool(fs *flag.FlagSet, args []string, usage string, check func() string) int {
	if code := parse(fs, args, usage); code >= 0 {
		return code
	}
	msg := ""
	if fs.NArg() > 0 {
		msg = fmt.Sprintf("unexpected argument %q", fs.Arg(0))
	} else if check != nil {
		msg = check()
	}
	if msg != "" {
		fmt.Fprintf(fs.Output(), "jiuzhu %s: %s\n", fs.Name(), msg)
		fs.Usage()
		return 2
	}
	return -1
}

// dataDir returns dir, or a new temporary directory (removed by the
// returned cleanup) when dir is "".
func dataDir(dir, pattern string) (string, func(), error) {
	if dir != "" {
		return dir, func() {}, os.MkdirAll(dir, 0o700)
	}
	tmp, err := os.MkdirTemp("", pattern)
	if err != nil {
		return "", nil, err
	}
	return tmp, func() { os.RemoveAll(tmp) }, nil
}

// liveServer is a server running in this process on a loopback port.
type liveServer struct {
	srv  *server.Server
	URL  string // http://127.0.0.1:PORT
	stop func() error
}

// startServer opens the store in dir and serves it on 127.0.0.1:0.
func startServer(ctx context.Context, cfg server.Config) (*liveServer, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	srv, err := server.New(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		srv.Close()
		return nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	var once stdsync.Once
	var stopErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			stopErr = errors.Join(<-done, srv.Close())
		})
		return stopErr
	}
	return &liveServer{srv: srv, URL: "http://" + ln.Addr().String(), stop: stop}, nil
}

// withSession replaces d's session by one with cfg (before any edit): the
// token, app and timeout of client.Login's are kept unless cfg sets them.
func withSession(ctx context.Context, d *client.Device, cfg sync.SessionConfig) error {
	if cfg.Token == "" {
		cfg.Token = d.Token
	}
	if cfg.App == "" {
		cfg.App = "native"
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 20 * time.Second
	}
	s, err := sync.NewSession(ctx, d.Store, sync.TimeFunc(time.Now), cfg)
	if err != nil {
		return err
	}
	d.Session = s
	return nil
}

// errStopAtPull ends a Sync when it starts pulling (meterConn.stopAtPull):
// a push-only round.
var errStopAtPull = errors.New("push done; pull skipped")

// meterConn wraps a device's sync.Conn and measures what crosses it: bytes
// each way, pages received, and (when timing) the time from sending each
// Push to receiving its Ack. It looks at the envelope's type byte (Binary:
// version, type, body) and decodes only pushes and acks, and only when
// timing, so it costs the device little.
type meterConn struct {
	sync.Conn
	timing     bool // record ack latencies and acked ops
	stopAtPull bool // fail the first Pull with errStopAtPull

	codec     sync.Binary
	sent      map[uint32]time.Time
	latency   []time.Duration
	bytesIn   int64
	bytesOut  int64
	pages     int
	accepted  int
	rejected  int
	firstPush time.Time
	lastAck   time.Time
}

func msgType(b []byte) sync.MsgType {
	if len(b) < 2 {
		return 0
	}
	return sync.MsgType(b[1])
}

func (m *meterConn) Send(ctx context.Context, b []byte) error {
	t := msgType(b)
	if m.stopAtPull && t == sync.TPull {
		return errStopAtPull
	}
	if m.timing && t == sync.TPush {
		msg, err := m.codec.Decode(b)
		if err != nil {
			return err
		}
		if m.sent == nil {
			m.sent = map[uint32]time.Time{}
		}
		id := msg.(*sync.Push).ID
		if _, resent := m.sent[id]; !resent {
			now := time.Now()
			m.sent[id] = now
			if m.firstPush.IsZero() {
				m.firstPush = now
			}
		}
	}
	m.bytesOut += int64(len(b))
	return m.Conn.Send(ctx, b)
}

func (m *meterConn) Recv(ctx context.Context) ([]byte, error) {
	b, err := m.Conn.Recv(ctx)
	if err != nil {
		return b, err
	}
	now := time.Now()
	m.bytesIn += int64(len(b))
	switch msgType(b) {
	case sync.TPage:
		m.pages++
	case sync.TAck:
		if !m.timing {
			break
		}
		msg, err := m.codec.Decode(b)
		if err != nil {
			return nil, err
		}
		a := msg.(*sync.Ack)
		if at, ok := m.sent[a.ID]; ok {
			m.latency = append(m.latency, now.Sub(at))
			delete(m.sent, a.ID)
		}
		m.accepted += len(a.Accepted)
		m.rejected += len(a.Rejected)
		m.lastAck = now
	}
	return b, nil
}

// syncMetered runs one sync round of d through a meterConn set up by the
// caller (its Conn is filled in here).
func syncMetered(ctx context.Context, d *client.Device, m *meterConn) (sync.Report, error) {
	conn, err := d.Dial(ctx)
	if err != nil {
		return sync.Report{}, err
	}
	defer conn.CloseNow()
	m.Conn = conn
	rep, err := d.Session.Sync(ctx, m)
	if err == nil || errors.Is(err, errStopAtPull) {
		conn.Close(1000, "")
	}
	return rep, err
}

// percentileMS returns the p-th percentile (0–100) of ds in milliseconds,
// rounded to 0.01 ms (nearest-rank; 0 when ds is empty).
func percentileMS(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	i = min(max(i, 0), len(s)-1)
	return round2(float64(s[i]) / float64(time.Millisecond))
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// writeJSON prints v as one JSON line.
func writeJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// parallel runs fn(0) … fn(n-1), at most limit at a time (0: all at
// once), and returns their errors joined.
func parallel(n, limit int, fn func(i int) error) error {
	if limit <= 0 {
		limit = n
	}
	sem := make(chan struct{}, limit)
	errs := make([]error, n)
	var wg stdsync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = fn(i)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// startCPUProfile starts writing a CPU profile to path ("" for none) and
// returns the function that stops it.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	var once stdsync.Once
	return func() { once.Do(func() { pprof.StopCPUProfile(); f.Close() }) }, nil
}

// fail prints a tool's error and returns exit code 1.
func fail(stderr io.Writer, tool string, err error) int {
	fmt.Fprintf(stderr, "jiuzhu %s: %v\n", tool, err)
	return 1
}
