package server_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"jiuzhu/server"
	"jiuzhu/server/client"
	"jiuzhu/server/store"
	"jiuzhu/server/store/bolt"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
	"jiuzhu/shared/wsconn"
)

// metScrape reads /metrics through h as from remote with the given
// headers: its status and its samples (name{labels} → value).
func metScrape(t *testing.T, h http.Handler, remote string, header ...string) (int, map[string]float64, http.Header) {
	t.Helper()
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.RemoteAddr = remote
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	samples := map[string]float64{}
	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.LastIndexByte(line, ' '); i > 0 && !strings.HasPrefix(line, "#") {
			if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil {
				samples[line[:i]] = v
			}
		}
	}
	return rec.Code, samples, rec.Header()
}

// metConn counts what crosses a device's connection: pushes sent, and
// the bytes of the pages received.
type metConn struct {
	sync.Conn
	ws        *wsconn.Conn
	mu        gosync.Mutex
	pushes    int
	pageBytes int
}

func (c *metConn) Send(ctx context.Context, b []byte) error {
	if len(b) > 1 && sync.MsgType(b[1]) == sync.TPush {
		c.mu.Lock()
		c.pushes++
		c.mu.Unlock()
	}
	return c.Conn.Send(ctx, b)
}

func (c *metConn) Recv(ctx context.Context) ([]byte, error) {
	b, err := c.Conn.Recv(ctx)
	if err == nil && len(b) > 1 && sync.MsgType(b[1]) == sync.TPage {
		c.mu.Lock()
		c.pageBytes += len(b)
		c.mu.Unlock()
	}
	return b, err
}

// metSync runs one sync round of d over a counting connection, which it
// leaves open when keep is set (the caller closes it).
func metSync(t *testing.T, d *client.Device, keep bool) *metConn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := d.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m := &metConn{Conn: conn, ws: conn}
	if _, err := d.Session.Sync(ctx, m); err != nil {
		t.Fatal(err)
	}
	if !keep {
		conn.Close(1000, "")
	}
	return m
}

// After devices push and pull, /metrics reports what happened, to the
// change and to the byte: changes accepted and refused (by reason),
// pushes timed, page bytes sent, devices connected, the database's size,
// and the Go and process collectors.
func TestMetricsAfterPushAndPull(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := server.New(server.Config{DataDir: dir, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); s.Close() })
	if _, err := s.AddUser(context.Background(), server.NewUser{Name: "wang", Password: "secret-password",
		Role: store.RoleWorker, Team: "t1", Org: "620102"}); err != nil {
		t.Fatal(err)
	}
	login := func() *client.Device {
		d, err := client.Login(context.Background(), ts.URL, "wang", "secret-password")
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	a, b, c := login(), login(), login()
	id := sync.MakeRecID(model.TypeCase, time.Now().UnixMilli(), [10]byte{1, 2, 3})
	err = a.Edit(context.Background(),
		sync.Edit{Rec: id, Field: sync.FieldRoot, Value: model.Str(string(id))},
		sync.Edit{Rec: id, Field: "title", Value: model.Str("低保复核")},
		sync.Edit{Rec: id, Field: "worker", Value: model.Str(a.User.ID)},
		sync.Edit{Rec: id, Field: "opened", Value: model.Str("2026-11-01")},
		sync.Edit{Rec: id, Field: "no_such_field", Value: model.Str("x")},
	)
	if err != nil {
		t.Fatal(err)
	}
	ma := metSync(t, a, false)
	rejected, _ := a.Session.Rejected(context.Background())
	if len(rejected) != 1 || rejected[0].Code != sync.CodeSchema {
		t.Fatalf("the unknown field was not refused as %s: %+v", sync.CodeSchema, rejected)
	}
	mb := metSync(t, b, false)
	if r, _ := b.Record(context.Background(), id); r == nil {
		t.Fatal("the second device did not pull the case")
	}
	mc := metSync(t, c, true) // stays connected

	// The server counts a page or a push's latency once its send has
	// returned, which may be just after the device has the message.
	pushes := ma.pushes + mb.pushes + mc.pushes
	pageBytes := float64(ma.pageBytes + mb.pageBytes + mc.pageBytes)
	var m map[string]float64
	for start := time.Now(); time.Since(start) < 5*time.Second; time.Sleep(10 * time.Millisecond) {
		var code int
		if code, m, _ = metScrape(t, s.Handler(), "127.0.0.1:40000"); code != 200 {
			t.Fatalf("/metrics from loopback: %d", code)
		}
		if m["jiuzhu_pull_bytes_total"] == pageBytes && m["jiuzhu_push_duration_seconds_count"] == float64(pushes) {
			break
		}
	}
	fi, err := os.Stat(filepath.Join(dir, bolt.FileName))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		"jiuzhu_changes_accepted_total":                             4,
		`jiuzhu_changes_rejected_total{reason="schema"}`:            1,
		`jiuzhu_changes_rejected_total{reason="denied"}`:            0,
		`jiuzhu_changes_rejected_total{reason="other"}`:             0,
		"jiuzhu_connected_devices":                                  1,
		"jiuzhu_pull_bytes_total":                                   pageBytes,
		"jiuzhu_push_duration_seconds_count":                        float64(pushes),
		`jiuzhu_push_duration_seconds_bucket{le="+Inf"}`:            float64(pushes),
		"jiuzhu_database_size_bytes":                                float64(fi.Size()),
		"jiuzhu_last_backup_timestamp_seconds":                      0,
		fmt.Sprintf(`jiuzhu_build_info{version="%s"}`, s.Version()): 1,
		`jiuzhu_changes_rejected_total{reason="gap"}`:               0,
		`jiuzhu_changes_rejected_total{reason="not_yours"}`:         0,
		`jiuzhu_changes_rejected_total{reason="replayed"}`:          0,
		`jiuzhu_push_duration_seconds_bucket{le="10"}`:              float64(pushes),
		`jiuzhu_changes_rejected_total{reason="append_only"}`:       0,
		`jiuzhu_changes_rejected_total{reason="conflict_record"}`:   0,
		`jiuzhu_changes_rejected_total{reason="clock"}`:             0,
		`jiuzhu_changes_rejected_total{reason="bad_change"}`:        0,
		`jiuzhu_changes_rejected_total{reason="op_reused"}`:         0,
	}
	for k, v := range want {
		if got, ok := m[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	if pushes != 1 || ma.pageBytes == 0 || mb.pageBytes == 0 {
		t.Errorf("pushes %d, page bytes %d %d %d: the devices did not push once and pull the case", pushes, ma.pageBytes, mb.pageBytes, mc.pageBytes)
	}
	if sum := m["jiuzhu_push_duration_seconds_sum"]; sum <= 0 || sum > 30 {
		t.Errorf("push latency sum %v s", sum)
	}
	n := 0
	for k := range m {
		if strings.HasPrefix(k, "jiuzhu_changes_rejected_total{") {
			n++
		}
	}
	if n != 11 {
		t.Errorf("%d reasons of rejection, want the 11 known", n)
	}
	for _, k := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes", "process_open_fds"} {
		if m[k] <= 0 {
			t.Errorf("%s = %v", k, m[k])
		}
	}

	// The connection closes: the gauge follows.
	mc.ws.Close(1000, "")
	for start := time.Now(); ; time.Sleep(10 * time.Millisecond) {
		if _, m, _ := metScrape(t, s.Handler(), "127.0.0.1:40000"); m["jiuzhu_connected_devices"] == 0 {
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatal("jiuzhu_connected_devices stayed at 1 after the device disconnected")
		}
	}
}

