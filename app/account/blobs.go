package account

import (
	"context"
	"encoding/json"
	"fmt"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/shared/api"
)

// Photos travel beside the sync connection, over /api/blobs (see
// server/blobs.go): an upload is a series of chunks at offsets the server
// confirms, so one cut short by a lost network resumes where it stopped.

// BlobAPI is the server's blob API as the tablet's uploader uses it (the
// browser's fetch here; tests put a fake or a real server behind it).
type BlobAPI interface {
	Status(ctx context.Context, sha string) (api.BlobStatus, error)
	// Put sends one chunk at offset of a blob of total bytes. On an offset
	// the server did not expect it returns the status with ErrOffset.
	Put(ctx context.Context, sha string, offset, total int64, chunk []byte) (api.BlobStatus, error)
	Get(ctx context.Context, sha string) ([]byte, error)
}

// ErrOffset means the server holds a different number of a blob's bytes
// than the chunk assumed: go on from the status it returned.
var ErrOffset = fmt.Errorf("blob offset mismatch")

// FetchBlobs is BlobAPI over the browser's fetch with the account's token.
type FetchBlobs struct{ Token string }

func (f FetchBlobs) headers() map[string]any {
	return map[string]any{"Authorization": "Bearer " + f.Token}
}

func (f FetchBlobs) Status(ctx context.Context, sha string) (api.BlobStatus, error) {
	status, text, _, err := fetchRaw(ctx, "/api/blobs/"+sha+"/status", map[string]any{"method": "GET", "cache": "no-store", "headers": f.headers()}, false)
	return blobAnswer(status, text, err)
}

func (f FetchBlobs) Put(ctx context.Context, sha string, offset, total int64, chunk []byte) (api.BlobStatus, error) {
	body := goapp.Window().Get("Uint8Array").New(len(chunk))
	goapp.CopyBytesToJS(body, chunk)
	h := f.headers()
	h["Content-Type"] = "application/octet-stream"
	path := fmt.Sprintf("/api/blobs/%s?offset=%d&total=%d", sha, offset, total)
	status, text, _, err := fetchRaw(ctx, path, map[string]any{"method": "PUT", "cache": "no-store", "headers": h, "body": body}, false)
	return blobAnswer(status, text, err)
}

func (f FetchBlobs) Get(ctx context.Context, sha string) ([]byte, error) {
	status, text, data, err := fetchRaw(ctx, "/api/blobs/"+sha, map[string]any{"method": "GET", "cache": "no-store", "headers": f.headers()}, true)
	if err != nil {
		return nil, err
	}
	if status < 200 || status > 299 {
		return nil, apiError(status, text)
	}
	return data, nil
}

// blobAnswer decodes a status answer; a 409 is the status with ErrOffset.
func blobAnswer(status int, text string, err error) (api.BlobStatus, error) {
	var st api.BlobStatus
	if err != nil {
		return st, err
	}
	switch {
	case status == 409:
		if json.Unmarshal([]byte(text), &st) != nil {
			return st, apiError(status, text)
		}
		return st, ErrOffset
	case status < 200 || status > 299:
		return st, apiError(status, text)
	}
	if err := json.Unmarshal([]byte(text), &st); err != nil {
		return st, apiError(status, text)
	}
	return st, nil
}

func apiError(status int, text string) error {
	e := &APIError{Status: status}
	if json.Unmarshal([]byte(text), &e.Body) != nil || e.Body.Code == "" {
		e.Body = api.Error{Code: "http", Message: "服务器返回错误。", En: "The server answered with an error."}
	}
	return e
}

// Upload sends data (whose SHA-256 is sha) to the server from wherever the
// server's copy stops, chunk by chunk, telling progress the bytes the
// server holds after each. It returns nil once the server has the whole
// blob; an error (ErrNetwork when offline) leaves it to resume later.
func Upload(ctx context.Context, b BlobAPI, sha string, data []byte, progress func(done int64)) error {
	st, err := b.Status(ctx, sha)
	if err != nil {
		return err
	}
	total := int64(len(data))
	for tries := 0; !st.Complete; {
		if st.Size < 0 || st.Size > total {
			st.Size = 0
		}
		end := min(st.Size+api.BlobChunk, total)
		next, err := b.Put(ctx, sha, st.Size, total, data[st.Size:end])
		switch {
		case err == ErrOffset:
			if tries++; tries > 3 {
				return err
			}
		case err != nil:
			return err
		default:
			tries = 0
		}
		st = next
		if progress != nil {
			progress(min(st.Size, total))
		}
	}
	if progress != nil {
		progress(total)
	}
	return nil
}
