package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	gosync "sync"
	"time"
)

// ContentSecurityPolicy is the policy every response carries. The app runs
// under it as it is (server/e2e/csp_test.go checks that no violation fires):
//   - go-app's page has no inline script, style or event handler: it loads
//     wasm_exec.js, app.js and our web/static/jiuzhu.js from files, and the
//     app sets no style attributes (go-app's Style() would: it calls
//     setAttribute("style"), which style-src 'self' refuses);
//   - 'wasm-unsafe-eval' lets app.js compile app.wasm, and allows no eval
//     of JavaScript;
//   - photos are shown from blob: URLs and signatures from data: URLs;
//   - connect-src 'self' covers the /sync websocket (ws: or wss: on the
//     page's own host) in every browser that knows 'wasm-unsafe-eval'
//     (Chromium 97, Firefox 102, Safari 16), which the app needs anyway.
const ContentSecurityPolicy = "default-src 'self'; " +
	"script-src 'self' 'wasm-unsafe-eval'; " +
	"style-src 'self'; " +
	"img-src 'self' blob: data:; " +
	"connect-src 'self'; " +
	"worker-src 'self'; " +
	"manifest-src 'self'; " +
	"object-src 'none'; " +
	"base-uri 'none'; " +
	"form-action 'self'; " +
	"frame-ancestors 'none'"

// PermissionsPolicy allows the camera (photos) to the app's own pages and
// nothing else that touches the person or the device.
const PermissionsPolicy = "camera=(self), microphone=(), geolocation=(), display-capture=(), " +
	"payment=(), usb=(), serial=(), hid=(), bluetooth=(), midi=(), " +
	"accelerometer=(), gyroscope=(), magnetometer=()"

// hstsMaxAge is a year: a browser that has once seen the app over TLS never
// tries plain HTTP for it again.
const hstsMaxAge = "max-age=31536000"

// securityHeaders sets the security headers on every response h writes,
// before h runs, so that they are on pages, files, API answers, errors and
// websocket upgrades alike. HSTS is sent on TLS connections only: behind a
// proxy that terminates TLS, the proxy sends it.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", ContentSecurityPolicy)
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Permissions-Policy", PermissionsPolicy)
		if r.TLS != nil {
			hd.Set("Strict-Transport-Security", hstsMaxAge)
		}
		h.ServeHTTP(w, r)
	})
}

// originAllowed reports whether a websocket upgrade may proceed: a request
// without an Origin header comes from a native client (no browser omits
// it), a browser's page must be on the server's own host (Host header, port
// included) or match one of Config.Origins (host patterns, or
// scheme://host patterns, as in coder/websocket's OriginPatterns).
func (s *Server) originAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false // also "null", a sandboxed frame's or a file's origin
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, p := range s.origins {
		target := u.Host
		if strings.Contains(p, "://") {
			target = u.Scheme + "://" + u.Host
		}
		if ok, err := path.Match(strings.ToLower(p), strings.ToLower(target)); err == nil && ok {
			return true
		}
	}
	return false
}

// refuseOrigin answers a cross-origin websocket upgrade with 403.
func (s *Server) refuseOrigin(w http.ResponseWriter, r *http.Request) {
	s.log.Info("sync refused: foreign origin", "origin", r.Header.Get("Origin"), "remote", r.RemoteAddr)
	writeAPIError(w, http.StatusForbidden, "forbidden_origin",
		"其他网站的页面不能连接同步服务。", "Pages of other sites may not connect to sync.")
}

// Certificate is a TLS certificate and key read from PEM files. While the
// server runs it looks at the files' size and time at every TLS handshake
// (two stats, nothing beside the handshake's own work) and takes up a
// renewed certificate without a restart; a renewal that cannot be used is
// logged and the certificate in use kept.
type Certificate struct {
	certFile, keyFile string

	mu    gosync.Mutex
	cert  *tls.Certificate
	stamp [2]fileStamp
	log   *slog.Logger // set by ServeTLS
}

// fileStamp tells whether a file has changed.
type fileStamp struct {
	mod  time.Time
	size int64
}

// LoadCertificate reads a TLS certificate (PEM, the chain after the
// server's own) and its private key (PEM). Each failure says which file
// and what is wrong with it, in Chinese and English.
func LoadCertificate(certFile, keyFile string) (*Certificate, error) {
	c := &Certificate{certFile: certFile, keyFile: keyFile}
	cert, stamp, err := c.read()
	if err != nil {
		return nil, err
	}
	c.cert, c.stamp = cert, stamp
	return c, nil
}

// Leaf is the server's own certificate.
func (c *Certificate) Leaf() *x509.Certificate {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cert.Leaf
}

