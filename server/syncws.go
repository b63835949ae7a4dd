package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
	"jiuzhu/shared/wsconn"
)

// Websocket close codes of the sync protocol (4000–4999 are the
// application's; the rest are RFC 6455's).
const (
	CloseUnauthorized   websocket.StatusCode = 4001 // unknown or expired token: log in again
	CloseRevoked        websocket.StatusCode = 4003 // device revoked: wipe
	CloseUpdateRequired websocket.StatusCode = 4010 // app too old for this server: update, outbox kept
)

// Error codes in ErrorMsg.
const (
	errCodeProtocol     = "protocol"
	errCodeUnauthorized = "unauthorized"
	errCodeUpdate       = "update_required"
	errCodeInternal     = "internal"
)

// helloTimeout is how long a new connection may take to say hello.
const helloTimeout = 10 * time.Second

// deviceIdentity is who is at the other end of a connection.
type deviceIdentity struct {
	device string
	user   store.User
}

// syncConn is one device's connection.
type syncConn struct {
	s      *Server
	conn   *wsconn.Conn
	dev    deviceIdentity
	pulls  pullState
	poking atomic.Bool // a goroutine is sending pokes
	again  atomic.Bool // a poke was asked for since the last one was sent
}

// closeErr ends a connection with a websocket status and a reason a person
// can read, after sending msg (if any) to the device.
type closeErr struct {
	code   websocket.StatusCode
	reason string
	msg    sync.Message
}

func (e *closeErr) Error() string { return fmt.Sprintf("%d %s", e.code, e.reason) }

func protocolErr(format string, args ...any) *closeErr {
	reason := fmt.Sprintf(format, args...)
	return &closeErr{code: websocket.StatusProtocolError, reason: reason,
		msg: &sync.ErrorMsg{Code: errCodeProtocol, Message: reason}}
}

// serveSync upgrades /sync to a websocket and runs the protocol. No message
// can crash it: every failure becomes a close with a status and a reason.
func (s *Server) serveSync(w http.ResponseWriter, r *http.Request) {
	if !s.originAllowed(r) {
		s.refuseOrigin(w, r) // 403: a page of another site (security.go)
		return
	}
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		Subprotocols:   []string{wsconn.Subprotocol},
		OriginPatterns: s.origins, // Accept checks the origin again, the same way
	})
	if err != nil {
		return // Accept has answered (426, …)
	}
	c := &syncConn{s: s, conn: wsconn.New(ws, int64(s.limits.MaxMessage)+1024)}
	defer c.conn.CloseNow()
	err = c.run(r.Context())
	s.finishPull(c.dev, &c.pulls)
	var ce *closeErr
	switch {
	case errors.As(err, &ce):
		s.log.Info("sync closed", "device", c.dev.device, "user", c.dev.user.Name, "code", int(ce.code), "reason", ce.reason)
		if ce.msg != nil {
			c.send(r.Context(), ce.msg)
		}
		c.conn.Close(ce.code, ce.reason)
	case err != nil && websocket.CloseStatus(err) == -1 && r.Context().Err() == nil:
		if !errors.Is(err, errPeerGone) {
			s.log.Error("sync", "device", c.dev.device, "err", err)
			c.send(r.Context(), &sync.ErrorMsg{Code: errCodeInternal, Message: "server error; try again later"})
			c.conn.Close(websocket.StatusInternalError, "server error; try again later")
		}
	default:
		c.conn.Close(websocket.StatusNormalClosure, "")
	}
}

var errPeerGone = errors.New("device went away")

func (c *syncConn) recv(ctx context.Context) (sync.Message, error) {
	b, err := c.conn.Recv(ctx)
	if err != nil {
		if ctx.Err() == nil && websocket.CloseStatus(err) == -1 {
			var tooBig bool
			if errors.Is(err, websocket.ErrMessageTooBig) {
				tooBig = true
			}
			if tooBig {
				return nil, &closeErr{code: websocket.StatusMessageTooBig, reason: "message too large"}
			}
		}
		return nil, fmt.Errorf("%w: %v", errPeerGone, err)
	}
	m, err := c.s.codec.Decode(b)
	switch {
	case errors.Is(err, sync.ErrVersion) && len(b) > 0 && b[0] > sync.ProtocolVersion:
		return nil, protocolErr("protocol version %d is newer than this server's (%d): the server needs updating", b[0], sync.ProtocolVersion)
	case errors.Is(err, sync.ErrVersion):
		return nil, &closeErr{code: CloseUpdateRequired, reason: "app too old for this server: update it (changes are kept)",
			msg: &sync.ErrorMsg{Code: errCodeUpdate, Message: "请更新应用后再同步，未同步的修改会保留。Update the app to sync; unsynced changes are kept."}}
	case err != nil:
		return nil, protocolErr("malformed message: %v", err)
	}
	return m, nil
}

