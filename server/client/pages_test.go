package client_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"jiuzhu/server/client"
	"jiuzhu/server/store"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// withPullLimit gives a device a session that asks for small pages (and
// tells onPage, if set, of each page).
func withPullLimit(t *testing.T, d *client.Device, limit uint32, onPage ...func(int)) {
	t.Helper()
	cfg := sync.SessionConfig{Token: d.Token, PullLimit: limit}
	if len(onPage) > 0 {
		cfg.OnPage = onPage[0]
	}
	s, err := sync.NewSession(context.Background(), d.Store, sync.TimeFunc(time.Now), cfg)
	if err != nil {
		t.Fatal(err)
	}
	d.Session = s
}

// A case whose state is larger than a page (by entries, and by bytes)
// reaches a new device whole, split across pages, each under the message
// limit.
func TestLargeRootsSplitAcrossPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	a := e.login(t, "wang")
	big := newCase(t, a, "长期个案")
	var ids []sync.RecID
	note := strings.Repeat("入户探访记录。", 2500) // 17,500 characters, about 52 KB a record
	for i := range 30 {
		r := newRec(model.TypeServiceRecord)
		ids = append(ids, r)
		if err := a.Edit(context.Background(),
			sync.Edit{Rec: r, Field: sync.FieldRoot, Value: model.Str(string(big))},
			sync.Edit{Rec: r, Field: model.FieldParent, Value: model.Str(string(big))},
			sync.Edit{Rec: r, Field: "content", Value: model.Str(fmt.Sprintf("%d %s", i, note))},
		); err != nil {
			t.Fatal(err)
		}
	}
	small := newCase(t, a, "另一个个案")
	if rep := syncOK(t, a); rep.Rejected != 0 {
		t.Fatalf("push: %+v", rep)
	}
	for _, limit := range []uint32{7, 0} { // 7 entries a page; the default (pages bounded by bytes)
		b := e.login(t, "wang")
		var pages []int // what the session told of each page
		withPullLimit(t, b, limit, func(n int) { pages = append(pages, n) })
		rep := syncOK(t, b)
		if limit > 0 && (len(pages) < rep.Pulled/int(limit) || pages[len(pages)-1] != rep.Pulled) {
			t.Errorf("limit %d: %d pulled, pages told %v", limit, rep.Pulled, pages)
		}
		for i := 1; i < len(pages); i++ {
			if pages[i] < pages[i-1] {
				t.Errorf("limit %d: pages told %v, not a running count", limit, pages)
			}
		}
		if rep.Pulled < 30*3+8 {
			t.Errorf("limit %d: pulled %d entries", limit, rep.Pulled)
		}
		for i, r := range ids {
			if v, _ := field(t, b, r, "content"); !strings.HasPrefix(v, fmt.Sprintf(`"%d `, i)) {
				t.Fatalf("limit %d: service record %d missing or wrong", limit, i)
			}
		}
		if v, _ := field(t, b, small, "title"); v != model.Str("另一个个案") {
			t.Errorf("limit %d: the small case is missing", limit)
		}
		// Nothing left: a second sync brings nothing new.
		if rep := syncOK(t, b); rep.Pulled != 0 {
			t.Errorf("limit %d: second sync pulled %d again", limit, rep.Pulled)
		}
	}
}
