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
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	status, text, err := fetch(ctx, path, map[string]any{
		"method":  "POST",
		"cache":   "no-store",
		"headers": map[string]any{"Content-Type": "application/json"},
		"body":    string(b),
	})
	if err != nil {
		return err
	}
	if status < 200 || status > 299 {
		e := &APIError{Status: status}
		if json.Unmarshal([]byte(text), &e.Body) != nil || e.Body.Code == "" {
			e.Body = api.Error{Code: "http", Message: "服务器返回错误。", En: "The server answered with an error."}
		}
		return e
	}
	if out == nil || status == 204 {
		return nil
	}
	return json.Unmarshal([]byte(text), out)
}

// GetJSON calls GET path on the server with the account's token and
// decodes a 2xx answer into out; an error answer is an *APIError. It
// blocks, so it runs in ctx.Async.
func GetJSON(ctx context.Context, path, token string, out any) error {
	status, text, err := fetch(ctx, path, map[string]any{"method": "GET", "cache": "no-store",
		"headers": map[string]any{"Authorization": "Bearer " + token}})
	if err != nil {
		return err
	}
	if status < 200 || status > 299 {
		return apiError(status, text)
	}
	return json.Unmarshal([]byte(text), out)
}

// SendJSON calls path on the server with method, the account's token and
// body as JSON, and decodes a 2xx answer into out (when not nil).
func SendJSON(ctx context.Context, method, path, token string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	status, text, err := fetch(ctx, path, map[string]any{"method": method, "cache": "no-store",
		"headers": map[string]any{"Authorization": "Bearer " + token, "Content-Type": "application/json"}, "body": string(b)})
	if err != nil {
		return err
	}
	if status < 200 || status > 299 {
		return apiError(status, text)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal([]byte(text), out)
}

// GetText fetches a file of the app (the service worker answers offline)
// and returns its text. It blocks, so it runs in ctx.Async.
func GetText(ctx context.Context, path string) (string, error) {
	status, text, err := fetch(ctx, path, map[string]any{"method": "GET"})
	if err != nil {
		return "", err
	}
	if status < 200 || status > 299 {
		return "", &APIError{Status: status, Body: api.Error{Code: "http", Message: "无法读取 " + path, En: "cannot read " + path}}
	}
	return text, nil
}

// fetch runs the browser's fetch and returns the answer's status and text;
// ErrNetwork when there is no answer within 25 seconds.
func fetch(ctx context.Context, path string, opts map[string]any) (int, string, error) {
	status, text, _, err := fetchRaw(ctx, path, opts, false)
	return status, text, err
}

// fetchRaw is fetch that returns the answer's body as bytes when asBytes
// (as text otherwise). The wait for an answer is 25 seconds, or longer
// when ctx says so.
func fetchRaw(ctx context.Context, path string, opts map[string]any, asBytes bool) (int, string, []byte, error) {
	if !goapp.IsClient {
		return 0, "", nil, ErrNetwork
	}
	type answer struct {
		status int
		text   string
		data   []byte
		err    error
	}
	done := make(chan answer, 1)
	var onBody, onResp, onFail goapp.Func
	status := 0
	onBody = goapp.FuncOf(func(_ goapp.Value, args []goapp.Value) any {
		if !asBytes {
			done <- answer{status: status, text: args[0].String()}
			return nil
		}
		arr := goapp.Window().Get("Uint8Array").New(args[0])
		data := make([]byte, arr.Length())
		goapp.CopyBytesToGo(data, arr)
		done <- answer{status: status, data: data}
		return nil
	})
	onResp = goapp.FuncOf(func(_ goapp.Value, args []goapp.Value) any {
		status = args[0].Get("status").Int()
		read := "text"
		if asBytes && status >= 200 && status <= 299 {
			read = "arrayBuffer"
		} else {
			asBytes = false // errors come as JSON text
		}
		args[0].Call(read).Call("then", onBody, onFail)
		return nil
	})
	onFail = goapp.FuncOf(func(goapp.Value, []goapp.Value) any {
		done <- answer{err: ErrNetwork}
		return nil
	})
	defer onBody.Release()
	defer onResp.Release()
	defer onFail.Release()
	limit := 25 * time.Second
	if dl, ok := ctx.Deadline(); ok {
		limit = time.Until(dl)
	}
	if timeout := goapp.Window().Get("AbortSignal").Get("timeout"); timeout.Truthy() {
		opts["signal"] = goapp.Window().Get("AbortSignal").Call("timeout", limit.Milliseconds())
	}
	goapp.Window().Call("fetch", path, opts).Call("then", onResp, onFail)
	select {
	case a := <-done:
		return a.status, a.text, a.data, a.err
	case <-ctx.Done():
		return 0, "", nil, ctx.Err()
	case <-time.After(limit + 5*time.Second):
		return 0, "", nil, ErrNetwork
	}
}
