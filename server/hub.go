package server

import (
	"context"
	"sync"
	"time"

	"github.com/coder/websocket"

	"jiuzhu/server/store"
	jsync "jiuzhu/shared/sync"
)

// hub knows the connected devices, so that a commit can poke those whose
// user sees a root it touched.
type hub struct {
	mu    sync.Mutex
	conns map[*syncConn]struct{}
}

func (h *hub) add(c *syncConn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.conns == nil {
		h.conns = map[*syncConn]struct{}{}
	}
	h.conns[c] = struct{}{}
}

func (h *hub) remove(c *syncConn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.conns, c)
}

// count is the number of connected devices.
func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns)
}

// poke tells every connected device other than from whose user sees one of
// the touched roots' owners (current or former) that new changes wait.
func (h *hub) poke(from *syncConn, touched map[jsync.RecID][]string, users map[string]store.User) {
	owners := map[string]store.User{}
	for _, ids := range touched {
		for _, id := range ids {
			if u, ok := users[id]; ok {
				owners[id] = u
			}
		}
	}
	h.mu.Lock()
	var targets []*syncConn
	for c := range h.conns {
		if c == from {
			continue
		}
		for _, o := range owners {
			if canSee(c.dev.user, o) {
				targets = append(targets, c)
				break
			}
		}
	}
	h.mu.Unlock()
	for _, c := range targets {
		c.poke()
	}
}

// closeAll ends every connection (the server is stopping); devices
// reconnect later.
func (h *hub) closeAll() {
	h.mu.Lock()
	targets := make([]*syncConn, 0, len(h.conns))
	for c := range h.conns {
		targets = append(targets, c)
	}
	h.mu.Unlock()
	for _, c := range targets {
		c.conn.Close(websocket.StatusGoingAway, "server restarting; sync again shortly")
	}
}

// revoke closes the connections of a device.
func (h *hub) revoke(device string) {
	h.mu.Lock()
	var targets []*syncConn
	for c := range h.conns {
		if c.dev.device == device {
			targets = append(targets, c)
		}
	}
	h.mu.Unlock()
	for _, c := range targets {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c.revoked(ctx)
		cancel()
	}
}
