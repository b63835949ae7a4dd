package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"jiuzhu/server"
	"jiuzhu/server/client"
	"jiuzhu/server/store"
	"jiuzhu/shared/api"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// The blob tests run a real server (bbolt in a temporary directory) and
// push records with the native client, as a tablet would. They are an
// external test package because the client imports the server.

const blobPassword = "secret-password"

// clock is a server clock a test moves.
type clock struct {
	mu gosync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type blobEnv struct {
	t     *testing.T
	srv   *server.Server
	url   string
	clock *clock
}

func newBlobEnv(t *testing.T) *blobEnv {
	t.Helper()
	c := &clock{t: time.Now()}
	s, err := server.New(server.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler), Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	h := httptest.NewServer(s.Handler())
	t.Cleanup(func() { h.Close(); s.Close() })
	return &blobEnv{t: t, srv: s, url: h.URL, clock: c}
}

// user adds an account and logs it in on a new device.
func (e *blobEnv) user(name string, role store.Role, team string) *client.Device {
	e.t.Helper()
	_, err := e.srv.AddUser(context.Background(), server.NewUser{Name: name, Password: blobPassword, Role: role, Team: team, Org: "620102"})
	if err != nil {
		e.t.Fatal(err)
	}
	d, err := client.Login(context.Background(), e.url, name, blobPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// reply is an answer of the blob API.
type reply struct {
	code   int
	header http.Header
	body   []byte
	err    api.Error
	status api.BlobStatus
}

// do sends a request with a bearer token ("" for none) and decodes the
// answer.
func (e *blobEnv) do(method, path, token string, body []byte) reply {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	r := reply{code: resp.StatusCode, header: resp.Header}
	if r.body, err = io.ReadAll(resp.Body); err != nil {
		e.t.Fatal(err)
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(r.body, &r.err); err != nil {
			e.t.Fatalf("%s %s: %v in %s", method, path, err, r.body)
		}
		json.Unmarshal(r.body, &r.status)
	}
	return r
}

func (e *blobEnv) put(d *client.Device, sha string, offset, total int, chunk []byte) reply {
	e.t.Helper()
	return e.do(http.MethodPut, fmt.Sprintf("/api/blobs/%s?offset=%d&total=%d", sha, offset, total), d.Token, chunk)
}

func (e *blobEnv) status(d *client.Device, sha string) api.BlobStatus {
	e.t.Helper()
	r := e.do(http.MethodGet, "/api/blobs/"+sha+"/status", d.Token, nil)
	if r.code != http.StatusOK {
		e.t.Fatalf("status of %.8s: %d %s", sha, r.code, r.body)
	}
	return r.status
}

func (e *blobEnv) get(d *client.Device, sha string) reply {
	e.t.Helper()
	return e.do(http.MethodGet, "/api/blobs/"+sha, d.Token, nil)
}

// uploadAll uploads b in chunks of api.BlobChunk from offset from, checking
// every answer, and returns the last.
func (e *blobEnv) uploadAll(d *client.Device, b []byte, from int) api.BlobStatus {
	e.t.Helper()
	sha := shaOf(b)
	var st api.BlobStatus
	for off := from; off < len(b) || off == 0; {
		end := min(off+api.BlobChunk, len(b))
		r := e.put(d, sha, off, len(b), b[off:end])
		if r.code != http.StatusOK {
			e.t.Fatalf("chunk at %d: %d %s", off, r.code, r.body)
		}
		st = r.status
		if want := (api.BlobStatus{Size: int64(end), Complete: end == len(b)}); st != want {
			e.t.Fatalf("chunk at %d: %+v, want %+v", off, st, want)
		}
		if off = end; end == 0 {
			break
		}
	}
	return st
}

// wantError checks an error answer: its status, its code, and a message in
// both languages containing each of the words.
func wantError(t *testing.T, what string, r reply, code int, errCode string, words ...string) {
	t.Helper()
	if r.code != code || r.err.Code != errCode || r.err.Message == "" || r.err.En == "" {
		t.Errorf("%s: %d %s; want %d %s with messages in both languages", what, r.code, r.body, code, errCode)
		return
	}
	for _, w := range words {
		if !strings.Contains(r.err.Message, w) || !strings.Contains(r.err.En, w) {
			t.Errorf("%s: messages %q / %q do not name %q", what, r.err.Message, r.err.En, w)
		}
	}
}

func shaOf(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func photo(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func newRec(typ string) sync.RecID {
	var ent [10]byte
	rand.Read(ent[:])
	return sync.MakeRecID(typ, time.Now().UnixMilli(), ent)
}

// syncOK runs one sync round and checks nothing was refused.
func syncOK(t *testing.T, d *client.Device) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rep, err := d.Sync(ctx)
	if err != nil || rep.Rejected != 0 {
		t.Fatalf("sync %s: %+v, %v", d.User.Name, rep, err)
	}
}

// newCase creates a case owned by d's user.
func newCase(t *testing.T, d *client.Device) sync.RecID {
	t.Helper()
	id := newRec(model.TypeCase)
	err := d.Edit(context.Background(),
		sync.Edit{Rec: id, Field: sync.FieldRoot, Value: model.Str(string(id))},
		sync.Edit{Rec: id, Field: "title", Value: model.Str("个案")},
		sync.Edit{Rec: id, Field: "worker", Value: model.Str(d.User.ID)},
		sync.Edit{Rec: id, Field: "opened", Value: model.Str("2026-11-01")},
	)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// attach adds an attachment record naming b to a root.
func attach(t *testing.T, d *client.Device, root sync.RecID, b []byte) sync.RecID {
	t.Helper()
	id := newRec(model.TypeAttachment)
	err := d.Edit(context.Background(),
		sync.Edit{Rec: id, Field: sync.FieldRoot, Value: model.Str(string(root))},
		sync.Edit{Rec: id, Field: model.FieldParent, Value: model.Str(string(root))},
		sync.Edit{Rec: id, Field: "name", Value: model.Str("入户照片.jpg")},
		sync.Edit{Rec: id, Field: "mime", Value: model.Str("image/jpeg")},
		sync.Edit{Rec: id, Field: "size", Value: model.Int(int64(len(b)))},
		sync.Edit{Rec: id, Field: "sha256", Value: model.Str(shaOf(b))},
	)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// A photo goes up in chunks, the status follows it, and its uploader gets
// the bytes back; the same bytes uploaded again by the same user are
// complete at once, but another user must send them all.
func TestBlobUploadInChunks(t *testing.T) {
	t.Parallel()
	e := newBlobEnv(t)
	wang := e.user("wang", store.RoleWorker, "t1")
	li := e.user("li", store.RoleWorker, "t2")
	b := photo(t, 2*api.BlobChunk+1000) // three chunks, the last short
	sha := shaOf(b)
	if st := e.status(wang, sha); st != (api.BlobStatus{}) {
		t.Errorf("status before: %+v", st)
	}
	r := e.put(wang, sha, 0, len(b), b[:api.BlobChunk])
	if r.code != http.StatusOK || r.status != (api.BlobStatus{Size: api.BlobChunk}) {
		t.Fatalf("first chunk: %d %s", r.code, r.body)
	}
	if st := e.status(wang, sha); st != (api.BlobStatus{Size: api.BlobChunk}) {
		t.Errorf("status after one chunk: %+v", st)
	}
	if st := e.status(li, sha); st != (api.BlobStatus{}) {
		t.Errorf("another user's status of wang's upload: %+v, want nothing", st)
	}
	if st := e.uploadAll(wang, b, api.BlobChunk); st != (api.BlobStatus{Size: int64(len(b)), Complete: true}) {
		t.Errorf("last answer %+v", st)
	}
	if st := e.status(wang, sha); st != (api.BlobStatus{Size: int64(len(b)), Complete: true}) {
		t.Errorf("status after: %+v", st)
	}
	got := e.get(wang, sha)
	if got.code != http.StatusOK || !bytes.Equal(got.body, b) {
		t.Fatalf("download by the uploader: %d, %d bytes, equal %v", got.code, len(got.body), bytes.Equal(got.body, b))
	}
	for h, want := range map[string]string{"Content-Type": "application/octet-stream", "Cache-Control": "private, no-store",
		"Content-Length": fmt.Sprint(len(b))} {
		if v := got.header.Get(h); v != want {
			t.Errorf("%s: %q, want %q", h, v, want)
		}
	}
	// Dedupe for the uploader: the same bytes again need not be sent.
	r = e.put(wang, sha, 0, len(b), b[:api.BlobChunk])
	if r.code != http.StatusOK || r.status != (api.BlobStatus{Size: int64(len(b)), Complete: true}) {
		t.Errorf("same bytes again by wang: %d %s", r.code, r.body)
	}
	// Not for anyone else: li's status does not tell the blob exists, and
	// li sends every byte, then gets them back (stored once).
	if st := e.status(li, sha); st != (api.BlobStatus{}) {
		t.Errorf("li's status of wang's blob: %+v, want nothing", st)
	}
	if st := e.uploadAll(li, b, 0); st != (api.BlobStatus{Size: int64(len(b)), Complete: true}) {
		t.Errorf("li's upload of the same bytes: %+v", st)
	}
	if st := e.status(li, sha); st != (api.BlobStatus{Size: int64(len(b)), Complete: true}) {
		t.Errorf("li's status after uploading: %+v", st)
	}
	if got := e.get(li, sha); got.code != http.StatusOK || !bytes.Equal(got.body, b) {
		t.Errorf("download by the second uploader: %d, %d bytes", got.code, len(got.body))
	}
	if r := e.put(li, sha, 0, len(b), b[:10]); r.code != http.StatusOK || r.status != (api.BlobStatus{Size: int64(len(b)), Complete: true}) {
		t.Errorf("same bytes again by li: %d %s", r.code, r.body)
	}
	// An empty file is a blob too.
	if st := e.uploadAll(wang, nil, 0); st != (api.BlobStatus{Complete: true}) {
		t.Errorf("empty blob: %+v", st)
	}
	if got := e.get(wang, shaOf(nil)); got.code != http.StatusOK || len(got.body) != 0 {
		t.Errorf("empty blob download: %d %q", got.code, got.body)
	}
}

// An upload cut off in the middle of a chunk keeps the chunks before it; a
// chunk at the wrong offset is answered 409 with the size to resume from,
// and resuming there completes the blob.
func TestBlobResume(t *testing.T) {
	t.Parallel()
	e := newBlobEnv(t)
	wang := e.user("wang", store.RoleWorker, "t1")
	b := photo(t, 3*api.BlobChunk)
	sha := shaOf(b)
	if r := e.put(wang, sha, 0, len(b), b[:api.BlobChunk]); r.code != http.StatusOK {
		t.Fatalf("first chunk: %d %s", r.code, r.body)
	}

	// The second chunk's connection drops halfway through its body.
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "PUT /api/blobs/%s?offset=%d&total=%d HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n",
		sha, api.BlobChunk, len(b), wang.Token, api.BlobChunk)
	conn.Write(b[api.BlobChunk : api.BlobChunk+api.BlobChunk/2])
	conn.Close()

	// The tablet comes back and asks where to resume; a chunk from too
	// early or too late is refused with the size.
	if st := e.status(wang, sha); st != (api.BlobStatus{Size: api.BlobChunk}) {
		t.Fatalf("status after the cut: %+v, want the first chunk only", st)
	}
	for _, off := range []int{0, 2 * api.BlobChunk} {
		r := e.put(wang, sha, off, len(b), b[off:off+api.BlobChunk])
		wantError(t, fmt.Sprintf("chunk at %d", off), r, http.StatusConflict, "offset_mismatch", fmt.Sprint(api.BlobChunk))
		if r.status != (api.BlobStatus{Size: api.BlobChunk}) {
			t.Errorf("chunk at %d: 409 says %+v, want size %d", off, r.status, api.BlobChunk)
		}
	}
	// A new upload must start at 0.
	other := photo(t, 100)
	r := e.put(wang, shaOf(other), 50, len(other), other[50:])
	if r.code != http.StatusConflict || r.status != (api.BlobStatus{}) {
		t.Errorf("new upload at 50: %d %s, want 409 size 0", r.code, r.body)
	}
	if st := e.uploadAll(wang, b, int(e.status(wang, sha).Size)); !st.Complete {
		t.Errorf("resumed upload: %+v", st)
	}
	if got := e.get(wang, sha); !bytes.Equal(got.body, b) {
		t.Errorf("resumed upload downloads %d bytes, equal %v", len(got.body), bytes.Equal(got.body, b))
	}
	// A leftover upload longer than the total now given cannot be this
	// blob: it is dropped and the 409 says start again.
	short := photo(t, 1000)
	ssha := shaOf(short)
	if r := e.put(wang, ssha, 0, 5000, append(short, photo(t, 900)...)); r.code != http.StatusOK || r.status.Size != 1900 {
		t.Fatalf("chunk claiming a longer total: %d %s", r.code, r.body)
	}
	if r := e.put(wang, ssha, 0, len(short), short); r.code != http.StatusConflict || r.status != (api.BlobStatus{}) {
		t.Errorf("after a too long upload: %d %s, want 409 size 0", r.code, r.body)
	}
	if st := e.uploadAll(wang, short, 0); !st.Complete {
		t.Errorf("restarted upload: %+v", st)
	}
}

// Bad input is refused with a clear error and leaves nothing behind.
func TestBlobBadInput(t *testing.T) {
	t.Parallel()
	e := newBlobEnv(t)
	wang := e.user("wang", store.RoleWorker, "t1")
	b := photo(t, 1000)
	sha := shaOf(b)
	for _, bad := range []string{strings.ToUpper(sha), sha[:63], sha + "0", strings.Repeat("g", 64), "..%2F..%2Fetc"} {
		for _, r := range []reply{e.put(wang, bad, 0, len(b), b), e.get(wang, bad),
			e.do(http.MethodGet, "/api/blobs/"+bad+"/status", wang.Token, nil)} {
			wantError(t, "sha "+bad, r, http.StatusBadRequest, "bad_sha", "64")
		}
	}
	for _, q := range []string{"", "?offset=0", "?total=10", "?offset=-1&total=10", "?offset=11&total=10", "?offset=x&total=10", "?offset=0&total=1e3"} {
		r := e.do(http.MethodPut, "/api/blobs/"+sha+q, wang.Token, b[:10])
		wantError(t, "query "+q, r, http.StatusBadRequest, "bad_request", "offset", "total")
	}
	wantError(t, "total over the limit", e.put(wang, sha, 0, api.MaxBlob+1, b), http.StatusRequestEntityTooLarge, "too_large", "8 MiB")
	big := photo(t, api.BlobChunk+1)
	wantError(t, "chunk over the limit", e.put(wang, shaOf(big), 0, len(big), big), http.StatusRequestEntityTooLarge, "chunk_too_large", "256 KiB")
	wantError(t, "chunk past total", e.put(wang, sha, 0, 999, b), http.StatusBadRequest, "beyond_total")

	// The right length, the wrong bytes: refused when complete, and the
	// upload is gone.
	wrong := bytes.Clone(b)
	wrong[500] ^= 1
	if r := e.put(wang, sha, 0, len(b), wrong[:600]); r.code != http.StatusOK {
		t.Fatalf("first half: %d %s", r.code, r.body)
	}
	wantError(t, "wrong bytes", e.put(wang, sha, 600, len(b), wrong[600:]), http.StatusBadRequest, "hash_mismatch", "SHA-256")
	for _, s := range []string{sha, shaOf(big)} {
		if st := e.status(wang, s); st != (api.BlobStatus{}) {
			t.Errorf("after refusals, status of %.8s = %+v, want nothing stored", s, st)
		}
	}
	wantError(t, "download of the refused blob", e.get(wang, sha), http.StatusNotFound, "not_found")
	// Uploading the right bytes afterwards works.
	if st := e.uploadAll(wang, b, 0); !st.Complete {
		t.Errorf("right bytes after a mismatch: %+v", st)
	}
}

// Only the uploaders, and those who see a root holding an attachment naming
// the blob in a value an uploader wrote, may download it; everyone else is
// told it does not exist.
func TestBlobScope(t *testing.T) {
	t.Parallel()
	e := newBlobEnv(t)
	wang := e.user("wang", store.RoleWorker, "t1")
	li := e.user("li", store.RoleWorker, "t2")
	zhao := e.user("zhao", store.RoleSupervisor, "t1")
	sun := e.user("sun", store.RoleSupervisor, "t2")
	b := photo(t, api.BlobChunk+10)
	sha := shaOf(b)
	e.uploadAll(wang, b, 0)
	missing := e.get(li, shaOf([]byte("never uploaded")))
	wantError(t, "a blob nobody uploaded", missing, http.StatusNotFound, "not_found")

	downloads := func(when string, want map[*client.Device]bool) {
		t.Helper()
		for d, may := range want {
			r := e.get(d, sha)
			switch {
			case may && (r.code != http.StatusOK || !bytes.Equal(r.body, b)):
				t.Errorf("%s: %s gets %d (%d bytes), want the photo", when, d.User.Name, r.code, len(r.body))
			case !may && (r.code != http.StatusNotFound || !bytes.Equal(r.body, missing.body)):
				t.Errorf("%s: %s gets %d %.100q, want the same 404 as for a missing blob", when, d.User.Name, r.code, r.body)
			}
		}
	}
	downloads("uploaded, no record yet", map[*client.Device]bool{wang: true, zhao: false, li: false, sun: false})

	c := newCase(t, wang)
	rec := attach(t, wang, c, b)
	syncOK(t, wang)
	downloads("attached to wang's case", map[*client.Device]bool{wang: true, zhao: true, li: false, sun: false})

	// The attachment is changed to name another photo: the old one is no
	// longer reachable through it.
	if err := wang.Edit(context.Background(), sync.Edit{Rec: rec, Field: "sha256", Value: model.Str(shaOf([]byte("x")))}); err != nil {
		t.Fatal(err)
	}
	syncOK(t, wang)
	downloads("attachment renamed", map[*client.Device]bool{wang: true, zhao: false})
	if err := wang.Edit(context.Background(), sync.Edit{Rec: rec, Field: "sha256", Value: model.Str(sha)}); err != nil {
		t.Fatal(err)
	}
	syncOK(t, wang)
	downloads("attachment named again", map[*client.Device]bool{zhao: true})

	// A deleted attachment gives no access.
	if err := wang.Edit(context.Background(), sync.Edit{Rec: rec, Field: sync.FieldDeleted, Value: sync.ValueTrue}); err != nil {
		t.Fatal(err)
	}
	syncOK(t, wang)
	downloads("attachment deleted", map[*client.Device]bool{wang: true, zhao: false, li: false})

	// li never had the photo but learnt its sha (say, in a case since
	// reassigned away): an attachment li writes naming it, in li's own
	// case, unlocks nothing, for li or li's supervisor.
	lc := newCase(t, li)
	attach(t, li, lc, b)
	syncOK(t, li)
	downloads("named by li, who never uploaded it", map[*client.Device]bool{wang: true, zhao: false, li: false, sun: false})

	// li uploads the same bytes, all of them: li is an uploader now, and
	// li's attachment lets sun have them.
	if st := e.uploadAll(li, b, 0); !st.Complete {
		t.Fatalf("li's upload: %+v", st)
	}
	downloads("uploaded by li too", map[*client.Device]bool{wang: true, li: true, sun: true, zhao: false})

	// What counts is who wrote the sha256 value, not who made the record:
	// zhao, who never uploaded li's other photo, points wang's attachment
	// at it, and neither zhao nor wang gets it.
	other := photo(t, 500)
	e.uploadAll(li, other, 0)
	wrec := attach(t, wang, c, photo(t, 10))
	syncOK(t, wang)
	syncOK(t, zhao)
	if err := zhao.Edit(context.Background(), sync.Edit{Rec: wrec, Field: "sha256", Value: model.Str(shaOf(other))}); err != nil {
		t.Fatal(err)
	}
	syncOK(t, zhao)
	for _, d := range []*client.Device{zhao, wang} {
		if r := e.get(d, shaOf(other)); r.code != http.StatusNotFound {
			t.Errorf("li's photo named in wang's case by zhao: %s gets %d, want 404", d.User.Name, r.code)
		}
	}
	if r := e.get(li, shaOf(other)); r.code != http.StatusOK || !bytes.Equal(r.body, other) {
		t.Errorf("li's other photo: li gets %d", r.code)
	}
}

// Someone who did not upload a blob learns nothing of it from the status or
// the answers to their chunks: they must send it all from offset 0, as for
// a new blob, and become one of its uploaders only once their bytes verify.
func TestBlobNoDedupeForOthers(t *testing.T) {
	t.Parallel()
	e := newBlobEnv(t)
	wang := e.user("wang", store.RoleWorker, "t1")
	li := e.user("li", store.RoleWorker, "t1")
	b := photo(t, 2*api.BlobChunk+7)
	sha := shaOf(b)
	e.uploadAll(wang, b, 0)
	e.uploadAll(wang, nil, 0)

	if st := e.status(li, sha); st != (api.BlobStatus{}) {
		t.Errorf("li's status of an existing blob: %+v, want nothing", st)
	}
	// Resuming past the start, as if the server had the bytes, is refused
	// with li's own size (0).
	r := e.put(li, sha, api.BlobChunk, len(b), b[api.BlobChunk:2*api.BlobChunk])
	wantError(t, "li's chunk past 0", r, http.StatusConflict, "offset_mismatch")
	if r.status != (api.BlobStatus{}) {
		t.Errorf("li's chunk past 0: 409 says %+v, want size 0", r.status)
	}
	r = e.put(li, sha, 0, len(b), b[:api.BlobChunk])
	if r.code != http.StatusOK || r.status != (api.BlobStatus{Size: api.BlobChunk}) {
		t.Fatalf("li's first chunk: %d %s, want size %d, not complete", r.code, r.body, api.BlobChunk)
	}
	if st := e.status(li, sha); st != (api.BlobStatus{Size: api.BlobChunk}) {
		t.Errorf("li's status after one chunk: %+v", st)
	}
	// Wrong bytes: refused, li's upload dropped, li still may not download,
	// the blob and wang's access intact.
	wrong := bytes.Clone(b[api.BlobChunk:])
	wrong[0] ^= 1
	r = e.put(li, sha, api.BlobChunk, len(b), wrong[:api.BlobChunk])
	if r.code != http.StatusOK {
		t.Fatalf("li's second chunk: %d %s", r.code, r.body)
	}
	wantError(t, "li's wrong bytes", e.put(li, sha, 2*api.BlobChunk, len(b), wrong[api.BlobChunk:]), http.StatusBadRequest, "hash_mismatch")
	if st := e.status(li, sha); st != (api.BlobStatus{}) {
		t.Errorf("li's status after a mismatch: %+v, want nothing", st)
	}
	wantError(t, "li's download after a mismatch", e.get(li, sha), http.StatusNotFound, "not_found")
	if got := e.get(wang, sha); got.code != http.StatusOK || !bytes.Equal(got.body, b) {
		t.Errorf("wang's download after li's mismatch: %d", got.code)
	}
	// The right bytes, all of them: li is an uploader.
	if st := e.uploadAll(li, b, 0); st != (api.BlobStatus{Size: int64(len(b)), Complete: true}) {
		t.Errorf("li's full upload: %+v", st)
	}
	if got := e.get(li, sha); got.code != http.StatusOK || !bytes.Equal(got.body, b) {
		t.Errorf("li's download after uploading: %d", got.code)
	}
	// The empty blob too.
	if st := e.status(li, shaOf(nil)); st != (api.BlobStatus{}) {
		t.Errorf("li's status of the existing empty blob: %+v", st)
	}
	wantError(t, "li's download of the empty blob", e.get(li, shaOf(nil)), http.StatusNotFound, "not_found")
	if st := e.uploadAll(li, nil, 0); st != (api.BlobStatus{Complete: true}) {
		t.Errorf("li's empty upload: %+v", st)
	}
	if got := e.get(li, shaOf(nil)); got.code != http.StatusOK || len(got.body) != 0 {
		t.Errorf("li's empty download: %d %q", got.code, got.body)
	}
}

// Blob requests need a live session: none, an unknown one, an expired one
// or one of a revoked device is answered 401.
func TestBlobAuth(t *testing.T) {
	t.Parallel()
	e := newBlobEnv(t)
	wang := e.user("wang", store.RoleWorker, "t1")
	old := e.user("li", store.RoleWorker, "t1")
	b := photo(t, 100)
	sha := shaOf(b)
	e.uploadAll(wang, b, 0)
	requests := func(token string) []reply {
		return []reply{
			e.do(http.MethodGet, "/api/blobs/"+sha+"/status", token, nil),
			e.do(http.MethodPut, "/api/blobs/"+sha+"?offset=0&total=100", token, b),
			e.do(http.MethodGet, "/api/blobs/"+sha, token, nil),
		}
	}
	for _, r := range requests("") {
		wantError(t, "no token", r, http.StatusUnauthorized, "no_token")
	}
	for _, r := range requests("not-a-token") {
		wantError(t, "unknown token", r, http.StatusUnauthorized, "session_expired")
	}
	if err := e.srv.RevokeDevice(context.Background(), wang.Session.Device()); err != nil {
		t.Fatal(err)
	}
	for _, r := range requests(wang.Token) {
		wantError(t, "revoked device", r, http.StatusUnauthorized, "device_revoked")
	}
	if r := e.get(old, sha); r.code != http.StatusNotFound {
		t.Errorf("another device before expiry: %d %s", r.code, r.body)
	}
	e.clock.add(91 * 24 * time.Hour)
	for _, r := range requests(old.Token) {
		wantError(t, "expired token", r, http.StatusUnauthorized, "session_expired")
	}
}

// A user may have only so many uploads in progress; an upload left long
// enough makes room for a new one, and uploads already started go on.
func TestBlobPartialLimit(t *testing.T) {
	t.Parallel()
	e := newBlobEnv(t)
	wang := e.user("wang", store.RoleWorker, "t1")
	li := e.user("li", store.RoleWorker, "t1")
	var started [][]byte
	for i := range 32 {
		b := photo(t, 100)
		if r := e.put(wang, shaOf(b), 0, len(b), b[:10]); r.code != http.StatusOK {
			t.Fatalf("upload %d: %d %s", i, r.code, r.body)
		}
		started = append(started, b)
		e.clock.add(time.Second)
	}
	extra := photo(t, 100)
	wantError(t, "33rd upload", e.put(wang, shaOf(extra), 0, len(extra), extra[:10]), http.StatusTooManyRequests, "too_many_uploads", "32")
	if st := e.status(wang, shaOf(extra)); st != (api.BlobStatus{}) {
		t.Errorf("refused upload stored: %+v", st)
	}
	// Another user is not limited by wang's uploads.
	if st := e.uploadAll(li, extra, 0); !st.Complete {
		t.Errorf("li's upload: %+v", st)
	}
	// Uploads in progress go on, and finishing one makes room.
	last := started[31]
	if r := e.put(wang, shaOf(last), 10, len(last), last[10:]); r.code != http.StatusOK || !r.status.Complete {
		t.Fatalf("finishing upload 31: %d %s", r.code, r.body)
	}
	other := photo(t, 100)
	if r := e.put(wang, shaOf(other), 0, len(other), other[:10]); r.code != http.StatusOK {
		t.Fatalf("after one finished: %d %s", r.code, r.body)
	}
	wantError(t, "limit reached again", e.put(wang, shaOf(extra[:50]), 0, 50, extra[:10]), http.StatusTooManyRequests, "too_many_uploads")
	// An hour later the stalest upload (the first) gives way.
	e.clock.add(time.Hour)
	if r := e.put(wang, shaOf(extra[:50]), 0, 50, extra[:10]); r.code != http.StatusOK {
		t.Fatalf("after an hour: %d %s", r.code, r.body)
	}
	if st := e.status(wang, shaOf(started[0])); st != (api.BlobStatus{}) {
		t.Errorf("stalest upload kept: %+v", st)
	}
	if st := e.status(wang, shaOf(started[1])); st != (api.BlobStatus{Size: 10}) {
		t.Errorf("second stalest upload: %+v, want kept", st)
	}
}
