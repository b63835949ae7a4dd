//go:build js && wasm

package local_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	stdsync "sync"
	"syscall/js"
	"testing"
	"time"

	"jiuzhu/app/local"
	"jiuzhu/app/local/localtest"
	"jiuzhu/shared/sync"
)

// These tests run in headless Chromium (server/e2e's TestAppLocalInBrowser).

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func idbOpener() localtest.DigestOpener {
	var mu stdsync.Mutex
	keys := map[string][]byte{}
	return func(t *testing.T, user, device string, dg *local.Digester) local.Store {
		ctx := testCtx(t)
		mu.Lock()
		key, ok := keys[user]
		if !ok {
			key = local.NewKey()
			keys[user] = key
			t.Cleanup(func() { local.DeleteUserDB(context.Background(), user) })
		}
		mu.Unlock()
		s, err := local.OpenIDBStore(ctx, user, key, device, dg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
}

func TestIDBStoreContract(t *testing.T) {
	open := idbOpener()
	localtest.Run(t, func(t *testing.T, user, device string) local.Store {
		return open(t, user, device, localtest.Digester)
	})
	localtest.RunDigests(t, open)
	localtest.RunBlobs(t, func(t *testing.T, user, device string) local.Store {
		return open(t, user, device, localtest.Digester)
	})
}

func TestIDBKeyringContract(t *testing.T) {
	localtest.RunKeyring(t, func(t *testing.T) func() *local.Keyring {
		return func() *local.Keyring {
			kr, err := local.OpenKeyring(testCtx(t), local.KeyringOptions{Iterations: 1000})
			if err != nil {
				t.Fatal(err)
			}
			return kr
		}
	})
}

func openTemp(t *testing.T, key []byte) (local.Store, string) {
	t.Helper()
	user := fmt.Sprintf("tmp-%s-%d", t.Name(), time.Now().UnixNano())
	s, err := local.OpenIDBStore(testCtx(t), user, key, localtest.Device, localtest.Digester)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); local.DeleteUserDB(context.Background(), user) })
	return s, user
}

// A transaction that fails after it wrote leaves nothing of its writes.
func TestIDBAbortLeavesNothing(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	s, _ := openTemp(t, local.NewKey())
	root := localtest.RecID("case")
	kid := localtest.RecID("person")
	meta := sync.ClientMeta{Device: localtest.Device, Counter: 1, Cursor: sync.Cursor{Seq: 10}}
	if err := s.SavePage(ctx, meta, []*sync.Record{localtest.Rec(root, root, 5), localtest.Rec(kid, root, 5)}, nil); err != nil {
		t.Fatal(err)
	}
	c := sync.Change{Op: sync.Op{Device: localtest.Device, Counter: 1}, Rec: root, Field: "a", Value: "1", By: "u"}
	if err := s.Enqueue(ctx, meta, []sync.Change{c}); err != nil {
		t.Fatal(err)
	}
	_, pos, _, err := s.Digests(ctx, local.DigestPos{})
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		m, err := s.Meta(ctx)
		recs, err2 := s.Records(ctx, []sync.RecID{root, kid})
		out, err3 := s.Outbox(ctx)
		rej, err4 := s.Rejected(ctx)
		digs, _, full, err5 := s.Digests(ctx, pos)
		if err := errors.Join(err, err2, err3, err4, err5); err != nil {
			t.Fatal(err)
		}
		if m != meta || len(recs) != 2 || len(out) != 1 || len(rej) != 0 || full || len(digs) != 0 {
			t.Fatalf("%s: meta %+v, %d records, %d outbox, %d rejected, %d digests (full %v): something was half-written",
				when, m, len(recs), len(out), len(rej), len(digs), full)
		}
	}
	bad := sync.ClientMeta{Device: localtest.Device, Counter: 9, Cursor: sync.Cursor{Seq: 99}}

	local.AbortNext(s, "save page")
	err = s.SavePage(ctx, bad, []*sync.Record{localtest.Rec(localtest.RecID("case"), "", 5)}, []sync.RecID{root})
	if !errors.Is(err, local.ErrInjected) {
		t.Fatalf("aborted SavePage: %v", err)
	}
	check("after an aborted SavePage")

	local.AbortNext(s, "enqueue")
	c2 := c
	c2.Op.Counter = 2
	if err := s.Enqueue(ctx, bad, []sync.Change{c2}); !errors.Is(err, local.ErrInjected) {
		t.Fatalf("aborted Enqueue: %v", err)
	}
	check("after an aborted Enqueue")

	local.AbortNext(s, "save ack")
	err = s.SaveAck(ctx, []*sync.Record{localtest.Rec(localtest.RecID("case"), "", 3)}, nil, []sync.RejectedChange{{Change: c, Code: "x"}})
	if !errors.Is(err, local.ErrInjected) {
		t.Fatalf("aborted SaveAck: %v", err)
	}
	check("after an aborted SaveAck")
}