func (c *syncConn) send(ctx context.Context, m sync.Message) error {
	b, err := c.s.codec.Encode(m)
	if err != nil {
		return err
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := c.conn.Send(sctx, b); err != nil {
		return err
	}
	if _, ok := m.(*sync.Page); ok {
		c.s.metrics.pullBytes.Add(float64(len(b)))
	}
	return nil
}

func (c *syncConn) run(ctx context.Context) error {
	hctx, cancel := context.WithTimeout(ctx, helloTimeout)
	m, err := c.recv(hctx)
	late := hctx.Err() != nil && ctx.Err() == nil
	cancel()
	if err != nil {
		var ce *closeErr
		if late && !errors.As(err, &ce) {
			return &closeErr{code: websocket.StatusPolicyViolation, reason: "no hello within 10 s"}
		}
		return err
	}
	hello, ok := m.(*sync.Hello)
	if !ok {
		return protocolErr("expected hello, got %s", m.Type())
	}
	welcome, err := c.s.authenticate(ctx, hello, &c.dev)
	if err != nil {
		return err
	}
	if err := c.send(ctx, welcome); err != nil {
		return err
	}
	c.s.hub.add(c)
	defer c.s.hub.remove(c)
	for {
		m, err := c.recv(ctx)
		if err != nil {
			return err
		}
		switch m := m.(type) {
		case *sync.Push:
			received := time.Now()
			if err := c.s.rate.wait(ctx, c.dev.device, len(m.Changes)); err != nil {
				return err
			}
			res, err := c.s.push(ctx, c.dev, m)
			if err != nil {
				return err
			}
			c.s.metrics.committed(res)
			if err := c.send(ctx, res.ack); err != nil {
				return err
			}
			c.s.metrics.acked(received)
			if len(res.touched) > 0 {
				c.s.hub.poke(c, res.touched, res.users)
			}
		case *sync.Pull:
			page, err := c.s.pull(ctx, c.dev, &c.pulls, m)
			if err != nil {
				return err
			}
			if err := c.send(ctx, page); err != nil {
				return err
			}
		default:
			return protocolErr("unexpected %s from a device", m.Type())
		}
	}
}

// poke tells the device new changes wait, at most one poke in flight. A
// poke asked for while one is being sent is sent after it: dropping it
// (as before) lost a commit that landed after the device's pull for the
// first poke had begun, until its next idle refresh minutes later.
func (c *syncConn) poke() {
	c.again.Store(true)
	if !c.poking.CompareAndSwap(false, true) {
		return
	}
	go func() {
		for {
			for c.again.Swap(false) {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				c.send(ctx, &sync.Poke{})
				cancel()
			}
			c.poking.Store(false)
			// A poke asked for between the last send and now found
			// poking set: take it up unless another goroutine has.
			if !c.again.Load() || !c.poking.CompareAndSwap(false, true) {
				return
			}
		}
	}()
}

// revoked tells the device to wipe itself and closes the connection.
func (c *syncConn) revoked(ctx context.Context) {
	c.send(ctx, &sync.Revoked{Reason: "device revoked"})
	c.conn.Close(CloseRevoked, "device revoked: local data is removed")
}

// authenticate checks a Hello's token and device (auth.go: the session
// live, renewed by this use), and prepares the Welcome.
func (s *Server) authenticate(ctx context.Context, h *sync.Hello, dev *deviceIdentity) (*sync.Welcome, error) {
	unauthorized := &closeErr{code: CloseUnauthorized, reason: "session unknown or expired: log in again",
		msg: &sync.ErrorMsg{Code: errCodeUnauthorized, Message: "登录已过期，请重新登录。Your session has expired; log in again."}}
	now := s.now()
	w := &sync.Welcome{ServerTime: now.UnixMilli()}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		a, err := useToken(tx, h.Token, now)
		switch {
		case errors.Is(err, errDeviceRevoked):
			return &closeErr{code: CloseRevoked, reason: "device revoked: local data is removed",
				msg: &sync.Revoked{Reason: "device revoked"}}
		case errors.Is(err, errSessionExpired) || errors.Is(err, errDisabled):
			return unauthorized
		case err != nil:
			return err
		case a.session.Device != h.Device:
			return unauthorized
		}
		d, u := a.device, a.user
		dev.device, dev.user = d.ID, u
		d.LastSeen, d.App = now, h.App
		if err := tx.PutDevice(d); err != nil {
			return err
		}
		if w.Epoch, err = tx.Epoch(); err != nil {
			return err
		}
		w.Reset = h.Cursor.Epoch != w.Epoch
		if w.Reset && h.Cursor.Epoch != 0 {
			// Synced before on an older log: restored from a backup since.
			d.Restored = true
			if err := tx.PutDevice(d); err != nil {
				return err
			}
		}
		if w.Reset {
			// The device starts again: it has no roots until it is sent them.
			sent, err := tx.DeviceRoots(d.ID)
			if err != nil {
				return err
			}
			return tx.SetDeviceRoots(d.ID, nil, sent)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}
