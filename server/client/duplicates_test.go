package client_test

import (
	"context"
	"testing"

	"jiuzhu/server/client"
	"jiuzhu/server/store"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// registerPerson adds a person with an ID number to a case of d.
func registerPerson(t *testing.T, d *client.Device, root sync.RecID, name, idNumber string) sync.RecID {
	t.Helper()
	p := newRec(model.TypePerson)
	if err := d.Edit(context.Background(),
		sync.Edit{Rec: p, Field: sync.FieldRoot, Value: model.Str(string(root))},
		sync.Edit{Rec: p, Field: model.FieldParent, Value: model.Str(string(root))},
		sync.Edit{Rec: p, Field: "name", Value: model.Str(name)},
		sync.Edit{Rec: p, Field: "id_number", Value: model.Str(idNumber)},
	); err != nil {
		t.Fatal(err)
	}
	return p
}

// Two workers who cannot see each other's cases register the same person:
// the server flags each record with the other, and each worker's tablet
// gets the flag on its own record (the other record stays out of reach).
// A different number, or a number changed since, flags nothing.
func TestDuplicatesAcrossDevices(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	e.user(t, "li", store.RoleWorker, "t2", "620103")
	a, b := e.login(t, "wang"), e.login(t, "li")
	ca, cb := newCase(t, a, "王的个案"), newCase(t, b, "李的个案")
	pa := registerPerson(t, a, ca, "张秀英", "620102198001011239")
	other := registerPerson(t, a, ca, "李四", "62010220150101123X")
	syncOK(t, a)
	pb := registerPerson(t, b, cb, "张秀英", "620102198001011239")
	syncOK(t, b)
	syncOK(t, a)
	if v, _ := field(t, b, pb, "duplicates"); v != model.List(string(pa)) {
		t.Fatalf("li's record: duplicates = %s, want %s", v, pa)
	}
	if v, _ := field(t, a, pa, "duplicates"); v != model.List(string(pb)) {
		t.Fatalf("wang's record: duplicates = %s, want %s", v, pb)
	}
	if v, ok := field(t, a, other, "duplicates"); ok {
		t.Errorf("a person with another number is flagged: %s", v)
	}
	if r, _ := b.Record(context.Background(), pa); r != nil {
		t.Error("li's tablet holds wang's client")
	}
	// wang corrects his client's number; a third registration of the old
	// number is flagged with li's record only.
	if err := a.Edit(context.Background(), sync.Edit{Rec: pa, Field: "id_number", Value: model.Str("620102198001021234")}); err != nil {
		t.Fatal(err)
	}
	if rep := syncOK(t, a); rep.Rejected != 0 {
		t.Fatalf("correcting the number: %+v", rep)
	}
	pc := registerPerson(t, b, cb, "张秀英（重复登记）", "620102198001011239")
	syncOK(t, b)
	if v, _ := field(t, b, pc, "duplicates"); v != model.List(string(pb)) {
		t.Errorf("third registration: duplicates = %s, want only %s", v, pb)
	}
	// li dismisses the flag: it is his record's field, and it syncs.
	if err := b.Edit(context.Background(), sync.Edit{Rec: pb, Field: "not_duplicates", Value: model.List(string(pa))}); err != nil {
		t.Fatal(err)
	}
	if rep := syncOK(t, b); rep.Rejected != 0 {
		t.Fatalf("dismissing: %+v", rep)
	}
}
