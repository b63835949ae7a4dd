package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	gosync "sync"
	"testing"
	"time"
)

// selfSigned writes a certificate for 127.0.0.1 and its key into dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "jiuzhu serve test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
	leaf, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(leaf)
	return certFile, keyFile, pool
}

// TLS flags that do not go together, and certificates that cannot be used,
// stop serve before it listens, with a message in both languages.
func TestServeTLSFlagErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certFile, keyFile, _ := selfSigned(t, dir)
	for _, c := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"--tls-cert", certFile}, 2, []string{"必须同时指定", "--tls-cert and --tls-key go together"}},
		{[]string{"--tls-key", keyFile}, 2, []string{"必须同时指定", "--tls-cert and --tls-key go together"}},
		{[]string{"--http-redirect", ":0"}, 2, []string{"需要 --tls-cert", "--http-redirect needs --tls-cert"}},
		{[]string{"--tls-cert", filepath.Join(dir, "none.pem"), "--tls-key", keyFile}, 1, []string{"找不到证书文件", "certificate file " + filepath.Join(dir, "none.pem") + " not found"}},
		{[]string{"--tls-cert", keyFile, "--tls-key", certFile}, 1, []string{"不能配对使用", "do not make a pair"}},
	} {
		var stdout, stderr bytes.Buffer
		args := append([]string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, c.args...)
		code := run(context.Background(), args, &stdout, &stderr)
		if code != c.code {
			t.Errorf("serve %v: exit %d, want %d\n%s", c.args, code, c.code, &stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr.String(), w) {
				t.Errorf("serve %v: %q lacks %q", c.args, &stderr, w)
			}
		}
		if c.code == 2 && !strings.Contains(stderr.String(), "Usage: jiuzhu serve") {
			t.Errorf("serve %v: a usage error without the usage:\n%s", c.args, &stderr)
		}
		if strings.Contains(stdout.String(), "listening") {
			t.Errorf("serve %v listened", c.args)
		}
	}
}

// lines is stdout that a test reads while serve writes.
type lines struct {
	mu gosync.Mutex
	b  bytes.Buffer
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// find waits for a line matching re and returns its first group.
func (l *lines) find(t *testing.T, re *regexp.Regexp) string {
	t.Helper()
	for range 300 {
		l.mu.Lock()
		m := re.FindStringSubmatch(l.b.String())
		l.mu.Unlock()
		if m != nil {
			return m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("serve did not print %s", re)
	return ""
}

// serve --tls-cert/--tls-key answers HTTPS, --http-redirect sends plain
// HTTP there, and both stop cleanly when the command is told to.
func TestServeTLS(t *testing.T) {
	t.Parallel()
	certFile, keyFile, pool := selfSigned(t, t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout lines
	var stderr bytes.Buffer
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0",
			"--tls-cert", certFile, "--tls-key", keyFile, "--http-redirect", "127.0.0.1:0"}, &stdout, &stderr)
	}()
	httpsAddr := stdout.find(t, regexp.MustCompile(`listening on https://(\S+)`))
	httpAddr := stdout.find(t, regexp.MustCompile(`redirecting http://(\S+) to https`))

	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	defer tr.CloseIdleConnections()
	c := &http.Client{Timeout: 10 * time.Second, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get("https://" + httpsAddr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("GET https /healthz: %d, HSTS %q", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
	}
	resp, err = c.Get("http://" + httpAddr + "/cases?q=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := "https://" + httpsAddr + "/cases?q=1"; resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != want {
		t.Errorf("GET http /cases: %d to %q, want 301 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}

	cancel()
	select {
	case code := <-exit:
		if code != 0 {
			t.Errorf("exit %d\n%s", code, &stderr)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}
