package account

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/shared/api"
)

// ErrNetwork means the server could not be reached (no network, or the
// server is down): a login must wait, work goes on offline.
var ErrNetwork = errors.New("server unreachable")

// APIError is an error the server answered with.
type APIError struct {
	Status int
	Body   api.Error
}

func (e *APIError) Error() string { return e.Body.Code + ": " + e.Body.En }

// PostJSON sends body as JSON to path with the browser's fetch (Go's
// net/http client would add megabytes to app.wasm) and decodes a 2xx answer
// into out. It blocks, so it runs in ctx.Async.
func PostJSON(ctx context.Context, path string, body, out any) error {
	if !goapp.IsClient {
		return ErrNetwork
	}
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	type answer struct {
		status int
		text   string
		err    error
	}
	done := make(chan answer, 1)
	var onText, onResp, onFail goapp.Func
	status := 0
	onText = goapp.FuncOf(func(_ goapp.Value, args []goapp.Value) any {
		done <- answer{status: status, text: args[0].String()}
		return nil
	})
	onResp = goapp.FuncOf(func(_ goapp.Value, args []goapp.Value) any {
		status = args[0].Get("status").Int()
		args[0].Call("text").Call("then", onText, onFail)
		return nil
	})
	onFail = goapp.FuncOf(func(goapp.Value, []goapp.Value) any {
		done <- answer{err: ErrNetwork}
		return nil
	})
	defer onText.Release()
	defer onResp.Release()
	defer onFail.Release()
	opts := map[string]any{
		"method":  "POST",
		"cache":   "no-store",
		"headers": map[string]any{"Content-Type": "application/json"},
		"body":    string(b),
	}
	if timeout := goapp.Window().Get("AbortSignal").Get("timeout"); timeout.Truthy() {
		opts["signal"] = goapp.Window().Get("AbortSignal").Call("timeout", 20000)
	}
	goapp.Window().Call("fetch", path, opts).Call("then", onResp, onFail)
	var a answer
	select {
	case a = <-done:
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(25 * time.Second):
		return ErrNetwork
	}
	if a.err != nil {
		return a.err
	}
	if a.status < 200 || a.status > 299 {
		e := &APIError{Status: a.status}
		if json.Unmarshal([]byte(a.text), &e.Body) != nil || e.Body.Code == "" {
			e.Body = api.Error{Code: "http", Message: "服务器返回错误。", En: "The server answered with an error."}
		}
		return e
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal([]byte(a.text), out)
}
