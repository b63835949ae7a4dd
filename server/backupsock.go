package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"jiuzhu/server/store/bolt"
)

// The control socket. A serving process holds its database file's
// exclusive lock, so no other process can open the file, even to read it.
// So the server listens on a unix socket in its data directory
// (jiuzhu.sock, mode 0600: only the server's own user, who may read the
// database file anyway, can connect), and `jiuzhu backup` asks it there
// for a copy, which it streams from one read transaction:
//
//	GET /backup → 200, X-Jiuzhu-Backup: {bolt.BackupInfo as JSON},
//	              Content-Length: the copy's size, the copy
//	            → 503 while another backup is being taken
//
// The socket also tells `jiuzhu restore` that a server is running. It
// lives as long as the store is open (New to Close); a socket file left by
// a server killed with -9 is removed by the next server, which holds the
// lock and so knows it is the only one.

// SocketName is the control socket's name in the data directory.
const SocketName = "jiuzhu.sock"

// Errors of RequestBackup.
var (
	// ErrNoServer means no server answers on the data directory's socket:
	// none runs there (or one killed with -9 left its socket behind).
	ErrNoServer = errors.New("no jiuzhu server answers on the data directory's socket")
	// ErrBusy means the server is already taking a backup.
	ErrBusy = errors.New("the server is taking another backup")
)

// backupHeader carries the copy's bolt.BackupInfo, as JSON.
const backupHeader = "X-Jiuzhu-Backup"

// maxSocketPath is the longest path a unix socket may have (Linux's
// sun_path holds 108 bytes with the terminating zero; macOS's 104).
const maxSocketPath = 103

// backupStall is how long the server waits for a backup's reader to take
// more of the copy before it gives up.
const backupStall = 30 * time.Second

// onlineBackup is a store that can copy itself while serving (the bbolt
// store; a database server's store would use that server's own tools).
type onlineBackup interface {
	Backup(w io.Writer, start func(bolt.BackupInfo) error) (bolt.BackupInfo, error)
}

// controlSocket is the server's end of the socket.
type controlSocket struct {
	hs   *http.Server
	busy atomic.Bool // a backup is being taken
}

// listenControl starts the control socket in dir. Without it the server
// still serves; only the online backup is missing, and the log says why.
func (s *Server) listenControl(dir string) *controlSocket {
	path := filepath.Join(dir, SocketName)
	if len(path) > maxSocketPath {
		s.log.Warn("online backup unavailable: the data directory's path is too long for a unix socket; "+
			"`jiuzhu backup` will need the server stopped", "socket", path, "bytes", len(path), "max", maxSocketPath)
		return nil
	}
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSocket != 0 {
		os.Remove(path) // stale: the store's lock says no other server runs here
	}
	ln, err := net.Listen("unix", path)
	if err == nil {
		if err = os.Chmod(path, 0o600); err != nil {
			ln.Close()
		}
	}
	if err != nil {
		s.log.Warn("online backup unavailable: cannot listen on the control socket; "+
			"`jiuzhu backup` will need the server stopped", "socket", path, "err", err)
		return nil
	}
	c := &controlSocket{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) { s.serveBackup(c, w, r) })
	c.hs = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	go c.hs.Serve(ln)
	s.log.Debug("control socket listening", "socket", path)
	return c
}

// close stops the socket (removing its file), letting a backup in progress
// finish for up to 10 s.
func (c *controlSocket) close() {
	if c == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.hs.Shutdown(ctx); err != nil {
		c.hs.Close()
	}
}

