package server_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"jiuzhu/server"
	"jiuzhu/server/client"
	"jiuzhu/server/store"
	"jiuzhu/shared/api"
	"jiuzhu/shared/wsconn"
)

// wantHeaders are the security headers every answer carries.
var wantHeaders = map[string]string{
	"Content-Security-Policy": server.ContentSecurityPolicy,
	"X-Frame-Options":         "DENY",
	"X-Content-Type-Options":  "nosniff",
	"Referrer-Policy":         "no-referrer",
	"Permissions-Policy":      server.PermissionsPolicy,
}

// checkHeaders checks the security headers of an answer; HSTS is sent
// over TLS only.
func checkHeaders(t *testing.T, what string, resp *http.Response, tls bool) {
	t.Helper()
	for k, v := range wantHeaders {
		if got := resp.Header.Values(k); len(got) != 1 || got[0] != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
	hsts := resp.Header.Get("Strict-Transport-Security")
	if tls && hsts != "max-age=31536000" || !tls && hsts != "" {
		t.Errorf("%s (TLS %v): Strict-Transport-Security %q", what, tls, hsts)
	}
}

// newServer runs a server with the embedded web files and a logger into
// logs (nil: discard).
func newServer(t *testing.T, logs io.Writer, origins ...string) (*server.Server, *httptest.Server) {
	t.Helper()
	h := slog.DiscardHandler
	if logs != nil {
		h = slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})
	}
	s, err := server.New(server.Config{DataDir: t.TempDir(), Logger: slog.New(h), Origins: origins})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); s.Close() })
	return s, ts
}

// The policy is as strict as the app allows: nothing inline, no eval but
// WebAssembly's, nothing from another host, no framing.
func TestContentSecurityPolicyIsStrict(t *testing.T) {
	csp := server.ContentSecurityPolicy
	for _, want := range []string{
		"default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'",
		"img-src 'self' blob: data:", "connect-src 'self'", "worker-src 'self'", "manifest-src 'self'",
		"object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
	} {
		if !strings.Contains(csp, want+";") && !strings.HasSuffix(csp, want) {
			t.Errorf("the policy lacks %q: %s", want, csp)
		}
	}
	for _, bad := range []string{"unsafe-inline", "'unsafe-eval'", "*", "http:", "https:"} {
		if strings.Contains(csp, bad) {
			t.Errorf("the policy allows %s: %s", bad, csp)
		}
	}
	if pp := server.PermissionsPolicy; !strings.Contains(pp, "camera=(self)") || strings.Count(pp, "(self)") != 1 || strings.Contains(pp, "*") {
		t.Errorf("Permissions-Policy allows more than the camera: %s", pp)
	}
}

