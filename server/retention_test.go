package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"jiuzhu/server"
	"jiuzhu/server/client"
	"jiuzhu/server/store"
	"jiuzhu/server/store/bolt"
	"jiuzhu/shared/api"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// retPut writes a record on d: its root and parent (for a child) and fields.
func retPut(t *testing.T, d *client.Device, rec, root sync.RecID, fields map[string]string) {
	t.Helper()
	edits := []sync.Edit{{Rec: rec, Field: sync.FieldRoot, Value: model.Str(string(root))}}
	if rec != root {
		edits = append(edits, sync.Edit{Rec: rec, Field: model.FieldParent, Value: model.Str(string(root))})
	}
	for name, v := range fields {
		edits = append(edits, sync.Edit{Rec: rec, Field: name, Value: v})
	}
	if err := d.Edit(context.Background(), edits...); err != nil {
		t.Fatal(err)
	}
}

// retEdit changes fields of an existing record on d.
func retEdit(t *testing.T, d *client.Device, rec sync.RecID, field, value string) {
	t.Helper()
	if err := d.Edit(context.Background(), sync.Edit{Rec: rec, Field: field, Value: value}); err != nil {
		t.Fatal(err)
	}
}

// retCase writes a case of d's user with an accepted intake, closed on
// closed ("" leaves it open), and returns its id.
func retCase(t *testing.T, d *client.Device, title, closed string) sync.RecID {
	t.Helper()
	c := newRecID(model.TypeCase)
	retPut(t, d, c, c, map[string]string{"title": model.Str(title), "worker": model.Str(d.User.ID), "opened": model.Str("1989-01-01")})
	retPut(t, d, newRecID(model.TypeIntake), c, map[string]string{"date": model.Str("1989-01-02"), "source": model.Str("self"),
		"voluntary": "true", "accepted": "true"})
	if closed != "" {
		retPut(t, d, newRecID(model.TypeClosing), c, map[string]string{"date": model.Str(closed), "reason": model.Str("goals_met"),
			"summary": model.Str("目标达成")})
	}
	return c
}

