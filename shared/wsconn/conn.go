package wsconn

import (
	"context"
	"errors"

	"github.com/coder/websocket"
)

// Subprotocol names the sync protocol on the websocket handshake.
const Subprotocol = "jiuzhu.sync.v1"

// Conn carries whole binary messages over a websocket.
//
// coder/websocket closes the connection when the context of a Read ends, so
// Conn reads in a goroutine of its own for the connection's whole life, and
// Recv waits on what it reads: a Recv that times out leaves the connection
// open, as the sync session's resend logic needs.
type Conn struct {
	ws   *websocket.Conn
	in   chan []byte
	done chan struct{}
	err  error // why reading stopped; set before done is closed
}

// New wraps an open websocket. Messages larger than readLimit bytes close
// the connection with StatusMessageTooBig.
func New(ws *websocket.Conn, readLimit int64) *Conn {
	ws.SetReadLimit(readLimit)
	c := &Conn{ws: ws, in: make(chan []byte), done: make(chan struct{})}
	go c.read()
	return c
}

func (c *Conn) read() {
	defer close(c.done)
	for {
		typ, b, err := c.ws.Read(context.Background())
		if err != nil {
			c.err = err
			return
		}
		if typ != websocket.MessageBinary {
			c.err = ErrText
			c.ws.Close(websocket.StatusUnsupportedData, "sync messages are binary")
			return
		}
		select {
		case c.in <- b:
		case <-c.done:
			return
		}
	}
}

// ErrText is returned by Recv when the peer sent a text message.
var ErrText = errors.New("wsconn: text message on a binary protocol")

// Send writes one message. If ctx ends first the connection is closed.
func (c *Conn) Send(ctx context.Context, msg []byte) error {
	return c.ws.Write(ctx, websocket.MessageBinary, msg)
}

// Recv returns the next message, or the error that ended the connection, or
// ctx's error if ctx ends first (the connection stays open).
func (c *Conn) Recv(ctx context.Context) ([]byte, error) {
	select {
	case b := <-c.in:
		return b, nil
	case <-c.done:
		return nil, c.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close closes the connection with a status and a reason a person can read
// (at most 123 bytes; longer reasons are cut).
func (c *Conn) Close(code websocket.StatusCode, reason string) error {
	if len(reason) > 123 {
		reason = reason[:120] + "..."
	}
	return c.ws.Close(code, reason)
}

// CloseNow closes the connection without the closing handshake.
func (c *Conn) CloseNow() error { return c.ws.CloseNow() }

// CloseStatus returns the websocket close status of err, or -1.
func CloseStatus(err error) websocket.StatusCode { return websocket.CloseStatus(err) }