// Every kind of answer carries the headers: pages, the not-found page,
// go-app's files, static files, the app, the health check, API answers
// and errors, and a refused websocket upgrade.
func TestSecurityHeadersEverywhere(t *testing.T) {
	t.Parallel()
	_, ts := newServer(t, nil)
	for _, c := range []struct {
		method, path string
		header       []string
		code         int
	}{
		{"GET", "/", nil, 200},
		{"GET", "/cases", nil, 200},
		{"HEAD", "/cases", nil, 200},
		{"GET", "/no/such/page", nil, 404},
		{"GET", "/app.js", nil, 200},
		{"GET", "/wasm_exec.js", nil, 200},
		{"GET", "/app-worker.js", nil, 200},
		{"GET", "/manifest.webmanifest", nil, 200},
		{"GET", "/web/app.css", nil, 200},
		{"GET", "/web/jiuzhu.js", nil, 200},
		{"GET", "/web/icons/icon.svg", nil, 200},
		{"GET", "/web/no-such-file.css", nil, 404},
		{"GET", "/robots.txt", nil, 200},
		{"GET", "/healthz", nil, 200},
		{"POST", "/api/login", nil, 400},
		{"GET", "/api/nothing", nil, 404},
		{"GET", "/api/blobs/" + strings.Repeat("ab", 32) + "/status", nil, 401},
		{"GET", "/sync", nil, 426},
		{"GET", "/sync", []string{"Connection", "Upgrade", "Upgrade", "websocket", "Sec-WebSocket-Version", "13",
			"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==", "Origin", "https://evil.example"}, 403},
	} {
		req, _ := http.NewRequest(c.method, ts.URL+c.path, nil)
		for i := 0; i+1 < len(c.header); i += 2 {
			req.Header.Set(c.header[i], c.header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		what := c.method + " " + c.path
		if resp.StatusCode != c.code {
			t.Errorf("%s: %d, want %d", what, resp.StatusCode, c.code)
		}
		checkHeaders(t, what, resp, false)
	}
}

// inlineCode finds what the policy would refuse in a page: a script with
// code inside, a style element or attribute, an event handler attribute, a
// javascript: URL.
var inlineCode = regexp.MustCompile(`(?i)<script[^>]*>\s*[^<\s]|<style[\s>]|\sstyle=|\son[a-z]+=|javascript:`)

// The pages go-app renders hold no inline script, style or handler, so
// the policy needs no 'unsafe-inline'; every script comes from a file.
func TestPagesHaveNothingInline(t *testing.T) {
	t.Parallel()
	_, ts := newServer(t, nil)
	scriptTag := regexp.MustCompile(`<script[^>]*>`)
	for _, path := range []string{"/", "/cases", "/community", "/no/such/page"} {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page := string(b)
		if m := inlineCode.FindString(page); m != "" {
			t.Errorf("%s has inline code the policy refuses: %q", path, m)
		}
		tags := scriptTag.FindAllString(page, -1)
		if len(tags) < 3 {
			t.Errorf("%s: scripts %q; want wasm_exec.js, app.js and jiuzhu.js", path, tags)
		}
		for _, tag := range tags {
			if !strings.Contains(tag, ` src="/`) {
				t.Errorf("%s: a script not from one of our files: %s", path, tag)
			}
		}
	}
	// The pattern itself finds what it must.
	for _, bad := range []string{`<script>alert(1)</script>`, `<script type="module">x()</script>`, `<p style="color:red">`, `<img onerror="x()">`, `<style>p{}</style>`, `<a href="javascript:x()">`} {
		if !inlineCode.MatchString(bad) {
			t.Errorf("the check misses %s", bad)
		}
	}
	if inlineCode.MatchString(`<script defer src="/app.js"></script><link href="/web/app.css" rel="stylesheet">`) {
		t.Error("the check refuses a script from a file")
	}
}

// dialSync opens /sync with an Origin header ("" for none) and returns the
// upgrade's status and, when refused, its body.
func dialSync(t *testing.T, url, origin string, hc *http.Client) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	conn, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: h, HTTPClient: hc, Subprotocols: []string{wsconn.Subprotocol}})
	if err == nil {
		conn.Close(websocket.StatusNormalClosure, "")
		return resp.StatusCode, ""
	}
	if resp == nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// A page of another site cannot open /sync; the app's own pages, pages on
// a host the configuration names, and native clients (no Origin) can.
func TestSyncRefusesOtherOrigins(t *testing.T) {
	t.Parallel()
	_, ts := newServer(t, nil, "jiuzhu.example.gov.cn", "https://*.jiuzhu.test")
	ws := "ws" + strings.TrimPrefix(ts.URL, "http") + "/sync"
	host := strings.TrimPrefix(ts.URL, "http://")
	for _, c := range []struct {
		origin string
		code   int
	}{
		{"", http.StatusSwitchingProtocols},
		{ts.URL, http.StatusSwitchingProtocols},
		{"http://" + strings.ToUpper(strings.Replace(host, "127.0.0.1", "LOCALHOST", 1)), http.StatusForbidden}, // another host name
		{"https://" + host, http.StatusSwitchingProtocols},
		{"https://jiuzhu.example.gov.cn", http.StatusSwitchingProtocols},
		{"https://a.jiuzhu.test", http.StatusSwitchingProtocols},
		{"http://a.jiuzhu.test", http.StatusForbidden}, // the pattern names https
		{"https://evil.example", http.StatusForbidden},
		{"http://127.0.0.1", http.StatusForbidden}, // another port
		{"https://" + host + ".evil.example", http.StatusForbidden},
		{"null", http.StatusForbidden},
		{"file://" + host, http.StatusForbidden},
		{"chrome-extension://" + host, http.StatusForbidden},
		{"::not a url", http.StatusForbidden},
	} {
		code, body := dialSync(t, ws, c.origin, nil)
		if code != c.code {
			t.Errorf("Origin %q: %d %s, want %d", c.origin, code, body, c.code)
			continue
		}
		if code == http.StatusForbidden {
			var e api.Error
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Code != "forbidden_origin" || e.Message == "" || e.En == "" {
				t.Errorf("Origin %q: refused with %q; want forbidden_origin in Chinese and English", c.origin, body)
			}
		}
	}
}

