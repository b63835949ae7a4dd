//go:build js

package wsconn

import (
	"context"
	"net/http"

	"github.com/coder/websocket"
)

// Dial opens a sync connection to url (ws:// or wss://…/sync) from the
// browser. The browser sets the request headers itself; header is ignored.
func Dial(ctx context.Context, url string, header http.Header, readLimit int64) (*Conn, error) {
	ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{Subprotocol}})
	if err != nil {
		return nil, err
	}
	return New(ws, readLimit), nil
}
