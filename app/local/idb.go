//go:build js && wasm

package local

import (
	"context"
	stdsync "sync"
	"syscall/js"
)

// indexedDB returns the browser's IDBFactory.
func indexedDB() (js.Value, error) {
	f := js.Global().Get("indexedDB")
	if f.IsUndefined() || f.IsNull() {
		return js.Value{}, ErrUnsupported
	}
	return f, nil
}

// conn is one open IndexedDB connection. It closes itself when another
// connection deletes or upgrades its database (versionchange), and Wipe
// closes the connections of a user's database before deleting it.
type conn struct {
	name string
	mu   stdsync.Mutex
	db   js.Value
	shut bool
	fs   funcs
}

var conns struct {
	mu stdsync.Mutex
	m  map[string]map[*conn]bool
}

// openDB opens (creating or upgrading) a database; upgrade runs inside the
// versionchange transaction, synchronously.
func openDB(ctx context.Context, name string, version int, upgrade func(db js.Value, oldVersion int)) (*conn, error) {
	f, err := indexedDB()
	if err != nil {
		return nil, err
	}
	return openDBIn(ctx, f, name, version, upgrade)
}

// openDBIn is openDB in the IDBFactory f (tests: a storage bucket's).
func openDBIn(ctx context.Context, f js.Value, name string, version int, upgrade func(db js.Value, oldVersion int)) (*conn, error) {
	var req js.Value
	if err := try(func() { req = f.Call("open", name, version) }); err != nil {
		return nil, err
	}
	var fs funcs
	defer fs.release()
	done := make(chan error, 1)
	req.Set("onupgradeneeded", fs.add(func(_ js.Value, args []js.Value) any {
		upgrade(req.Get("result"), args[0].Get("oldVersion").Int())
		return nil
	}))
	req.Set("onsuccess", fs.add(func(js.Value, []js.Value) any { done <- nil; return nil }))
	req.Set("onerror", fs.add(func(js.Value, []js.Value) any { done <- jsError(req.Get("error")); return nil }))
	select {
	case err := <-done:
		if err != nil {
			return nil, &Error{Op: "open " + name, Err: err}
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	c := &conn{name: name, db: req.Get("result")}
	c.db.Set("onversionchange", c.fs.add(func(js.Value, []js.Value) any { c.close(); return nil }))
	conns.mu.Lock()
	if conns.m == nil {
		conns.m = map[string]map[*conn]bool{}
	}
	if conns.m[name] == nil {
		conns.m[name] = map[*conn]bool{}
	}
	conns.m[name][c] = true
	conns.mu.Unlock()
	return c, nil
}

// close closes the connection; it is idempotent.
func (c *conn) close() {
	c.mu.Lock()
	if !c.shut {
		c.shut = true
		c.db.Call("close")
		c.db.Set("onversionchange", js.Null())
		c.fs.release()
	}
	c.mu.Unlock()
	conns.mu.Lock()
	delete(conns.m[c.name], c)
	conns.mu.Unlock()
}

// closeAll closes this page's connections to a database.
func closeAll(name string) {
	conns.mu.Lock()
	var cs []*conn
	for c := range conns.m[name] {
		cs = append(cs, c)
	}
	conns.mu.Unlock()
	for _, c := range cs {
		c.close()
	}
}

// deleteDB closes this page's connections to a database and deletes it.
// It waits while other pages keep it open (they close on versionchange).
func deleteDB(ctx context.Context, name string) error {
	closeAll(name)
	f, err := indexedDB()
	if err != nil {
		return err
	}
	var req js.Value
	if err := try(func() { req = f.Call("deleteDatabase", name) }); err != nil {
		return err
	}
	var fs funcs
	defer fs.release()
	done := make(chan error, 1)
	req.Set("onsuccess", fs.add(func(js.Value, []js.Value) any { done <- nil; return nil }))
	req.Set("onerror", fs.add(func(js.Value, []js.Value) any { done <- jsError(req.Get("error")); return nil }))
	select {
	case err := <-done:
		if err != nil {
			return &Error{Op: "delete " + name, Err: err}
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// tx is one IndexedDB transaction being filled.
type tx struct {
	t   js.Value
	fs  funcs
	err error // first error raised by a request handler; aborts the transaction
}

// on sets a request's success handler. A handler that fails calls t.fail.
func (t *tx) on(req js.Value, h func(result js.Value)) {
	req.Set("onsuccess", t.fs.add(func(js.Value, []js.Value) any {
		if t.err == nil {
			if err := try(func() { h(req.Get("result")) }); err != nil {
				t.fail(err)
			}
		}
		return nil
	}))
}

// fail aborts the transaction with err.
func (t *tx) fail(err error) {
	if t.err == nil {
		t.err = err
		try(func() { t.t.Call("abort") })
	}
}

// Durability of a readwrite transaction: "strict" waits for the data to
// reach the disk before complete fires (edits a worker made: nothing else
// has them); "relaxed" (pages from the server, which can be pulled again).
const (
	strict  = "strict"
	relaxed = "relaxed"
)

// run runs one transaction over stores: fill issues its requests (it may
// set handlers that issue more), then run waits for the transaction to
// complete. An error from fill or a handler, a failed request, or ctx
// ending aborts it: then nothing of it is written.
func (c *conn) run(ctx context.Context, stores []string, mode, durability string, fill func(t *tx) error) error {
	c.mu.Lock()
	if c.shut {
		c.mu.Unlock()
		return ErrClosed
	}
	names := jsArray.New(len(stores))
	for i, s := range stores {
		names.SetIndex(i, s)
	}
	t := &tx{}
	var err error
	if mode == "readwrite" {
		opts := jsObject.New()
		opts.Set("durability", durability)
		err = try(func() { t.t = c.db.Call("transaction", names, mode, opts) })
	} else {
		err = try(func() { t.t = c.db.Call("transaction", names, mode) })
	}
	c.mu.Unlock()
	if err != nil {
		return err
	}
	defer t.fs.release()
	done := make(chan error, 1)
	t.t.Set("oncomplete", t.fs.add(func(js.Value, []js.Value) any { done <- nil; return nil }))
	t.t.Set("onabort", t.fs.add(func(js.Value, []js.Value) any {
		if t.err != nil {
			done <- t.err
		} else {
			done <- jsError(t.t.Get("error"))
		}
		return nil
	}))
	if err := try(func() {
		if ferr := fill(t); ferr != nil {
			t.fail(ferr)
		}
	}); err != nil {
		t.fail(err)
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		t.fail(ctx.Err())
		return <-done
	}
}