// lockedBuffer is a log a server writes while the test reads.
type lockedBuffer struct {
	mu gosync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Neither the password nor the session token reaches the log through a
// login (good and bad), a sync, photo uploads and downloads, failed
// requests with a token, a token in a query string, a refused origin and a
// revoked device's sync.
func TestSecretsNotInLog(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	s, ts := newServer(t, &logs)
	e := &blobEnv{t: t, srv: s, url: ts.URL}
	if _, err := s.AddUser(context.Background(), server.NewUser{Name: "wang", Password: blobPassword, Role: store.RoleWorker, Team: "t1", Org: "620102"}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Login(context.Background(), ts.URL, "wang", blobPassword+"-typo"); err == nil {
		t.Fatal("a wrong password was accepted")
	}
	d, err := client.Login(context.Background(), ts.URL, "wang", blobPassword)
	if err != nil {
		t.Fatal(err)
	}
	root := newCase(t, d)
	b := photo(t, api.BlobChunk+100)
	attach(t, d, root, b)
	syncOK(t, d)
	if st := e.uploadAll(d, b, 0); !st.Complete {
		t.Fatalf("upload: %+v", st)
	}
	if r := e.get(d, shaOf(b)); r.code != http.StatusOK || !bytes.Equal(r.body, b) {
		t.Fatalf("download: %d", r.code)
	}
	if r := e.do(http.MethodGet, "/api/blobs/"+shaOf(b)+"?token="+d.Token, d.Token+"x", nil); r.code != http.StatusUnauthorized {
		t.Errorf("a bad token: %d", r.code)
	}
	e.do(http.MethodPut, "/api/blobs/"+shaOf(b)+"?offset=x&total=y&password="+blobPassword, d.Token, []byte("junk"))
	if code, _ := dialSync(t, "ws"+strings.TrimPrefix(ts.URL, "http")+"/sync?token="+d.Token, "https://evil.example", nil); code != http.StatusForbidden {
		t.Errorf("a foreign origin: %d", code)
	}
	s.RevokeDevice(context.Background(), d.Session.Device())
	if _, err := d.Sync(context.Background()); err == nil {
		t.Error("a revoked device synced")
	}
	out := logs.String()
	for _, want := range []string{"login failed", "sync refused", "sync closed"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q, so this test sees nothing:\n%s", want, out)
		}
	}
	for name, secret := range map[string]string{"the token": d.Token, "the password": blobPassword} {
		if strings.Contains(out, secret) {
			t.Errorf("the log contains %s:\n%s", name, out)
		}
	}
}

// testCert writes a self-signed certificate for 127.0.0.1 and localhost
// (named cn) and its key into dir, and returns the two paths and a pool
// that trusts it.
func testCert(t *testing.T, dir, cn string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(leaf)
	return certFile, keyFile, pool
}

// serveTLS runs srv's HTTPS on a free port and, when redirect, its HTTP
// redirect on another; it returns the two addresses.
func serveTLS(t *testing.T, srv *server.Server, cert *server.Certificate, redirect bool) (httpsAddr, httpAddr string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg gosync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	wg.Go(func() {
		if err := srv.ServeTLS(ctx, ln, cert); err != nil {
			t.Errorf("ServeTLS: %v", err)
		}
	})
	if !redirect {
		return ln.Addr().String(), ""
	}
	rln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	wg.Go(func() {
		if err := srv.ServeRedirect(ctx, rln, port); err != nil {
			t.Errorf("ServeRedirect: %v", err)
		}
	})
	return ln.Addr().String(), rln.Addr().String()
}

// Over TLS the server answers HTTP/2 with HSTS, the app's page may open a
// wss: websocket while another site's may not, and plain HTTP on the
// redirect port goes to the same host, path and query over HTTPS.
func TestTLSAndRedirect(t *testing.T) {
	t.Parallel()
	s, err := server.New(server.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	certFile, keyFile, pool := testCert(t, t.TempDir(), "jiuzhu test")
	cert, err := server.LoadCertificate(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	httpsAddr, httpAddr := serveTLS(t, s, cert, true)
	_, port, _ := net.SplitHostPort(httpsAddr)
	base := "https://" + httpsAddr

	h2 := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}}
	resp, err := h2.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ProtoMajor != 2 || resp.TLS == nil {
		t.Errorf("GET /healthz over TLS: %d %s", resp.StatusCode, resp.Proto)
	}
	checkHeaders(t, "GET /healthz over TLS", resp, true)

	h1 := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	wss := "wss://" + httpsAddr + "/sync"
	if code, body := dialSync(t, wss, base, h1); code != http.StatusSwitchingProtocols {
		t.Errorf("wss from the app's page: %d %s", code, body)
	}
	if code, _ := dialSync(t, wss, "https://evil.example", h1); code != http.StatusForbidden {
		t.Errorf("wss from another site: %d, want 403", code)
	}

	plain := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, c := range []struct {
		method, host, path string
		code               int
		location           string
	}{
		{"GET", "", "/cases?q=%E5%BC%A0&page=2", 301, base + "/cases?q=%E5%BC%A0&page=2"},
		{"HEAD", "", "/", 301, base + "/"},
		{"POST", "", "/api/login", 308, base + "/api/login"},
		{"PUT", "", "/api/blobs/ab?offset=0", 308, base + "/api/blobs/ab?offset=0"},
		{"GET", "jiuzhu.example.gov.cn", "/a%2Fb", 301, "https://jiuzhu.example.gov.cn:" + port + "/a%2Fb"},
		{"GET", "jiuzhu.example.gov.cn:80", "/", 301, "https://jiuzhu.example.gov.cn:" + port + "/"},
		{"GET", "[::1]:80", "/x", 301, "https://[::1]:" + port + "/x"},
	} {
		req, _ := http.NewRequest(c.method, "http://"+httpAddr+c.path, strings.NewReader("{}"))
		if c.host != "" {
			req.Host = c.host
		}
		resp, err := plain.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		what := c.method + " http://" + c.host + c.path
		if resp.StatusCode != c.code || resp.Header.Get("Location") != c.location {
			t.Errorf("%s: %d to %q, want %d to %q", what, resp.StatusCode, resp.Header.Get("Location"), c.code, c.location)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: headers %v", what, resp.Header)
		}
	}

	// Followed, the redirect lands on the app.
	follow := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err = follow.Get("http://" + httpAddr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Scheme != "https" {
		t.Errorf("following the redirect: %d at %s", resp.StatusCode, resp.Request.URL)
	}
}

// The redirect to the default HTTPS port names no port.
func TestRedirectToPort443(t *testing.T) {
	t.Parallel()
	s, err := server.New(server.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.ServeRedirect(ctx, ln, "443") }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ServeRedirect: %v", err)
		}
	}()
	plain := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/cases?x=1", nil)
	req.Host = "jiuzhu.example.gov.cn"
	resp, err := plain.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != 301 || loc != "https://jiuzhu.example.gov.cn/cases?x=1" {
		t.Errorf("redirect: %d to %q", resp.StatusCode, loc)
	}
}