// A store opened with another key reads nothing: every value is sealed.
func TestIDBWrongKeyIsCorrupt(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	s, user := openTemp(t, local.NewKey())
	id := localtest.RecID("case")
	if err := s.SavePage(ctx, sync.ClientMeta{Device: localtest.Device}, []*sync.Record{localtest.Rec(id, id, 4)}, nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := local.OpenIDBStore(ctx, user, local.NewKey(), localtest.Device, localtest.Digester)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := s2.Records(ctx, []sync.RecID{id}); !errors.Is(err, local.ErrCorrupt) {
		t.Fatalf("Records with another key: %v, want ErrCorrupt", err)
	}
	if _, err := s2.Meta(ctx); !errors.Is(err, local.ErrCorrupt) {
		t.Fatalf("Meta with another key: %v, want ErrCorrupt", err)
	}
}

// Nothing personal reaches IndexedDB, localStorage or Cache Storage in the
// clear: the name, ID number, token and password are searched for in every
// raw value and key of every database of the origin.
func TestIDBNoPlaintext(t *testing.T) {
	ctx := testCtx(t)
	kr, err := local.OpenKeyring(ctx, local.KeyringOptions{Iterations: 1000, Digester: localtest.Digester})
	if err != nil {
		t.Fatal(err)
	}
	const token, password = "tok-SECRET-5f2a9c", "pw-SECRET-密码"
	u, err := kr.Create(ctx, "u-plain", "plain-user", password, token, "dev-plain")
	if err != nil {
		t.Fatal(err)
	}
	defer kr.Wipe(context.Background(), "u-plain")
	s, err := u.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	id := localtest.RecID("case")
	if err := s.SavePage(ctx, sync.ClientMeta{Device: "dev-plain"}, []*sync.Record{localtest.Rec(id, id, 6)}, nil); err != nil {
		t.Fatal(err)
	}
	// Digests hold the name too: in the snapshot (built now) and in the
	// journal (the next page).
	if ds, _, _, err := s.Digests(ctx, local.DigestPos{}); err != nil || len(ds) != 1 {
		t.Fatalf("digests: %v, %v", ds, err)
	}
	id2 := localtest.RecID("case")
	if err := s.SavePage(ctx, sync.ClientMeta{Device: "dev-plain"}, []*sync.Record{localtest.Rec(id2, id2, 6)}, nil); err != nil {
		t.Fatal(err)
	}
	name := `"` + localtest.PersonName + `"`
	c := sync.Change{Op: sync.Op{Device: "dev-plain", Counter: 1}, Rec: id, Field: "name", Value: name, By: "u-plain"}
	c2 := c
	c2.Op.Counter, c2.Field, c2.Value = 2, "id_number", `"`+localtest.IDNumber+`"`
	if err := s.Enqueue(ctx, sync.ClientMeta{Device: "dev-plain", Counter: 2}, []sync.Change{c, c2}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAck(ctx, nil, nil, []sync.RejectedChange{{Change: c, Code: "schema", Message: localtest.IDNumber}}); err != nil {
		t.Fatal(err)
	}
	// A photo (with the name and ID number in it, as a JPEG comment might
	// have them) taken here, and one downloaded: neither their bytes nor
	// their names (SHA-256, a fingerprint of the photo) are in the clear.
	photo := []byte("\xff\xd8\xff\xfe\x00\x40" + localtest.PersonName + " " + localtest.IDNumber + " SECRET photo\xff\xd9")
	photoSHA := localtest.SHA(photo)
	if err := s.PutBlob(ctx, photoSHA, photo, true); err != nil {
		t.Fatal(err)
	}
	scan := append([]byte("SECRET scan "), bytes.Repeat([]byte(localtest.PersonName), 1000)...)
	scanSHA := localtest.SHA(scan)
	if err := s.PutBlob(ctx, scanSHA, scan, false); err != nil {
		t.Fatal(err)
	}
	raw := rawStorage(t, ctx)
	if !bytes.Contains(raw, []byte(string(id))) {
		t.Fatalf("the scan did not see the record's key %s: it reads nothing", id)
	}
	if !bytes.Contains(raw, []byte(local.BlobKey(s, photoSHA))) {
		t.Fatal("the scan did not see the photo's key: it reads no blobs")
	}
	secrets := []string{localtest.PersonName, localtest.IDNumber, token, password, "SECRET"}
	for _, sha := range []string{photoSHA, scanSHA} {
		bin, _ := hex.DecodeString(sha)
		secrets = append(secrets, sha, strings.ToUpper(sha), string(bin), base64.StdEncoding.EncodeToString(bin), base64.RawURLEncoding.EncodeToString(bin))
	}
	for _, secret := range secrets {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("%q is stored in the clear", secret)
		}
	}
	t.Logf("scanned %d bytes of raw storage", len(raw))
}

// rawStorage returns every key and value of every IndexedDB database of the
// origin, plus localStorage and the URLs in Cache Storage, as bytes.
func rawStorage(t *testing.T, ctx context.Context) []byte {
	var buf bytes.Buffer
	dbs := await(t, ctx, js.Global().Get("indexedDB").Call("databases"))
	for i := range dbs.Length() {
		name := dbs.Index(i).Get("name").String()
		req := js.Global().Get("indexedDB").Call("open", name)
		waitReq(t, ctx, req)
		db := req.Get("result")
		stores := db.Get("objectStoreNames")
		for j := range stores.Length() {
			st := db.Call("transaction", stores.Index(j), "readonly").Call("objectStore", stores.Index(j))
			keys, vals := st.Call("getAllKeys"), st.Call("getAll")
			waitReq(t, ctx, keys)
			waitReq(t, ctx, vals)
			walk(&buf, keys.Get("result"))
			walk(&buf, vals.Get("result"))
		}
		db.Call("close")
	}
	ls := js.Global().Get("localStorage")
	for i := range ls.Length() {
		k := ls.Call("key", i)
		walk(&buf, k)
		walk(&buf, ls.Call("getItem", k))
	}
	cks := await(t, ctx, js.Global().Get("caches").Call("keys"))
	for i := range cks.Length() {
		c := await(t, ctx, js.Global().Get("caches").Call("open", cks.Index(i)))
		walk(&buf, await(t, ctx, c.Call("keys")))
	}
	return buf.Bytes()
}

var (
	uint8Array  = js.Global().Get("Uint8Array")
	arrayBuffer = js.Global().Get("ArrayBuffer")
)

func walk(buf *bytes.Buffer, v js.Value) {
	switch v.Type() {
	case js.TypeString:
		buf.WriteString(v.String())
		buf.WriteByte(0)
	case js.TypeNumber:
		fmt.Fprintf(buf, "%v\x00", v.Float())
	case js.TypeObject:
		if v.IsNull() {
			return
		}
		if v.InstanceOf(arrayBuffer) {
			v = uint8Array.New(v)
		}
		if v.InstanceOf(uint8Array) {
			b := make([]byte, v.Length())
			js.CopyBytesToGo(b, v)
			buf.Write(b)
			buf.WriteByte(0)
			return
		}
		if u := v.Get("url"); u.Type() == js.TypeString { // a Request
			walk(buf, u)
			return
		}
		vals := js.Global().Get("Object").Call("values", v)
		for i := range vals.Length() {
			walk(buf, vals.Index(i))
		}
	}
}

func await(t *testing.T, ctx context.Context, p js.Value) js.Value {
	t.Helper()
	ch := make(chan js.Value, 1)
	errc := make(chan string, 1)
	ok := js.FuncOf(func(_ js.Value, a []js.Value) any { ch <- a[0]; return nil })
	bad := js.FuncOf(func(_ js.Value, a []js.Value) any { errc <- a[0].Call("toString").String(); return nil })
	defer ok.Release()
	defer bad.Release()
	p.Call("then", ok, bad)
	select {
	case v := <-ch:
		return v
	case e := <-errc:
		t.Fatal(e)
	case <-ctx.Done():
		t.Fatal(ctx.Err())
	}
	return js.Undefined()
}

func waitReq(t *testing.T, ctx context.Context, req js.Value) {
	t.Helper()
	done := make(chan bool, 1)
	ok := js.FuncOf(func(js.Value, []js.Value) any { done <- true; return nil })
	bad := js.FuncOf(func(js.Value, []js.Value) any { done <- false; return nil })
	defer ok.Release()
	defer bad.Release()
	req.Set("onsuccess", ok)
	req.Set("onerror", bad)
	select {
	case good := <-done:
		if !good {
			t.Fatalf("IndexedDB request failed: %v", req.Get("error"))
		}
	case <-ctx.Done():
		t.Fatal(ctx.Err())
	}
}

// Unlocking with the production iteration count, timed.
func TestIDBUnlockDefaultIterations(t *testing.T) {
	ctx := testCtx(t)
	kr, err := local.OpenKeyring(ctx, local.KeyringOptions{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := kr.Create(ctx, "u-iter", "iter-user", "correct horse", "tok", "dev"); err != nil {
		t.Fatal(err)
	}
	created := time.Since(start)
	defer kr.Wipe(context.Background(), "u-iter")
	start = time.Now()
	if _, err := kr.Unlock(ctx, "iter-user", "wrong horse"); !errors.Is(err, local.ErrWrongPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	wrong := time.Since(start)
	start = time.Now()
	if _, err := kr.Unlock(ctx, "iter-user", "correct horse"); err != nil {
		t.Fatal(err)
	}
	t.Logf("MEASURE PBKDF2-SHA256 %d iterations (WebCrypto): create %v, unlock %v, wrong password %v",
		local.DefaultIterations, created.Round(time.Millisecond), time.Since(start).Round(time.Millisecond), wrong.Round(time.Millisecond))
}

func TestRequestPersistence(t *testing.T) {
	ctx := testCtx(t)
	ok, err := local.RequestPersistence(ctx)
	if err != nil {
		t.Fatal(err)
	}
	usage, quota, err := local.Estimate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("persistent storage granted: %v; usage %d of quota %d bytes", ok, usage, quota)
}

func benchEnabled(t *testing.T) {
	if os.Getenv("JIUZHU_LOCAL_BENCH") == "" {
		t.Skip("set JIUZHU_LOCAL_BENCH=1 to measure")
	}
}
