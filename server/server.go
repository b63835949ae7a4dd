package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	gosync "sync"
	"sync/atomic"
	"time"

	"jiuzhu/server/store"
	"jiuzhu/server/store/bolt"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
	"jiuzhu/web"
)

// Config is what the server needs to start.
type Config struct {
	// DataDir holds the database file.
	DataDir string
	// Web, when set, replaces the embedded web files: a directory with
	// static/ and dist/ laid out as in the repository's web/. For developing
	// the app without rebuilding the server.
	Web fs.FS
	// Logger receives the server's log; nil means slog.Default().
	Logger *slog.Logger
	// Origins are extra host patterns (as in coder/websocket's
	// AcceptOptions.OriginPatterns) whose pages may open /sync; the
	// server's own origin always may.
	Origins []string
	// RatePerDevice limits the changes per second one device may push
	// (pushes beyond it are delayed, not refused); 0 means 2000.
	RatePerDevice float64
	// MaxClockSkew is how far ahead of the server's clock a change's time
	// may be; 0 means 5 minutes.
	MaxClockSkew time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MetricsAllow are the networks whose clients may read /metrics
	// (metrics.go); nil means this machine only (127.0.0.0/8 and ::1), an
	// empty slice nobody (then only MetricsToken opens it).
	MetricsAllow []netip.Prefix
	// MetricsToken, when set, lets a client that sends it as
	// "Authorization: Bearer <token>" read /metrics from anywhere.
	MetricsToken string
}

// Server is a running Jiuzhu server's state.
type Server struct {
	store   store.Store
	assets  *web.Assets
	handler http.Handler
	log     *slog.Logger
	now     func() time.Time

	reg     *model.Registry
	syncLog *sync.Log
	codec   sync.Codec
	limits  sync.Limits
	origins []string
	hub     hub
	rate    rateLimiter
	limiter loginLimiter

	users         atomic.Pointer[userCache]
	usersMu       gosync.Mutex  // one refreshUsers at a time
	scopeGen      atomic.Uint64 // bumped whenever who sees what may have changed
	pushes        chan pushJob
	metrics       *metrics
	control       *controlSocket // nil when the socket could not be made
	closing       chan struct{}
	committerDone chan struct{}
	closeOnce     gosync.Once
}

// errClosing is returned to pushes that arrive while the server shuts down.
var errClosing = errors.New("server shutting down")

