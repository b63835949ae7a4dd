// Package client is a native sync client: the same shared/sync Session and
// shared/wsconn adapter the PWA runs, with an in-memory device store, plus
// login over HTTP. Tests, benchmarks and the crash test use it as devices.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"jiuzhu/server"
	"jiuzhu/shared/sync"
	"jiuzhu/shared/wsconn"
)

// Device is one logged-in device.
type Device struct {
	Base    string // server base URL, http://host:port
	Token   string
	User    server.UserInfo
	Store   *sync.MemClientStore
	Session *sync.Session
	Origin  string // Origin header for the websocket (default: Base)
}

// Login logs name in on a new device and prepares its session.
func Login(ctx context.Context, base, name, password string) (*Device, error) {
	body, _ := json.Marshal(server.LoginRequest{Name: name, Password: password, DeviceName: "native client"})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/login", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e struct{ Code, En string }
		json.NewDecoder(resp.Body).Decode(&e)
		return nil, fmt.Errorf("login %s: %s (%s)", name, resp.Status, e.En)
	}
	var lr server.LoginResponse
	if err := json.NewDecoder(resp.Body).Decode(&lr); err != nil {
		return nil, err
	}
	st := sync.NewMemClientStore(lr.Device)
	sess, err := sync.NewSession(ctx, st, sync.TimeFunc(time.Now), sync.SessionConfig{Token: lr.Token, App: "native", Timeout: 20 * time.Second})
	if err != nil {
		return nil, err
	}
	return &Device{Base: base, Token: lr.Token, User: lr.User, Store: st, Session: sess}, nil
}

// Sync connects, runs one sync round and disconnects.
func (d *Device) Sync(ctx context.Context) (sync.Report, error) {
	conn, err := d.Dial(ctx)
	if err != nil {
		return sync.Report{}, err
	}
	defer conn.CloseNow()
	rep, err := d.Session.Sync(ctx, conn)
	if err == nil {
		conn.Close(1000, "")
	}
	return rep, err
}

// Dial opens a sync websocket to the server.
func (d *Device) Dial(ctx context.Context) (*wsconn.Conn, error) {
	origin := d.Origin
	if origin == "" {
		origin = d.Base
	}
	url := "ws" + strings.TrimPrefix(d.Base, "http") + "/sync"
	return wsconn.Dial(ctx, url, http.Header{"Origin": {origin}}, int64(sync.DefaultLimits.MaxMessage)+1024)
}

// Edit records local edits made by the device's user.
func (d *Device) Edit(ctx context.Context, edits ...sync.Edit) error {
	_, err := d.Session.Edit(ctx, d.User.ID, edits...)
	return err
}

// Record returns the device's current view of a record (nil if unknown).
func (d *Device) Record(ctx context.Context, id sync.RecID) (*sync.Record, error) {
	return d.Session.Record(ctx, id)
}