// serveBackup streams a copy of the store, one at a time.
func (s *Server) serveBackup(c *controlSocket, w http.ResponseWriter, r *http.Request) {
	if !c.busy.CompareAndSwap(false, true) {
		http.Error(w, "another backup is being taken: try again when it has finished", http.StatusServiceUnavailable)
		return
	}
	defer c.busy.Store(false)
	b, ok := s.store.(onlineBackup)
	if !ok {
		http.Error(w, "this store cannot be copied online: use its database's own backup tools", http.StatusNotImplemented)
		return
	}
	begun, started := time.Now(), false
	// The copy holds a read transaction open while it streams, and a commit
	// that must grow the file waits for it: a reader that stops reading
	// (a stuck disk, a pipe nobody drains) ends the copy after backupStall.
	rc := http.NewResponseController(w)
	out := writerFunc(func(p []byte) (int, error) {
		rc.SetWriteDeadline(time.Now().Add(backupStall))
		return w.Write(p)
	})
	info, err := b.Backup(out, func(info bolt.BackupInfo) error {
		j, err := json.Marshal(info)
		if err != nil {
			return err
		}
		h := w.Header()
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Length", strconv.FormatInt(info.Size, 10))
		h.Set(backupHeader, string(j))
		w.WriteHeader(http.StatusOK)
		started = true
		return nil
	})
	if err != nil {
		s.log.Error("backup failed", "err", err, "remote_closed", r.Context().Err() != nil)
		if !started {
			http.Error(w, "backup failed: "+err.Error(), http.StatusInternalServerError)
			return
		}
		panic(http.ErrAbortHandler) // the copy is cut short: the client sees so
	}
	s.metrics.lastBackup.SetToCurrentTime()
	s.log.Info("backup taken", "bytes", info.Size, "last_seq", info.LastSeq, "epoch", info.Epoch,
		"users", info.Users, "duration", time.Since(begun).Round(time.Millisecond).String())
}

// socketClient is an HTTP client whose every request goes to the control
// socket of dataDir.
func socketClient(dataDir string) *http.Client {
	path := filepath.Join(dataDir, SocketName)
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			c, err := d.DialContext(ctx, "unix", path)
			switch {
			case err == nil:
				return c, nil
			case errors.Is(err, fs.ErrPermission):
				return nil, fmt.Errorf("%s: permission denied: run this as the server's user (e.g. sudo -u jiuzhu)", path)
			case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ECONNREFUSED), len(path) > maxSocketPath:
				return nil, fmt.Errorf("%w (%s)", ErrNoServer, path)
			}
			return nil, err
		},
		DisableKeepAlives: true,
	}}
}

// Serving reports whether a server answers on dataDir's control socket.
// A server whose socket could not be made (see listenControl) is not
// seen: the database file's lock tells of it.
func Serving(ctx context.Context, dataDir string) (bool, error) {
	var d net.Dialer
	path := filepath.Join(dataDir, SocketName)
	c, err := d.DialContext(ctx, "unix", path)
	switch {
	case err == nil:
		c.Close()
		return true, nil
	case errors.Is(err, fs.ErrPermission):
		return false, fmt.Errorf("%s: permission denied: run this as the server's user (e.g. sudo -u jiuzhu)", path)
	}
	return false, nil // no socket, a stale one, or a path too long for one
}

// RequestBackup asks the server serving dataDir for a copy of its
// database and writes it to w. It returns ErrNoServer, before writing
// anything, when no server answers there, and ErrBusy when the server is
// taking another backup.
func RequestBackup(ctx context.Context, dataDir string, w io.Writer) (bolt.BackupInfo, error) {
	var info bolt.BackupInfo
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://jiuzhu/backup", nil)
	if err != nil {
		return info, err
	}
	resp, err := socketClient(dataDir).Do(req)
	if err != nil {
		if errors.Is(err, ErrNoServer) {
			return info, ErrNoServer
		}
		return info, fmt.Errorf("asking the server for a backup: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		text := strings.TrimSpace(string(msg))
		if resp.StatusCode == http.StatusServiceUnavailable {
			return info, ErrBusy
		}
		return info, fmt.Errorf("the server could not take the backup (%s): %s", resp.Status, text)
	}
	if err := json.Unmarshal([]byte(resp.Header.Get(backupHeader)), &info); err != nil {
		return info, fmt.Errorf("the server's answer lacks a valid %s header: %v", backupHeader, err)
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return info, fmt.Errorf("the copy stopped after %d of %d bytes: %w", n, info.Size, err)
	}
	if n != info.Size {
		return info, fmt.Errorf("the copy has %d bytes, the server announced %d", n, info.Size)
	}
	return info, nil
}

// writerFunc is an io.Writer made of a function.
type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