// Who may read /metrics: by default this machine only, and not a request
// relayed by a reverse proxy on it; the allowed networks can be set; a
// bearer token opens it from anywhere.
func TestMetricsAccess(t *testing.T) {
	t.Parallel()
	newSrv := func(allow []netip.Prefix, token string) http.Handler {
		s, err := server.New(server.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler), MetricsAllow: allow, MetricsToken: token})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s.Handler()
	}
	const token = "0123456789abcdef0123456789abcdef"
	byDefault := newSrv(nil, "")
	office := newSrv([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "")
	withToken := newSrv([]netip.Prefix{}, token)
	for _, c := range []struct {
		name   string
		h      http.Handler
		remote string
		header []string
		code   int
	}{
		{"loopback", byDefault, "127.0.0.1:5000", nil, 200},
		{"loopback v6", byDefault, "[::1]:5000", nil, 200},
		{"another host", byDefault, "192.168.1.20:5000", nil, 403},
		{"relayed by a proxy on loopback", byDefault, "127.0.0.1:5000", []string{"X-Forwarded-For", "203.0.113.9"}, 403},
		{"relayed, X-Real-IP", byDefault, "127.0.0.1:5000", []string{"X-Real-IP", "203.0.113.9"}, 403},
		{"relayed, Forwarded", byDefault, "127.0.0.1:5000", []string{"Forwarded", "for=203.0.113.9"}, 403},
		{"a token where none is set", byDefault, "127.0.0.1:5000", []string{"Authorization", "Bearer " + token}, 401},
		{"allowed network", office, "10.20.30.40:5000", nil, 200},
		{"allowed network, v4-mapped", office, "[::ffff:10.20.30.40]:5000", nil, 200},
		{"outside the allowed network", office, "11.0.0.1:5000", nil, 403},
		{"loopback not in the allowed network", office, "127.0.0.1:5000", nil, 403},
		{"no token", withToken, "127.0.0.1:5000", nil, 401},
		{"right token", withToken, "203.0.113.9:5000", []string{"Authorization", "Bearer " + token}, 200},
		{"right token through a proxy", withToken, "127.0.0.1:5000", []string{"Authorization", "Bearer " + token, "X-Forwarded-For", "203.0.113.9"}, 200},
		{"wrong token", withToken, "203.0.113.9:5000", []string{"Authorization", "Bearer " + token + "x"}, 401},
		{"token prefix", withToken, "203.0.113.9:5000", []string{"Authorization", "Bearer " + token[:16]}, 401},
	} {
		code, m, h := metScrape(t, c.h, c.remote, c.header...)
		if code != c.code {
			t.Errorf("%s: %d, want %d", c.name, code, c.code)
		}
		if _, ok := m["jiuzhu_connected_devices"]; ok != (code == 200) {
			t.Errorf("%s: %d with metrics %v", c.name, code, ok)
		}
		if code == 401 && !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: 401 without a Bearer challenge", c.name)
		}
	}
}