// A renewed certificate is taken up by the next connection, without a
// restart; a broken renewal leaves the one in use.
func TestCertificateRenewal(t *testing.T) {
	t.Parallel()
	s, err := server.New(server.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	dir := t.TempDir()
	certFile, keyFile, _ := testCert(t, dir, "first")
	cert, err := server.LoadCertificate(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := serveTLS(t, s, cert, false)
	served := func() string {
		t.Helper()
		conn, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0].Subject.CommonName
	}
	if cn := served(); cn != "first" {
		t.Fatalf("served %q, want first", cn)
	}
	time.Sleep(10 * time.Millisecond) // a new modification time
	testCert(t, dir, "renewed")
	if cn := served(); cn != "renewed" {
		t.Errorf("after the renewal, served %q", cn)
	}
	os.WriteFile(keyFile, []byte("-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n"), 0o600)
	if cn := served(); cn != "renewed" {
		t.Errorf("after a broken renewal, served %q; want the one in use", cn)
	}
}

// A certificate or key that is missing, unreadable, not PEM, or not a
// pair is refused with a message naming the file, in both languages.
func TestLoadCertificateErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certFile, keyFile, _ := testCert(t, dir, "a")
	other := t.TempDir()
	_, otherKey, _ := testCert(t, other, "b")
	junk := filepath.Join(dir, "junk.pem")
	os.WriteFile(junk, []byte("not a certificate"), 0o644)
	unreadable := filepath.Join(dir, "unreadable.pem")
	os.WriteFile(unreadable, []byte("-----BEGIN CERTIFICATE-----\n"), 0o000)
	for _, c := range []struct {
		cert, key string
		zh, en    string
	}{
		{filepath.Join(dir, "missing.pem"), keyFile, "找不到证书文件", "certificate file " + filepath.Join(dir, "missing.pem") + " not found"},
		{certFile, filepath.Join(dir, "missing.pem"), "找不到私钥文件", "private key file " + filepath.Join(dir, "missing.pem") + " not found"},
		{dir, keyFile, "是一个目录", "is a directory"},
		{junk, keyFile, "不是 PEM 格式", "holds no PEM data"},
		{certFile, junk, "不是 PEM 格式", "private key file " + junk + " holds no PEM data"},
		{certFile, otherKey, "不能配对使用", "do not make a pair"},
		{keyFile, certFile, "不能配对使用", "do not make a pair"},
		{"", keyFile, "没有指定证书文件", "no certificate file given"},
	} {
		_, err := server.LoadCertificate(c.cert, c.key)
		if err == nil || !strings.Contains(err.Error(), c.zh) || !strings.Contains(err.Error(), c.en) {
			t.Errorf("LoadCertificate(%s, %s): %v; want %q and %q", c.cert, c.key, err, c.zh, c.en)
		}
	}
	if os.Geteuid() != 0 { // root reads anything
		_, err := server.LoadCertificate(unreadable, keyFile)
		if err == nil || !strings.Contains(err.Error(), "没有权限读取证书文件") || !strings.Contains(err.Error(), "no permission to read the certificate file") {
			t.Errorf("an unreadable certificate: %v", err)
		}
	}
}
