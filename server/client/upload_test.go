package client_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"jiuzhu/app/account"
	"jiuzhu/server/store"
	"jiuzhu/shared/api"
)

// httpBlobs is the tablet's blob API over net/http (the app uses the
// browser's fetch, with the same requests).
type httpBlobs struct {
	url, token string
	failAfter  int // Put calls that succeed before the network "goes"; -1 never
}

func (h *httpBlobs) do(ctx context.Context, method, path string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, h.url+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+h.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, account.ErrNetwork
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func (h *httpBlobs) status(code int, b []byte, err error) (api.BlobStatus, error) {
	var st api.BlobStatus
	if err != nil {
		return st, err
	}
	if e := json.Unmarshal(b, &st); e != nil {
		return st, fmt.Errorf("%d: %s", code, b)
	}
	switch {
	case code == http.StatusConflict:
		return st, account.ErrOffset
	case code != http.StatusOK:
		return st, fmt.Errorf("%d: %s", code, b)
	}
	return st, nil
}

func (h *httpBlobs) Status(ctx context.Context, sha string) (api.BlobStatus, error) {
	return h.status(h.do(ctx, "GET", "/api/blobs/"+sha+"/status", nil))
}

func (h *httpBlobs) Put(ctx context.Context, sha string, offset, total int64, chunk []byte) (api.BlobStatus, error) {
	if h.failAfter == 0 {
		return api.BlobStatus{}, account.ErrNetwork
	}
	h.failAfter--
	return h.status(h.do(ctx, "PUT", fmt.Sprintf("/api/blobs/%s?offset=%d&total=%d", sha, offset, total), chunk))
}

func (h *httpBlobs) Get(ctx context.Context, sha string) ([]byte, error) {
	code, b, err := h.do(ctx, "GET", "/api/blobs/"+sha, nil)
	if err == nil && code != http.StatusOK {
		err = fmt.Errorf("%d: %s", code, b)
	}
	return b, err
}

// The tablet's uploader against the real server: a photo larger than a
// chunk, cut off by a lost network after the first chunk, resumes where
// the server's copy stops and arrives whole; progress only grows.
func TestUploadResumesAfterNetworkLoss(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	d := e.login(t, "wang")
	photo := make([]byte, 2*api.BlobChunk+12345)
	rand.Read(photo)
	sum := sha256.Sum256(photo)
	sha := hex.EncodeToString(sum[:])
	b := &httpBlobs{url: e.http.URL, token: d.Token, failAfter: 1}
	var seen []int64
	progress := func(n int64) { seen = append(seen, n) }
	if err := account.Upload(context.Background(), b, sha, photo, progress); err != account.ErrNetwork {
		t.Fatalf("first attempt: %v, want the network error", err)
	}
	if st, err := b.Status(context.Background(), sha); err != nil || st.Size != api.BlobChunk || st.Complete {
		t.Fatalf("after the cut the server holds %+v (%v), want one chunk", st, err)
	}
	b.failAfter = -1
	if err := account.Upload(context.Background(), b, sha, photo, progress); err != nil {
		t.Fatalf("resumed: %v", err)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] < seen[i-1] && seen[i-1] != int64(len(photo)) {
			t.Errorf("progress went back: %v", seen)
		}
	}
	if seen[len(seen)-1] != int64(len(photo)) {
		t.Errorf("progress ends at %d of %d", seen[len(seen)-1], len(photo))
	}
	got, err := b.Get(context.Background(), sha)
	if err != nil || !bytes.Equal(got, photo) {
		t.Fatalf("downloaded %d bytes (%v), want the photo's %d", len(got), err, len(photo))
	}
	// Uploading again finds it complete and sends nothing.
	b.failAfter = 0
	if err := account.Upload(context.Background(), b, sha, photo, nil); err != nil {
		t.Errorf("a second upload of a complete photo: %v", err)
	}
}