// retRejected returns the messages of d's refused changes to rec.field.
func retRejected(t *testing.T, d *client.Device, rec sync.RecID, field string) []string {
	t.Helper()
	list, err := d.Session.Rejected(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range list {
		if r.Rec == rec && r.Field == field {
			out = append(out, r.Message)
		}
	}
	return out
}

// retValue is d's current value of rec.field.
func retValue(t *testing.T, d *client.Device, rec sync.RecID, field string) string {
	t.Helper()
	r, err := d.Record(context.Background(), rec)
	if err != nil || r == nil {
		t.Fatalf("record %s on %s: %v", rec, d.User.Name, err)
	}
	v, _ := r.Get(field)
	return v
}

// TestRetentionArchive: a case is archived only once closed with no visit
// pending (the closing may come in the same push), is then read-only for
// everyone (an offline edit made before the archive included), still
// takes audit records, and is un-archived by a supervisor, not its worker.
func TestRetentionArchive(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	e.user(t, "zhao", store.RoleSupervisor, "t1", "620102")
	wang, tablet2, sup := e.login(t, "wang"), e.login(t, "wang"), e.login(t, "zhao")

	c := retCase(t, wang, "李四个案", "")
	svc := newRecID(model.TypeServiceRecord)
	retPut(t, wang, svc, c, map[string]string{"date": model.Str("2025-03-01"), "content": model.Str("入户探访")})
	retEdit(t, wang, c, model.FieldArchived, model.Str("2025-03-02"))
	if rep := syncDev(t, wang); rep.Rejected != 1 {
		t.Fatalf("archiving an open case: %+v", rep)
	}
	if msgs := retRejected(t, wang, c, model.FieldArchived); len(msgs) != 1 || !strings.Contains(msgs[0], "只有已结案的个案才能归档") || !strings.Contains(msgs[0], "only a closed case") {
		t.Errorf("refusal of an open case's archive: %q", msgs)
	}

	t.Log("closed with a visit planned: refused; the visit done: archived (closing and archive in one push)")
	fu := newRecID(model.TypeFollowUp)
	retPut(t, wang, newRecID(model.TypeClosing), c, map[string]string{"date": model.Str("2025-04-01"), "reason": model.Str("goals_met"), "summary": model.Str("结案")})
	retPut(t, wang, fu, c, map[string]string{"due": model.Str("2025-05-01")})
	retEdit(t, wang, c, model.FieldArchived, model.Str("2025-04-02"))
	syncDev(t, wang)
	if msgs := retRejected(t, wang, c, model.FieldArchived); len(msgs) != 2 || !strings.Contains(msgs[1], "回访") {
		t.Errorf("refusal with a visit pending: %q", msgs)
	}
	syncDev(t, tablet2) // the second tablet has the case before the archive
	retEdit(t, wang, fu, "done_date", model.Str("2025-05-03"))
	retEdit(t, wang, c, model.FieldArchived, model.Str("2025-05-04"))
	if rep := syncDev(t, wang); rep.Rejected != 0 || retValue(t, wang, c, model.FieldArchived) != model.Str("2025-05-04") {
		t.Fatalf("archiving a followed-up case: %+v, archived %s", rep, retValue(t, wang, c, model.FieldArchived))
	}

	t.Log("an edit made offline before the archive, pushed after it, is refused and kept in the refused list")
	retEdit(t, tablet2, svc, "content", model.Str("离线时改的内容"))
	if rep := syncDev(t, tablet2); rep.Rejected != 1 {
		t.Errorf("offline edit to an archived case: %+v", rep)
	}
	msgs := retRejected(t, tablet2, svc, "content")
	if len(msgs) != 1 || !strings.Contains(msgs[0], "2025-05-04 归档") || !strings.Contains(msgs[0], "read-only") {
		t.Errorf("refusal of the offline edit: %q", msgs)
	}
	list, _ := tablet2.Session.Rejected(context.Background())
	if i := slices.IndexFunc(list, func(r sync.RejectedChange) bool { return r.Rec == svc }); i < 0 || list[i].Value != model.Str("离线时改的内容") {
		t.Errorf("the refused edit's value is not kept: %+v", list)
	}
	if got := retValue(t, tablet2, svc, "content"); got != model.Str("入户探访") {
		t.Errorf("the tablet shows %s, not what the server kept", got)
	}
	if retValue(t, tablet2, c, model.FieldArchived) != model.Str("2025-05-04") {
		t.Error("the second tablet does not know the case is archived")
	}

	t.Log("nothing else changes: the title, a new record, deletion; an audit record is taken")
	retEdit(t, wang, c, "title", model.Str("改名"))
	retPut(t, wang, newRecID(model.TypeServiceRecord), c, map[string]string{"date": model.Str("2025-06-01"), "content": model.Str("新记录")})
	if _, err := wang.Session.Delete(context.Background(), wang.User.ID, svc); err != nil {
		t.Fatal(err)
	}
	aud := newRecID(model.TypeAudit)
	retPut(t, wang, aud, c, map[string]string{"at": model.Str("2025-06-01T08:00:00Z"), "actor": model.Str(wang.User.ID),
		"action": model.Str("view_id_number"), "target": model.Str(string(c))})
	if rep := syncDev(t, wang); rep.Rejected != 6 || rep.Pushed != 6 { // refused: the title, the new record (4 fields), the delete; taken: the audit record (6)
		t.Errorf("edits to an archived case: %+v", rep)
	}
	if retValue(t, wang, c, "title") != model.Str("李四个案") || retValue(t, wang, svc, sync.FieldDeleted) == sync.ValueTrue {
		t.Error("an archived case changed")
	}
	if retValue(t, wang, aud, "action") != model.Str("view_id_number") {
		t.Error("the audit record of an archived case was refused")
	}

	t.Log("its worker cannot un-archive it; their supervisor can, and then it is editable")
	retEdit(t, wang, c, model.FieldArchived, model.Null)
	syncDev(t, wang)
	if msgs := retRejected(t, wang, c, model.FieldArchived); len(msgs) != 3 || !strings.Contains(msgs[2], "只有督导或管理员可以撤销归档") {
		t.Errorf("a worker's un-archive: %q", msgs)
	}
	syncDev(t, sup)
	retEdit(t, sup, c, model.FieldArchived, model.Null)
	if rep := syncDev(t, sup); rep.Rejected != 0 {
		t.Fatalf("the supervisor's un-archive: %+v", rep)
	}
	syncDev(t, wang)
	retEdit(t, wang, c, "title", model.Str("李四个案（续）"))
	if rep := syncDev(t, wang); rep.Rejected != 0 || retValue(t, wang, c, "title") != model.Str("李四个案（续）") {
		t.Errorf("editing the un-archived case: %+v", rep)
	}
}

// retentionEnv is an administration env whose data directory is known, so
// that the store can be read after the server closes.
func newRetentionEnv(t *testing.T) (*adminEnv, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := server.New(server.Config{DataDir: dir, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	h := httptest.NewServer(s.Handler())
	t.Cleanup(func() { h.Close(); s.Close() })
	return &adminEnv{srv: s, http: h, ids: map[string]string{}}, dir
}

// TestRetentionPurge: an administrator lists the archived files of their
// org unit whose retention has run out, and purges one only with its title
// typed and only once expired; the purge blanks and deletes its records,
// takes it from every device, and is audited; and it erases: the old
// values are nowhere in the log, the indexes or the data file's bytes, and
// the photo only the file named is deleted while a shared one stays.
func TestRetentionPurge(t *testing.T) {
	t.Parallel()
	e, dir := newRetentionEnv(t)
	e.user(t, "admin6201", store.RoleAdmin, "", "6201")
	e.user(t, "admin6202", store.RoleAdmin, "", "6202")
	e.user(t, "zhao", store.RoleSupervisor, "t1", "620102")
	e.user(t, "wang", store.RoleWorker, "t1", "620102")
	e.user(t, "ma", store.RoleWorker, "t2", "620201")
	adm, adm2, sup := e.login(t, "admin6201"), e.login(t, "admin6202"), e.login(t, "zhao")
	wang, ma := e.login(t, "wang"), e.login(t, "ma")

	today := time.Now()
	old := retCase(t, wang, "张三旧个案", "1990-01-02")
	person := newRecID(model.TypePerson)
	retPut(t, wang, person, old, map[string]string{"name": model.Str("张三"), "id_number": model.Str(purgedNumber)})
	svc := newRecID(model.TypeServiceRecord)
	retPut(t, wang, svc, old, map[string]string{"date": model.Str("1989-06-01"), "content": model.Str(purgedText)})
	bl := &blobEnv{t: t, srv: e.srv, url: e.http.URL}
	private, shared := photo(t, 5000), photo(t, 3000)
	bl.uploadAll(wang, private, 0)
	bl.uploadAll(wang, shared, 0)
	attach(t, wang, old, private)
	attach(t, wang, old, shared)
	sharer := retCase(t, wang, "共用照片的个案", "")
	attach(t, wang, sharer, shared)
	if rep := syncDev(t, wang); rep.Rejected != 0 {
		t.Fatalf("seeding the file to purge: %+v", rep)
	}
	// The ID number corrected; the service record edited on two tablets
	// at once, which makes a conflict record holding both texts.
	wang2 := e.login(t, "wang")
	syncDev(t, wang2)
	retEdit(t, wang, person, "id_number", model.Str("620102198505054320"))
	retEdit(t, wang, svc, "content", model.Str(purgedText+"（一）"))
	retEdit(t, wang2, svc, "content", model.Str(purgedText+"（二）"))
	syncDev(t, wang)
	syncDev(t, wang2)
	syncDev(t, wang)
	retEdit(t, wang, old, model.FieldArchived, model.Str("1990-02-01"))
	// Closed exactly 30 years ago today: its last day.
	edge := retCase(t, wang, "到期边界个案", today.AddDate(-30, 0, 1).Format(time.DateOnly))
	retEdit(t, wang, edge, model.FieldArchived, model.Str(today.AddDate(-30, 0, 1).Format(time.DateOnly)))
	due := retCase(t, wang, "今天到期个案", today.AddDate(-30, 0, 0).Format(time.DateOnly))
	retEdit(t, wang, due, model.FieldArchived, model.Str(today.AddDate(-30, 0, 0).Format(time.DateOnly)))
	unarchived := retCase(t, wang, "未归档旧个案", "1990-01-03")
	other := retCase(t, ma, "其他城市旧个案", "1990-01-04")
	retEdit(t, ma, other, model.FieldArchived, model.Str("1990-02-01"))
	for _, d := range []*client.Device{wang, ma} {
		if rep := syncDev(t, d); rep.Rejected != 0 {
			t.Fatalf("seeding %s: %+v", d.User.Name, rep)
		}
	}
	syncDev(t, sup)

	t.Log("the list: archived, expired, in the administrator's org unit")
	var list []api.RetentionRoot
	status, er := e.call(t, "GET", "/api/admin/retention", adm.Token, nil, &list)
	want(t, "admin lists", status, er, 200, "")
	var ids []string
	for _, r := range list {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, []string{string(old), string(due)}) {
		t.Fatalf("admin of 6201 lists %v; want the old case and the one due today", list)
	}
	if r := list[0]; r.Title != "张三旧个案" || r.Class != string(model.RetainLong) || r.Years != 30 || r.End != "1990-01-02" ||
		r.Expires != "2020-01-02" || r.Archived != "1990-02-01" || r.Records != purgedRecords || r.WorkerName != "wang" || r.Type != model.TypeCase {
		t.Errorf("listed as %+v", r)
	}
	status, er = e.call(t, "GET", "/api/admin/retention", adm2.Token, nil, &list)
	if want(t, "the other city's admin", status, er, 200, ""); len(list) != 1 || list[0].ID != string(other) {
		t.Errorf("admin of 6202 lists %+v", list)
	}
	status, er = e.call(t, "GET", "/api/admin/retention", sup.Token, nil, nil)
	want(t, "a supervisor lists", status, er, 403, "forbidden")
	status, er = e.call(t, "GET", "/api/admin/retention", wang.Token, nil, nil)
	want(t, "a worker lists", status, er, 403, "forbidden")

	t.Log("refused purges")
	purge := func(who *client.Device, root sync.RecID, confirm string) (int, api.Error, api.PurgeResult) {
		var res api.PurgeResult
		status, er := e.call(t, "POST", "/api/admin/retention/purge", who.Token, api.PurgeRequest{Root: string(root), Confirm: confirm}, &res)
		return status, er, res
	}
	status, er, _ = purge(adm, old, "")
	want(t, "without confirmation", status, er, 400, "confirm_required")
	status, er, _ = purge(adm, old, "张三")
	want(t, "a wrong confirmation", status, er, 400, "confirm_mismatch")
	status, er, _ = purge(adm, edge, "到期边界个案")
	want(t, "before the retention ends", status, er, 409, "retention_running")
	if !strings.Contains(er.Message, today.AddDate(0, 0, 1).Format(time.DateOnly)) {
		t.Errorf("the refusal does not say when it ends: %s", er.Message)
	}
	status, er, _ = purge(adm, unarchived, "未归档旧个案")
	want(t, "not archived", status, er, 409, "not_archived")
	status, er, _ = purge(adm, other, "其他城市旧个案")
	want(t, "another org unit's", status, er, 404, "no_root")
	status, er, _ = purge(sup, old, "张三旧个案")
	want(t, "a supervisor", status, er, 403, "forbidden")
	status, er, _ = purge(adm, "case/nonsense", "x")
	want(t, "a bad id", status, er, 400, "bad_root")

	t.Log("the purge")
	status, er, res := purge(adm, old, " 张三旧个案 ")
	if want(t, "purge", status, er, 200, ""); res.Records != purgedRecords || res.Root != string(old) {
		t.Errorf("purged %+v", res)
	}
	status, er, _ = purge(adm, old, "张三旧个案")
	want(t, "purged again", status, er, 404, "no_root")
	status, er = e.call(t, "GET", "/api/admin/retention", adm.Token, nil, &list)
	if want(t, "the list after", status, er, 200, ""); len(list) != 1 || list[0].ID != string(due) {
		t.Errorf("listed after the purge: %+v", list)
	}
	var audit []api.AuditEntry
	status, er = e.call(t, "GET", "/api/admin/audit?action=retention_purge", adm.Token, nil, &audit)
	if want(t, "audit", status, er, 200, ""); len(audit) != 1 || audit[0].UserName != "admin6201" || audit[0].Target != string(old) ||
		!strings.Contains(audit[0].Detail, `title="张三旧个案"`) || !strings.Contains(audit[0].Detail, fmt.Sprintf("records=%d", purgedRecords)) ||
		!strings.Contains(audit[0].Detail, " photos=1") || strings.Contains(audit[0].Detail, "log_entries=0") ||
		!strings.Contains(audit[0].Detail, "class=long") || !strings.Contains(audit[0].Detail, "archived=1990-02-01") ||
		!strings.Contains(audit[0].Detail, "type=case") {
		t.Errorf("audit of the purge: %+v", audit)
	}
	status, er = e.call(t, "GET", "/api/history/"+string(person), adm.Token, nil, nil)
	want(t, "the history of a purged record", status, er, 404, "not_found")

	t.Log("the photo only the file named is gone, even for its uploader; the one another file names stays")
	if r := bl.get(wang, shaOf(private)); r.code != http.StatusNotFound {
		t.Errorf("the purged file's photo: %d", r.code)
	}
	if r := bl.get(wang, shaOf(shared)); r.code != http.StatusOK || !bytes.Equal(r.body, shared) {
		t.Errorf("the shared photo: %d, %d bytes", r.code, len(r.body))
	}

	t.Log("devices drop it; a new one never gets it; changes to it are refused")
	held := map[sync.RecID]*sync.Record{} // the file as a tablet held it before the purge
	for id, r := range wang2.Store.All() {
		if id == old || sync.RootOf(r) == old {
			held[id] = r.Clone()
		}
	}
	if v, _ := held[svc].Get("content"); len(held) != purgedRecords || !strings.Contains(v, purgedText) {
		t.Fatalf("wang's second tablet held %d records of the file, the service record's text %s", len(held), v)
	}
	rep := syncDev(t, wang)
	for _, d := range []*client.Device{wang, wang2, sup, e.login(t, "wang"), e.login(t, "zhao")} {
		if d.Session != wang.Session {
			syncDev(t, d)
		}
		for id, r := range d.Store.All() {
			if id == old || sync.RootOf(r) == old {
				t.Errorf("%s's device still has %s", d.User.Name, id)
			}
		}
		if _, ok := d.Store.All()[due]; !ok {
			t.Errorf("%s's device lost the case due today", d.User.Name)
		}
	}
	if rep.Dropped != 1 {
		t.Errorf("wang's tablet sync after the purge: %+v", rep)
	}
	retEdit(t, wang, person, "name", model.Str("张三"))
	retPut(t, wang, newRecID(model.TypeServiceRecord), old, map[string]string{"content": model.Str("x")})
	if rep := syncDev(t, wang); rep.Rejected != 4 || rep.Pushed != 0 {
		t.Errorf("changes to a purged file: %+v", rep)
	}
	if msgs := retRejected(t, wang, person, "name"); len(msgs) != 1 || !strings.Contains(msgs[0], "已销毁") {
		t.Errorf("refusal of a change to a purged record: %q", msgs)
	}
	t.Log("the purged person no longer flags a new one with the same ID number")
	c2 := retCase(t, wang, "新个案", "")
	p2 := newRecID(model.TypePerson)
	retPut(t, wang, p2, c2, map[string]string{"name": model.Str("张三"), "id_number": model.Str("620102198505054320")})
	syncDev(t, wang)
	syncDev(t, wang)
	if v := retValue(t, wang, p2, "duplicates"); v != "" && v != model.Null {
		t.Errorf("flagged as a duplicate of a purged person: %s", v)
	}

	t.Log("in the store: every field of the file blanked and deleted, the file assigned to no one, its values gone from the log and the indexes")
	e.http.Close()
	if err := e.srv.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(context.Background(), func(tx store.ReadTx) error {
		recs, err := tx.RootRecords(old)
		if err != nil {
			return err
		}
		if len(recs) != purgedRecords || !slices.ContainsFunc(recs, func(r sync.RecID) bool { return r.Type() == sync.ConflictType }) {
			t.Errorf("%d records indexed under the purged case (%v), want %d with a conflict", len(recs), recs, purgedRecords)
		}
		for _, rec := range recs {
			fields, err := tx.Fields(rec)
			if err != nil {
				return err
			}
			for name, f := range fields {
				want := model.Null
				if name == sync.FieldDeleted {
					want = sync.ValueTrue
				}
				if f.Value != want || f.By != sync.ServerDevice {
					t.Errorf("%s.%s = %s by %s after the purge", rec, name, f.Value, f.By)
				}
			}
		}
		assigned, err := tx.Assigned(e.ids["wang"])
		if err != nil {
			return err
		}
		if slices.Contains(assigned, old) || !slices.Contains(assigned, due) {
			t.Errorf("wang's roots after the purge: %v", assigned)
		}
		// Every entry of the file's records is still in the log, blank.
		logged := map[sync.RecID][]sync.Entry{}
		err = tx.Log(0, func(en sync.Entry) (bool, error) {
			if slices.Contains(recs, en.Rec) {
				logged[en.Rec] = append(logged[en.Rec], en)
				if en.Value != store.Blank(en.Field) {
					t.Errorf("log entry %d (%s.%s) holds %s after the purge", en.Seq, en.Rec, en.Field, en.Value)
				}
			}
			if strings.Contains(en.Value, purgedNumber) || strings.Contains(en.Value, purgedText) {
				t.Errorf("log entry %d (%s.%s) holds %s after the purge", en.Seq, en.Rec, en.Field, en.Value)
			}
			return true, nil
		})
		if err != nil {
			return err
		}
		if n := len(logged[person]); n < 6 { // root, parent, name, two ID numbers, the blanks and the tombstone
			t.Errorf("%d log entries of the purged person", n)
		}
		// A tablet that pulls those entries, in any order, over what it
		// held or over nothing, ends with the record deleted and blank.
		for _, rec := range recs {
			had, fresh := held[rec], sync.NewRecord(rec)
			if had == nil {
				t.Errorf("the tablet did not hold %s", rec)
				continue
			}
			for i, en := range logged[rec] {
				had.Apply(en)
				fresh.Apply(logged[rec][len(logged[rec])-1-i])
			}
			for _, r := range []*sync.Record{had, fresh} {
				for name, f := range r.Fields {
					if f.Value != store.Blank(name) {
						t.Errorf("a tablet merging the log of %s has %s = %s", rec, name, f.Value)
					}
				}
				if !r.Deleted() {
					t.Errorf("a tablet merging the log of %s does not have it deleted", rec)
				}
			}
		}
		for _, num := range []string{purgedNumber, "620102198505054320"} {
			if keyed, err := tx.Keyed(idKeyOf(num)); err != nil || slices.Contains(keyed, person) {
				t.Errorf("the duplicates index still names the purged person under an ID number: %v, %v", keyed, err)
			}
		}
		if keyed, err := tx.Keyed("blob:" + shaOf(private)); err != nil || len(keyed) != 0 {
			t.Errorf("the blob index of the purged photo: %v, %v", keyed, err)
		}
		if keyed, err := tx.Keyed("blob:" + shaOf(shared)); err != nil || len(keyed) != 1 || keyed[0].Type() != model.TypeAttachment || slices.Contains(recs, keyed[0]) {
			t.Errorf("the blob index of the shared photo: %v, %v; want the other file's attachment only", keyed, err)
		}
		if b, ok, err := tx.Blob(shaOf(private)); err != nil || ok || b != nil {
			t.Errorf("the purged photo's blob: %d bytes, %v, %v", len(b), ok, err)
		}
		if u, err := tx.BlobUploaders(shaOf(private)); err != nil || len(u) != 0 {
			t.Errorf("the purged photo's uploaders: %v, %v", u, err)
		}
		if b, ok, err := tx.Blob(shaOf(shared)); err != nil || !ok || !bytes.Equal(b, shared) {
			t.Errorf("the shared photo's blob: %d bytes, %v, %v", len(b), ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	t.Log("nor anywhere in the data file's bytes")
	raw, err := os.ReadFile(filepath.Join(dir, bolt.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, shared[1000:1064]) {
		t.Fatal("the raw file does not hold the shared photo: the search below would prove nothing")
	}
	for what, b := range map[string][]byte{"the old ID number": []byte(purgedNumber), "the service record's text": []byte(purgedText),
		"the purged photo": private[1000:1064]} {
		if n := bytes.Count(raw, b); n > 0 {
			t.Errorf("%s is still %d times in the data file", what, n)
		}
	}
}

// What the purged file of TestRetentionPurge holds that no other record
// does: an ID number its person had before it was corrected, and the text
// of a service record.
const (
	purgedNumber  = "620102198001011239"
	purgedText    = "案主诉说家暴经过，独居于城关镇幸福巷17号"
	purgedRecords = 8 // the case, its intake and closing, a person, a service record, two attachments, a conflict
)

// idKeyOf is the duplicates index's key of an ID number (duplicates.go).
func idKeyOf(number string) string {
	h := sha256.Sum256([]byte(strings.ToUpper(number)))
	return "id:" + hex.EncodeToString(h[:16])
}
