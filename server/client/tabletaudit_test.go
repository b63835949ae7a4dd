package client_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"jiuzhu/server/store"
	"jiuzhu/shared/api"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// An audit record a tablet writes (a full ID number seen, perhaps offline
// hours before) reaches the server's audit trail when it syncs, with the
// time it was written and the user and device that pushed it; every push
// is in the trail too.
func TestTabletAuditReachesTheTrail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "admin1", store.RoleAdmin, "", "62")
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	w := e.login(t, "wang")
	kase := newCase(t, w, "王五个案")
	person := newRec(model.TypePerson)
	audit := newRec(model.TypeAudit)
	seen := time.Now().Add(-3 * time.Hour).UTC().Truncate(time.Second)
	if err := w.Edit(context.Background(),
		sync.Edit{Rec: person, Field: sync.FieldRoot, Value: model.Str(string(kase))},
		sync.Edit{Rec: person, Field: model.FieldParent, Value: model.Str(string(kase))},
		sync.Edit{Rec: person, Field: "name", Value: model.Str("王五")},
		sync.Edit{Rec: audit, Field: sync.FieldRoot, Value: model.Str(string(kase))},
		sync.Edit{Rec: audit, Field: model.FieldParent, Value: model.Str(string(person))},
		sync.Edit{Rec: audit, Field: "actor", Value: model.Str(w.User.ID)},
		sync.Edit{Rec: audit, Field: "at", Value: model.Str(seen.Format(time.RFC3339))},
		sync.Edit{Rec: audit, Field: "action", Value: model.Str("view_id_number")},
		sync.Edit{Rec: audit, Field: "target", Value: model.Str(string(person))},
	); err != nil {
		t.Fatal(err)
	}
	if rep := syncOK(t, w); rep.Rejected != 0 {
		t.Fatalf("push: %+v", rep)
	}
	adm := e.login(t, "admin1")
	list := func(action string) []api.AuditEntry {
		t.Helper()
		req, _ := http.NewRequest("GET", e.http.URL+"/api/admin/audit?action="+action, nil)
		req.Header.Set("Authorization", "Bearer "+adm.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out []api.AuditEntry
		if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&out) != nil {
			t.Fatalf("GET /api/admin/audit?action=%s: %d", action, resp.StatusCode)
		}
		return out
	}
	views := list("tablet_view_id_number")
	if len(views) != 1 {
		t.Fatalf("%d ID number views in the trail, want 1: %+v", len(views), views)
	}
	v := views[0]
	if v.User != w.User.ID || v.Device == "" || v.Target != string(person) || !v.At.Equal(seen) {
		t.Errorf("the view in the trail: %+v; want user %s, a device, target %s, at %s", v, w.User.ID, person, seen)
	}
	pushes := list("push")
	if len(pushes) == 0 || pushes[0].User != w.User.ID {
		t.Errorf("pushes in the trail: %+v", pushes)
	}
}
