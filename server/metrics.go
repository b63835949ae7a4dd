package server

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	jsync "jiuzhu/shared/sync"
)

// Metrics for Prometheus at GET /metrics, in a registry of the server's
// own (a process may run many servers: the tests do):
//
//	jiuzhu_connected_devices               devices with a sync connection open
//	jiuzhu_changes_accepted_total          changes from devices logged
//	jiuzhu_changes_rejected_total{reason}  changes refused, by rejection code
//	jiuzhu_push_duration_seconds           a push's receipt to its ack
//	jiuzhu_pull_bytes_total                bytes of the pages sent to devices
//	jiuzhu_database_size_bytes             the store's size on disk
//	jiuzhu_last_backup_timestamp_seconds   when the last online backup ended
//	jiuzhu_build_info{version}             1, labelled with the build's hash
//
// and the Go runtime's and the process's (go_*, process_*).
//
// Who may read them: clients whose address is in Config.MetricsAllow
// (loopback by default), unless the request came through a reverse proxy
// (it names the client in Forwarded, X-Forwarded-For or X-Real-IP: the
// address it came from is the proxy's, not the client's); and anyone
// presenting Config.MetricsToken as a bearer token.

// rejectReasons are the values of the reason label: the rejection codes of
// sync.Log and of push.go. Any other code counts as "other", so the label
// never takes more values than these.
var rejectReasons = []string{
	jsync.CodeBadChange, jsync.CodeNotYours, jsync.CodeClock, jsync.CodeSchema, jsync.CodeAppendOnly,
	jsync.CodeConflict, jsync.CodeDenied, codeGap, codeReplayed, codeOpReused, "other",
}

// pushBuckets are the push latency histogram's bounds, in seconds: a group
// commit takes an fsync (milliseconds); a rate-limited device waits longer.
var pushBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// metrics are a server's collectors.
type metrics struct {
	reg         *prometheus.Registry
	handler     http.Handler
	allow       []netip.Prefix
	token       string
	accepted    prometheus.Counter
	rejected    *prometheus.CounterVec
	pushSeconds prometheus.Histogram
	pullBytes   prometheus.Counter
	lastBackup  prometheus.Gauge
}

// DefaultMetricsAllow is who may read /metrics when Config.MetricsAllow is
// nil: this machine.
var DefaultMetricsAllow = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

func newMetrics(s *Server, allow []netip.Prefix, token string) *metrics {
	if allow == nil {
		allow = DefaultMetricsAllow
	}
	m := &metrics{
		reg:   prometheus.NewRegistry(),
		allow: allow,
		token: token,
		accepted: prometheus.NewCounter(prometheus.CounterOpts{Name: "jiuzhu_changes_accepted_total",
			Help: "Changes pushed by devices that the server accepted and logged (re-deliveries of logged changes not counted)."}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "jiuzhu_changes_rejected_total",
			Help: "Changes pushed by devices that the server refused, by rejection code."}, []string{"reason"}),
		pushSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "jiuzhu_push_duration_seconds",
			Help: "Time from receiving a device's push to sending its ack (rate limiting, group commit and fsync included).", Buckets: pushBuckets}),
		pullBytes: prometheus.NewCounter(prometheus.CounterOpts{Name: "jiuzhu_pull_bytes_total",
			Help: "Bytes of the pull pages sent to devices (encoded messages)."}),
		lastBackup: prometheus.NewGauge(prometheus.GaugeOpts{Name: "jiuzhu_last_backup_timestamp_seconds",
			Help: "When the last online backup (jiuzhu backup) ended, in Unix seconds; 0 when none since the server started."}),
	}
	for _, r := range rejectReasons {
		m.rejected.WithLabelValues(r)
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "jiuzhu_connected_devices",
			Help: "Devices with a sync connection open."}, func() float64 { return float64(s.hub.count()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "jiuzhu_database_size_bytes",
			Help: "Size of the database on disk."}, func() float64 { return float64(s.store.Size()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "jiuzhu_build_info",
			Help: "1, labelled with the build's content hash.", ConstLabels: prometheus.Labels{"version": s.Version()}},
			func() float64 { return 1 }),
		m.accepted, m.rejected, m.pushSeconds, m.pullBytes, m.lastBackup,
	)
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

// committed counts what a committed push accepted and refused.
func (m *metrics) committed(res pushResult) {
	m.accepted.Add(float64(res.logged))
	for _, r := range res.ack.Rejected {
		reason := "other"
		for _, known := range rejectReasons {
			if r.Code == known {
				reason = known
				break
			}
		}
		m.rejected.WithLabelValues(reason).Inc()
	}
}

// serveMetrics answers /metrics to those who may read it.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	m := s.metrics
	w.Header().Set("Cache-Control", "no-store")
	if token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		if m.token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(m.token)) == 1 {
			m.handler.ServeHTTP(w, r)
			return
		}
		s.log.Info("metrics refused: wrong token", "remote", r.RemoteAddr)
		w.Header().Set("WWW-Authenticate", `Bearer realm="jiuzhu metrics"`)
		http.Error(w, "/metrics: wrong token", http.StatusUnauthorized)
		return
	}
	if m.allowed(r) {
		m.handler.ServeHTTP(w, r)
		return
	}
	if m.token != "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="jiuzhu metrics"`)
		http.Error(w, "/metrics needs a bearer token from this address (see --metrics-token-file)", http.StatusUnauthorized)
		return
	}
	http.Error(w, "/metrics may not be read from this address (see --metrics-allow)", http.StatusForbidden)
}

// allowed reports whether r came straight (not through a proxy) from an
// address m allows.
func (m *metrics) allowed(r *http.Request) bool {
	for _, h := range []string{"Forwarded", "X-Forwarded-For", "X-Real-IP"} {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range m.allow {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// acked records the latency of a push received at received, whose ack
// has just gone.
func (m *metrics) acked(received time.Time) {
	m.pushSeconds.Observe(time.Since(received).Seconds())
}