// read loads both files and checks that they make a pair.
func (c *Certificate) read() (*tls.Certificate, [2]fileStamp, error) {
	var stamp [2]fileStamp
	certPEM, err := readPEMFile(c.certFile, "证书", "certificate", &stamp[0])
	if err != nil {
		return nil, stamp, err
	}
	keyPEM, err := readPEMFile(c.keyFile, "私钥", "private key", &stamp[1])
	if err != nil {
		return nil, stamp, err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, stamp, fmt.Errorf("证书 %s 与私钥 %s 不能配对使用 / the certificate %s and the key %s do not make a pair: %v",
			c.certFile, c.keyFile, c.certFile, c.keyFile, err)
	}
	if cert.Leaf == nil { // GODEBUG=x509keypairleaf=0
		if cert.Leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return nil, stamp, fmt.Errorf("证书文件 %s 无法解析 / the certificate file %s cannot be parsed: %v", c.certFile, c.certFile, err)
		}
	}
	return &cert, stamp, nil
}

// readPEMFile reads a file that must hold PEM data, noting its stamp.
func readPEMFile(name, zh, en string, stamp *fileStamp) ([]byte, error) {
	if name == "" {
		return nil, fmt.Errorf("没有指定%s文件 / no %s file given", zh, en)
	}
	f, err := os.Open(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("找不到%s文件 %s / %s file %s not found", zh, name, en, name)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("没有权限读取%s文件 %s / no permission to read the %s file %s", zh, name, en, name)
	case err != nil:
		return nil, fmt.Errorf("无法打开%s文件 %s / cannot open the %s file %s: %v", zh, name, en, name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("无法读取%s文件 %s / cannot read the %s file %s: %v", zh, name, en, name, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s文件 %s 是一个目录 / the %s file %s is a directory", zh, name, en, name)
	}
	if st.Size() > 1<<20 {
		return nil, fmt.Errorf("%s文件 %s 太大，不是 PEM 文件 / the %s file %s is too large for PEM", zh, name, en, name)
	}
	b, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("无法读取%s文件 %s / cannot read the %s file %s: %v", zh, name, en, name, err)
	}
	if !strings.Contains(string(b), "-----BEGIN ") {
		return nil, fmt.Errorf("%s文件 %s 不是 PEM 格式 / the %s file %s holds no PEM data", zh, name, en, name)
	}
	*stamp = fileStamp{mod: st.ModTime(), size: st.Size()}
	return b, nil
}

// get is the tls.Config's GetCertificate: the certificate in use, read
// again first when its files have changed.
func (c *Certificate) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.stamps()
	if now == c.stamp {
		return c.cert, nil
	}
	cert, stamp, err := c.read()
	if err != nil {
		if c.log != nil {
			c.log.Warn("the renewed TLS certificate cannot be used; keeping the one in use", "err", err)
		}
		c.stamp = now // warn once per change, not at every connection
		return c.cert, nil
	}
	c.cert, c.stamp = cert, stamp
	if c.log != nil {
		c.log.Info("TLS certificate renewed", "not_after", cert.Leaf.NotAfter)
	}
	return c.cert, nil
}

// stamps are the certificate's and key's current stamps (zero when a file
// cannot be looked at).
func (c *Certificate) stamps() [2]fileStamp {
	var out [2]fileStamp
	for i, name := range []string{c.certFile, c.keyFile} {
		if st, err := os.Stat(name); err == nil {
			out[i] = fileStamp{mod: st.ModTime(), size: st.Size()}
		}
	}
	return out
}

// ServeTLS answers HTTPS (HTTP/2 and HTTP/1.1) on ln with cert until ctx is
// cancelled, as Serve does HTTP. Responses carry HSTS.
func (s *Server) ServeTLS(ctx context.Context, ln net.Listener, cert *Certificate) error {
	cert.mu.Lock()
	cert.log = s.log
	cert.mu.Unlock()
	hs := s.httpServer(s.handler)
	hs.TLSConfig = &tls.Config{
		MinVersion:     tls.VersionTLS12,
		GetCertificate: cert.get,
	}
	return s.serveUntil(ctx, hs, true, func() error { return hs.ServeTLS(ln, "", "") })
}

// ServeRedirect answers plain HTTP on ln by sending every request to the
// same host, path and query over HTTPS on httpsPort ("" or "443" for the
// default port): 301 for GET and HEAD, 308 (which keeps the method and
// body) for the rest. It stops when ctx is cancelled.
func (s *Server) ServeRedirect(ctx context.Context, ln net.Listener, httpsPort string) error {
	hs := s.httpServer(securityHeaders(redirectToHTTPS(httpsPort)))
	return s.serveUntil(ctx, hs, false, func() error { return hs.Serve(ln) })
}

// redirectToHTTPS is ServeRedirect's handler.
func redirectToHTTPS(httpsPort string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
		if host == "" {
			writeAPIError(w, http.StatusBadRequest, "bad_request",
				"请求没有主机名，无法转到 HTTPS。", "The request names no host, so it cannot be sent to HTTPS.")
			return
		}
		if httpsPort != "" && httpsPort != "443" {
			host = net.JoinHostPort(host, httpsPort)
		} else if strings.Contains(host, ":") {
			host = "[" + host + "]" // an IPv6 address
		}
		target := url.URL{Scheme: "https", Host: host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
		if !strings.HasPrefix(target.Path, "/") {
			target.Path, target.RawPath = "/", ""
		}
		code := http.StatusPermanentRedirect
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			code = http.StatusMovedPermanently
		}
		http.Redirect(w, r, target.String(), code)
	})
}
