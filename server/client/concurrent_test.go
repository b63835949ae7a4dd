package client_test

import (
	"context"
	"fmt"
	gosync "sync"
	"testing"

	"jiuzhu/server/store"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// Edits made while sync rounds run (the app edits from the UI while its
// sync loop pushes and pulls) never reuse an op id and all reach the
// server.
func TestEditsDuringSync(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	d := e.login(t, "wang")
	other := e.login(t, "wang")
	c := newCase(t, d, "个案")
	syncOK(t, d)
	ctx := context.Background()
	const n = 300
	var wg gosync.WaitGroup
	wg.Add(1)
	errs := make(chan error, n)
	go func() {
		defer wg.Done()
		for i := range n {
			if err := d.Edit(ctx, sync.Edit{Rec: c, Field: "title", Value: model.Str(fmt.Sprintf("第%d版", i))}); err != nil {
				errs <- err
			}
		}
	}()
	// Meanwhile another tablet keeps changing things, so pulls bring pages
	// (which save the bookkeeping) while the edits run.
	for i := 0; i < 20; i++ {
		other.Edit(ctx, sync.Edit{Rec: c, Field: "opened", Value: model.Str(fmt.Sprintf("2026-01-%02d", i+1))})
		other.Sync(ctx)
		if _, err := d.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("edit during sync: %v", err)
	}
	for range 3 {
		syncOK(t, d)
	}
	if rej, _ := d.Session.Rejected(ctx); len(rej) != 0 {
		t.Fatalf("%d edits refused, e.g. %+v", len(rej), rej[0])
	}
	if out, _ := d.Store.Outbox(ctx); len(out) != 0 {
		t.Fatalf("%d edits still waiting", len(out))
	}
	syncOK(t, other)
	if v, _ := field(t, other, c, "title"); v != model.Str(fmt.Sprintf("第%d版", n-1)) {
		t.Errorf("the last edit did not win everywhere: %s", v)
	}
}
