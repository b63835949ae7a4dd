package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"jiuzhu/server/store"
)

func post(t *testing.T, url, body string, header ...string) (int, apiError, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	json.NewDecoder(resp.Body).Decode(&raw)
	var e apiError
	json.Unmarshal(raw, &e)
	return resp.StatusCode, e, string(raw)
}

func TestLoginAPI(t *testing.T) {
	t.Parallel()
	s, ts := newTestServer(t, webFS(t, true))
	if _, err := s.AddUser(context.Background(), NewUser{Name: "wang", Password: "a-long-password", Role: store.RoleWorker, Org: "620102"}); err != nil {
		t.Fatal(err)
	}
	code, _, body := post(t, ts.URL+"/api/login", `{"name":"wang","password":"a-long-password","device_name":"平板1"}`)
	var lr LoginResponse
	json.Unmarshal([]byte(body), &lr)
	if code != 200 || lr.Token == "" || lr.Device == "" || lr.User.Name != "wang" || lr.User.Role != string(store.RoleWorker) {
		t.Fatalf("login: %d %s", code, body)
	}
	// The same tablet logging in again keeps its device id.
	_, _, body = post(t, ts.URL+"/api/login", `{"name":"wang","password":"a-long-password","device":"`+lr.Device+`"}`)
	var again LoginResponse
	json.Unmarshal([]byte(body), &again)
	if again.Device != lr.Device || again.Token == lr.Token {
		t.Errorf("second login: device %s (want %s), token reused %v", again.Device, lr.Device, again.Token == lr.Token)
	}
	// The token is not stored in plain text anywhere the store can show.
	s.store.View(context.Background(), func(tx store.ReadTx) error {
		if _, ok, _ := tx.Session([]byte(lr.Token)); ok {
			t.Error("session found by the plain token")
		}
		if _, ok, _ := tx.Session(hashToken(lr.Token)); !ok {
			t.Error("session not found by the token's hash")
		}
		return nil
	})

	for _, c := range []struct {
		body string
		code int
		err  string
	}{
		{`{"name":"wang","password":"wrong-password"}`, 401, "login_failed"},
		{`{"name":"nobody","password":"wrong-password"}`, 401, "login_failed"},
		{`{"name":"wang"}`, 400, "bad_request"},
		{`not json`, 400, "bad_json"},
		{`{"name":"wang","password":"x","extra":1}`, 400, "bad_json"},
		{`{"name":"` + strings.Repeat("x", 20000) + `","password":"x"}`, 413, "too_large"},
	} {
		code, e, raw := post(t, ts.URL+"/api/login", c.body)
		if code != c.code || e.Code != c.err || e.Message == "" || e.En == "" {
			t.Errorf("%.40s: %d %s; want %d %s with messages in both languages", c.body, code, raw, c.code, c.err)
		}
	}
	if code, _, _ := post(t, ts.URL+"/api/logout", ``, "Authorization", "Bearer "+lr.Token); code != 204 {
		t.Errorf("logout: %d", code)
	}
	if code, e, _ := post(t, ts.URL+"/api/logout", ``); code != 401 || e.Code != "no_token" {
		t.Errorf("logout without a token: %d %s", code, e.Code)
	}
	if code, e, _ := post(t, ts.URL+"/api/nothing", `{}`); code != 404 || e.Code != "not_found" {
		t.Errorf("unknown API: %d %s", code, e.Code)
	}
}

// A password check answers 204 with no session and registers no device;
// a wrong password is a failed login like any other.
func TestLoginCheck(t *testing.T) {
	t.Parallel()
	s, ts := newTestServer(t, webFS(t, true))
	u, err := s.AddUser(context.Background(), NewUser{Name: "wang", Password: "a-long-password", Role: store.RoleWorker, Org: "620102"})
	if err != nil {
		t.Fatal(err)
	}
	if code, _, body := post(t, ts.URL+"/api/login", `{"name":"wang","password":"a-long-password","check":true}`); code != http.StatusNoContent || body != "" {
		t.Fatalf("a right password checked: %d %s", code, body)
	}
	if code, e, _ := post(t, ts.URL+"/api/login", `{"name":"wang","password":"wrong-password","check":true}`); code != http.StatusUnauthorized || e.Code != "login_failed" {
		t.Fatalf("a wrong password checked: %d %+v", code, e)
	}
	var devices, sessions int
	if err := s.store.View(context.Background(), func(tx store.ReadTx) error {
		ds, err := tx.Devices(u.ID)
		devices = len(ds)
		if err != nil {
			return err
		}
		ss, err := tx.Sessions(u.ID)
		sessions = len(ss)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if devices != 0 || sessions != 0 {
		t.Errorf("a check left %d devices and %d sessions", devices, sessions)
	}
}