// New opens the store in cfg.DataDir and prepares the handlers. It fails
// fast, with an error naming the path, when the data directory cannot be
// written or another server holds it.
func New(cfg Config) (*Server, error) {
	lg := cfg.Logger
	if lg == nil {
		lg = slog.Default()
	}
	static, dist := web.Static(), web.Dist()
	if cfg.Web != nil {
		var err error
		if static, err = fs.Sub(cfg.Web, "static"); err != nil {
			return nil, err
		}
		if dist, err = fs.Sub(cfg.Web, "dist"); err != nil {
			return nil, err
		}
	}
	a, err := web.Load(static, dist)
	if err != nil {
		return nil, err
	}
	if !a.Built() {
		lg.Warn("app.wasm is not built; the app will not load until `make build` has run")
	}
	st, err := bolt.Open(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	s := &Server{store: st, assets: a, log: lg, now: cfg.Now, origins: cfg.Origins, limits: sync.DefaultLimits}
	if s.now == nil {
		s.now = time.Now
	}
	skew := cfg.MaxClockSkew
	if skew <= 0 {
		skew = 5 * time.Minute
	}
	rate := cfg.RatePerDevice
	if rate <= 0 {
		rate = 2000
	}
	s.reg = model.NewRegistry()
	s.syncLog = &sync.Log{Schema: s.reg, MaxSkew: skew, MaxValue: s.limits.MaxValue}
	s.codec = sync.Binary{Limits: s.limits}
	s.rate = rateLimiter{rate: rate, now: s.now}
	s.pushes = make(chan pushJob)
	s.closing = make(chan struct{})
	s.committerDone = make(chan struct{})
	go s.committer()
	s.metrics = newMetrics(s, cfg.MetricsAllow, cfg.MetricsToken)
	s.control = s.listenControl(cfg.DataDir)
	s.handler = securityHeaders(s.routes())
	s.warnWithoutUsers()
	s.refreshUsers()
	return s, nil
}

// Version is the build's content hash: the hash of the app and its files.
// A client whose service worker holds another version updates itself.
func (s *Server) Version() string { return s.assets.Version() }

// Handler is the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /metrics", s.serveMetrics)
	mux.HandleFunc("GET /sync", s.serveSync)
	mux.HandleFunc("POST /api/login", s.login)
	mux.HandleFunc("POST /api/logout", s.logout)
	mux.HandleFunc("GET /api/blobs/{sha}/status", s.blobStatus)
	mux.HandleFunc("PUT /api/blobs/{sha}", s.putBlob)
	mux.HandleFunc("GET /api/blobs/{sha}", s.getBlob)
	mux.HandleFunc("GET /api/me", s.me)
	mux.HandleFunc("GET /api/admin/users", s.listUsers)
	mux.HandleFunc("POST /api/admin/users", s.addUserAPI)
	mux.HandleFunc("PATCH /api/admin/users/{id}", s.updateUserAPI)
	mux.HandleFunc("GET /api/admin/devices", s.listDevices)
	mux.HandleFunc("POST /api/admin/devices/{id}/revoke", s.revokeDeviceAPI)
	mux.HandleFunc("GET /api/admin/roots", s.listRoots)
	mux.HandleFunc("POST /api/admin/reassign", s.reassign)
	mux.HandleFunc("GET /api/admin/audit", s.listAudit)
	mux.HandleFunc("GET /api/admin/retention", s.listRetention)
	mux.HandleFunc("POST /api/admin/retention/purge", s.purgeRoot)
	mux.HandleFunc("GET /api/history/{rec...}", s.history)
	mux.HandleFunc("GET /api/reports", s.reports)
	mux.HandleFunc("GET /api/export", s.export)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusNotFound, "not_found", "没有这个接口。", "No such API.")
	})
	mux.Handle("/", newPWA(s.assets, s.log))
	return mux
}

// Serve answers HTTP on ln until ctx is cancelled, then shuts down
// gracefully (waiting up to 10 s for requests in flight). It does not close
// the store: call Close after Serve returns. ServeTLS answers HTTPS.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := s.httpServer(s.handler)
	return s.serveUntil(ctx, hs, true, func() error { return hs.Serve(ln) })
}

// httpServer is an http.Server for h with the server's limits and log.
func (s *Server) httpServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// serveUntil runs serve (hs's Serve or ServeTLS) until it fails or ctx is
// cancelled, then shuts hs down gracefully, closing the sync connections
// first when hs serves them.
func (s *Server) serveUntil(ctx context.Context, hs *http.Server, sockets bool, serve func() error) error {
	errc := make(chan error, 1)
	go func() { errc <- serve() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if sockets {
		s.hub.closeAll() // websockets are hijacked: Shutdown does not wait for them
	}
	if err := hs.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Close stops the control socket and the committer and closes the store.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { s.control.close(); close(s.closing) })
	<-s.committerDone
	return s.store.Close()
}

// BuildVersion is the content hash of the web files embedded in this
// binary, the version New reports for them.
func BuildVersion() (string, error) {
	a, err := web.Load(web.Static(), web.Dist())
	if err != nil {
		return "", err
	}
	return a.Version(), nil
}

// warnWithoutUsers tells whoever starts a new server how to create the
// first account: without one, nobody can log in; and, when there are users
// but no enabled administrator, how to create one (admin.go).
func (s *Server) warnWithoutUsers() {
	var users []store.User
	err := s.store.View(context.Background(), func(tx store.ReadTx) (err error) {
		users, err = tx.Users()
		return err
	})
	if err == nil && len(users) == 0 {
		s.log.Warn("no users yet: stop the server and create an administrator with " +
			"`echo PASSWORD | jiuzhu user add --data DIR --name NAME --role admin --org 62`")
	}
	if err == nil {
		s.warnWithoutAdmin(users)
	}
}
