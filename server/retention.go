package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"jiuzhu/server/store"
	"jiuzhu/shared/api"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// Service files (../shared/DOMAIN.md §7.4; the retention classes are in
// shared/model/retention.go):
//
//	GET  /api/admin/retention        → []api.RetentionRoot (admin)
//	POST /api/admin/retention/purge  api.PurgeRequest → api.PurgeResult (admin)
//
// Archiving. A closed case (model.CheckArchive: derived stage closed or
// followed up, no visit planned and not done) is archived by writing the
// date into its archived field, an ordinary change that syncs, by anyone
// who may write the case (its worker, their supervisor, an administrator
// of their org unit). While it is set, the authorizer refuses every change
// to a record of the case, its conflicts included, with a reason the
// worker reads among the refused changes; audit records (a full ID number
// seen on the archived case) are still taken, since access to the file is
// logged. A supervisor or an administrator un-archives it by writing null
// (a worker is refused); then it can be edited again. An edit made
// offline before the archive and pushed after it is refused in the same
// way: what the server had is kept, and the tablet keeps the refused edit
// in its list of refused changes, with its value and the reason, rather
// than losing it silently. (In one push, the edits that come before the
// archive in the device's order are applied first, so a worker who edits
// and then archives offline loses nothing.)
//
// Purging. An administrator lists the archived files of the users they
// manage whose retention has run out (model.RetentionExpired, from the
// file's end and today by the server's clock), and purges one by naming it
// and typing its title. In one transaction the server blanks every field
// of every record of the file, the root field included, and deletes each
// record (server-authored edits, as reassignment writes), drops the
// people's ID numbers from the duplicates index, takes the file from every
// user it was assigned to, and appends an audit entry (who, file, type,
// title, record count, class, archive date). Every device drops the file
// at its next sync (it has left everyone's scope; its devices are poked).
// A record whose root field the server blanked is a purged one: changes
// to it, or new records under its root, are refused.
//
// Erasure. In the same transaction every value the file's records ever
// had is blanked in the change log too (store.Tx.ScrubLog: the entries
// keep their sequences, ops and clocks, so no cursor, device counter or
// ordering moves; a device that pulled one would merge a blank, but none
// does: a purged record has no root, so it is in nobody's scope), the
// conflict records of the file with it (they are records of the file);
// every ID number and photo the file ever named leaves the key index; and
// the photos that no attachment outside the file names are deleted
// (store.Tx.DeleteBlob), even for their uploaders. Right after the commit
// the free pages of the bbolt file, which may hold old copies of those
// values, are overwritten (freeWiper). What remains is listed at purge.

// Why a change to an archived or purged file is refused; the text reaches
// the worker's screen.
var (
	errUnarchive  = errors.New("只有督导或管理员可以撤销归档 (only a supervisor or an administrator can un-archive a case)")
	errPurgedFile = errors.New("该档案已过保管期限并已销毁，这条修改不能保存 (this file was purged after its retention period; the change cannot be saved)")
)

func errArchivedCase(date string) error {
	return fmt.Errorf("个案已于 %s 归档，只读；如需修改，请督导或管理员撤销归档 (the case was archived on %s and is read-only; a supervisor or an administrator can un-archive it)", date, date)
}

// archiveRefusal explains a model.CheckArchive reason.
func archiveRefusal(reason, closed string) error {
	switch reason {
	case model.ArchiveFollowUpPending:
		return errors.New("个案还有计划中未完成的回访，回访完成后才能归档 (a follow-up visit is planned and not done; archive the case once it is)")
	case model.ArchiveBeforeClosing:
		return fmt.Errorf("归档日期不能早于结案日期 %s (the archive date cannot be before the closing date, %s)", closed, closed)
	case model.ArchiveBadDate:
		return errors.New("归档日期不是日期 (the archive date is not a date)")
	}
	return errors.New("只有已结案的个案才能归档 (only a closed case can be archived)")
}

// isPurged reports whether rec was purged: the server blanked its root
// field (a device can write a root field only once, and only as a record
// id).
func isPurged(st sync.StateReader, rec sync.RecID) (bool, error) {
	f, ok, err := st.Field(rec, sync.FieldRoot)
	return ok && f.Value == model.Null && f.By == sync.ServerDevice, err
}

// refusePurged refuses a change to a purged record, or a new record under
// a purged root.
func refusePurged(st sync.StateReader, c *sync.Change) error {
	purged, err := isPurged(st, c.Rec)
	if err == nil && !purged && c.Field == sync.FieldRoot {
		if s, ok := sync.UnquoteJSON(c.Value); ok && sync.RecID(s).Valid() && sync.RecID(s) != c.Rec {
			purged, err = isPurged(st, sync.RecID(s))
		}
	}
	if err != nil {
		return err
	}
	if purged {
		return errPurgedFile
	}
	return nil
}

// archivable reports whether root's type has an archive date (a case).
func archivable(reg *model.Registry, root sync.RecID) bool {
	t, ok := reg.Type(root.Type())
	if !ok {
		return false
	}
	_, ok = t.Field(model.FieldArchived)
	return ok
}

// archivedOn returns the date root was archived ("" if it is not).
func archivedOn(st sync.StateReader, root sync.RecID) (string, error) {
	f, ok, err := st.Field(root, model.FieldArchived)
	if err != nil || !ok {
		return "", err
	}
	return model.Archived(model.Values{model.FieldArchived: f.Value}), nil
}

// checkArchive is the authorizer's last word on a change it otherwise
// allows (see the top of this file): archiving needs a closed case,
// un-archiving a supervisor or an administrator, and nothing else may
// change in an archived case.
func (a *authorizer) checkArchive(st sync.StateReader, c *sync.Change, root sync.RecID) error {
	if !archivable(a.reg, root) {
		a.noteBorn(c, root)
		return nil
	}
	cur, err := archivedOn(st, root)
	if err != nil {
		return err
	}
	if c.Rec == root && c.Field == model.FieldArchived {
		next, _ := sync.UnquoteJSON(c.Value)
		switch {
		case next == "":
			if cur != "" && a.user.Role == store.RoleWorker {
				return errUnarchive
			}
			return nil
		case cur != "" && next == cur:
			return nil // archived again, the same day (two tablets)
		case cur != "":
			return errArchivedCase(cur)
		}
		f, err := readFile(st, root, a.born[root])
		if err != nil {
			return err
		}
		if reason := model.CheckArchive(f.kids, next); reason != "" {
			return archiveRefusal(reason, model.RetentionEnd(model.TypeCase, model.Values{}, f.kids))
		}
		return nil
	}
	if cur != "" && c.Rec.Type() != model.TypeAudit {
		return errArchivedCase(cur)
	}
	a.noteBorn(c, root)
	return nil
}

// noteBorn remembers a record this push creates under root: the root index
// follows only after the push (index), and archiving later in the same
// push must see it.
func (a *authorizer) noteBorn(c *sync.Change, root sync.RecID) {
	if c.Field != sync.FieldRoot || c.Rec == root {
		return
	}
	if a.born == nil {
		a.born = map[sync.RecID][]sync.RecID{}
	}
	a.born[root] = append(a.born[root], c.Rec)
}

// rootLister is the part of store.ReadTx readFile needs beside the state.
type rootLister interface {
	sync.StateReader
	RootRecords(root sync.RecID) ([]sync.RecID, error)
}

// file is a root and its records as the state holds them.
type file struct {
	root model.Values
	kids []model.Child
	recs []sync.RecID // every record, the root included
}

// readFile reads root's file: the records indexed under it and extra (made
// in the push under way).
func readFile(st sync.StateReader, root sync.RecID, extra []sync.RecID) (file, error) {
	rl, ok := st.(rootLister)
	if !ok {
		return file{}, fmt.Errorf("reading the file of %s: the state cannot list a root's records", root)
	}
	recs, err := rl.RootRecords(root)
	if err != nil {
		return file{}, err
	}
	recs = append(slices.Clone(recs), extra...)
	if !slices.Contains(recs, root) {
		recs = append(recs, root)
	}
	slices.Sort(recs)
	f := file{recs: slices.Compact(recs)}
	for _, rec := range f.recs {
		fields, err := st.Fields(rec)
		if err != nil {
			return file{}, err
		}
		vals := make(model.Values, len(fields))
		for name, fs := range fields {
			vals[name] = fs.Value
		}
		if rec == root {
			f.root = vals
			continue
		}
		f.kids = append(f.kids, model.Child{Type: rec.Type(), Values: vals, Deleted: vals[sync.FieldDeleted] == sync.ValueTrue})
	}
	return f, nil
}

// retentionRoot describes an archived root for the administrator, with
// whether its period has run out on today. ok is false for a root that is
// not archived (or cannot be: not a case).
func (s *Server) retentionRoot(tx store.ReadTx, users map[string]store.User, root sync.RecID, today string) (rr api.RetentionRoot, f file, expired, ok bool, err error) {
	if !archivable(s.reg, root) {
		return rr, f, false, false, nil
	}
	if on, err := archivedOn(tx, root); err != nil || on == "" {
		return rr, f, false, false, err // most cases are not archived: their records are not read
	}
	if f, err = readFile(tx, root, nil); err != nil {
		return rr, f, false, false, err
	}
	archived := model.Archived(f.root)
	if archived == "" || f.root[sync.FieldRoot] == "" {
		return rr, f, false, false, nil
	}
	ar, err := s.adminRoot(tx, root)
	if err != nil {
		return rr, f, false, false, err
	}
	class, _ := s.reg.Retention(root.Type())
	end := model.RetentionEnd(root.Type(), f.root, f.kids)
	expires, expired := model.RetentionExpired(class, end, today)
	rr = api.RetentionRoot{ID: string(root), Type: root.Type(), Title: ar.Title, Worker: ar.Worker, WorkerName: users[ar.Worker].Name,
		Class: string(class), Years: class.Years(), End: end, Expires: expires, Archived: archived, Records: len(f.recs)}
	return rr, f, expired, true, nil
}

// today is the server's date.
func (s *Server) today() string { return s.now().Format(time.DateOnly) }

// listRetention answers GET /api/admin/retention: the archived files of
// the users the administrator manages whose retention has run out, by
// expiry.
func (s *Server) listRetention(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caller(w, r, false)
	if !ok {
		return
	}
	today := s.today()
	out := []api.RetentionRoot{}
	err := s.store.View(r.Context(), func(tx store.ReadTx) error {
		users, err := s.userMap(tx)
		if err != nil {
			return err
		}
		list, err := s.userList(tx)
		if err != nil {
			return err
		}
		roots, err := visibleRoots(tx, c.user, list)
		if err != nil {
			return err
		}
		for _, root := range roots {
			rr, _, expired, ok, err := s.retentionRoot(tx, users, root, today)
			if err != nil {
				return err
			}
			if ok && expired {
				out = append(out, rr)
			}
		}
		return nil
	})
	if err != nil {
		s.internalError(w, "retention", err)
		return
	}
	slices.SortFunc(out, func(a, b api.RetentionRoot) int {
		return cmp.Or(strings.Compare(a.Expires, b.Expires), strings.Compare(a.ID, b.ID))
	})
	writeJSON(w, http.StatusOK, out)
}

// purgeRoot answers POST /api/admin/retention/purge (see the top of this
// file).
func (s *Server) purgeRoot(w http.ResponseWriter, r *http.Request) {
	c, ok := s.caller(w, r, false)
	if !ok {
		return
	}
	var req api.PurgeRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	root := sync.RecID(strings.TrimSpace(req.Root))
	confirm := strings.TrimSpace(req.Confirm)
	switch {
	case !root.Valid():
		writeAPIError(w, http.StatusBadRequest, "bad_root", fmt.Sprintf("%q 不是记录编号。", req.Root), fmt.Sprintf("%q is not a record id.", req.Root))
		return
	case confirm == "":
		writeAPIError(w, http.StatusBadRequest, "confirm_required", "请输入档案名称以确认销毁。", "Type the file's title to confirm the purge.")
		return
	}
	today := s.today()
	var (
		res     = api.PurgeResult{Root: string(root)}
		users   map[string]store.User
		touched = map[sync.RecID][]string{}
	)
	err := s.store.Update(r.Context(), func(tx store.Tx) error {
		var err error
		if users, err = s.userMap(tx); err != nil {
			return err
		}
		notFound := refuse(http.StatusNotFound, "no_root", fmt.Sprintf("没有档案 %s，或不在您的管理范围内。", root),
			fmt.Sprintf("No file %s, or not one you manage.", root))
		if _, exists, err := tx.Field(root, sync.FieldRoot); err != nil || !exists {
			return orErr(err, notFound)
		}
		owner, err := ownerOf(tx, s.reg, root)
		if err != nil {
			return err
		}
		if o, ok := users[owner]; !ok || !canSee(c.user, o) {
			return notFound
		}
		rr, f, expired, archived, err := s.retentionRoot(tx, users, root, today)
		switch {
		case err != nil:
			return err
		case !archived:
			return refuse(http.StatusConflict, "not_archived", "只有已归档的档案才能销毁。", "Only an archived file can be purged.")
		case !expired && rr.Expires == "":
			return refuse(http.StatusConflict, "retention_running", "这份档案没有到期日，不能销毁。", "This file has no end of retention; it cannot be purged.")
		case !expired:
			return refuse(http.StatusConflict, "retention_running",
				fmt.Sprintf("保管期限（%d年）到 %s 才届满，届满前不能销毁。", rr.Years, rr.Expires),
				fmt.Sprintf("The retention period (%d years) runs until %s; the file cannot be purged before.", rr.Years, rr.Expires))
		case confirm != orElse(rr.Title, rr.ID):
			return refuse(http.StatusBadRequest, "confirm_mismatch",
				fmt.Sprintf("确认内容与档案名称「%s」不一致，没有销毁。", orElse(rr.Title, rr.ID)),
				fmt.Sprintf("The confirmation does not match the file's title, %q; nothing was purged.", orElse(rr.Title, rr.ID)))
		}
		gone, err := s.purge(tx, root, f, users, touched)
		if err != nil {
			return err
		}
		res.Records = len(f.recs)
		_, err = tx.AppendAudit(store.AuditEntry{At: s.now(), User: c.user.ID, Device: c.device, Action: "retention_purge", Target: string(root),
			Detail: fmt.Sprintf("type=%s title=%q records=%d class=%s archived=%s end=%s expires=%s worker=%s (%s) log_entries=%d photos=%d",
				rr.Type, rr.Title, rr.Records, rr.Class, rr.Archived, rr.End, rr.Expires, rr.Worker, rr.WorkerName, gone.entries, gone.blobs)})
		return err
	})
	if err != nil {
		s.answerErr(w, "purge", err)
		return
	}
	// The old values are out of the store, but copies of them may be in
	// the free pages of its file (bolt): overwrite those now, before any
	// reader begun after the purge can pin them. The purge stands if this
	// fails.
	if fw, ok := s.store.(freeWiper); ok {
		if _, err := fw.WipeFree(context.WithoutCancel(r.Context())); err != nil {
			s.log.Warn("purge: overwriting the free pages of the data file", "root", root, "err", err)
		}
	}
	// As reassignment does: scope is known to have changed before anyone
	// is poked, and the poked devices drop the file.
	s.scopeGen.Add(1)
	s.hub.poke(nil, touched, users)
	writeJSON(w, http.StatusOK, res)
}

// freeWiper is a store whose file keeps the bytes of changed data in its
// free space until reused, and can overwrite them (bolt.DB.WipeFree).
type freeWiper interface {
	WipeFree(ctx context.Context) (pages int, err error)
}

// erased counts what a purge erased besides the records' state.
type erased struct {
	entries int // log entries whose value was blanked
	blobs   int // photos deleted
}

// purge blanks and deletes every record of root's file f by server-authored
// edits, blanks every value those records ever had in the log
// (store.Tx.ScrubLog, which keeps the entries' sequences, ops and clocks),
// drops from the key index what those values were indexed under and
// deletes the photos of the file that no other file names (eraseIndexed),
// and takes root from everyone it is assigned to (into touched, to be
// poked).
//
// What remains after it:
//   - every backup taken before the purge, in full, and anything exported
//     or printed from the file before;
//   - the file on the tablets that hold it, until their next sync drops it
//     (a tablet that never syncs again keeps it, encrypted);
//   - in the store, the purge's audit entry (title and counts), the ids and
//     field names of the records with their authors and times (in the log,
//     the root index, the audit trail, other people's duplicates fields),
//     which name no one;
//   - in the data file, old copies in the free pages that a read under way
//     at the purge still saw (a backup being taken, say): bbolt frees a
//     changed page rather than overwriting it, and the wipe after the
//     commit skips pages a reader may still see. They stay until a later
//     write reuses them; a backup copies free pages as they are.
func (s *Server) purge(tx store.Tx, root sync.RecID, f file, users map[string]store.User, touched map[sync.RecID][]string) (erased, error) {
	var gone erased
	var edits []sync.Edit
	for _, rec := range f.recs {
		fields, err := tx.Fields(rec)
		if err != nil {
			return gone, err
		}
		names := make([]string, 0, len(fields))
		for name, fs := range fields {
			if name != sync.FieldDeleted && fs.Value != model.Null {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		for _, name := range names {
			edits = append(edits, sync.Edit{Rec: rec, Field: name, Value: model.Null})
		}
		if fields[sync.FieldDeleted].Value != sync.ValueTrue {
			edits = append(edits, sync.Edit{Rec: rec, Field: sync.FieldDeleted, Value: sync.ValueTrue})
		}
	}
	if _, err := s.syncLog.ServerEdits(tx, s.now(), edits); err != nil {
		return gone, err
	}
	old, err := tx.ScrubLog(f.recs)
	if err != nil {
		return gone, err
	}
	gone.entries = len(old)
	if gone.blobs, err = eraseIndexed(tx, old); err != nil {
		return gone, err
	}
	owners, err := s.previousOwners(tx, root, nil)
	if err != nil {
		return gone, err
	}
	for _, u := range owners {
		if err := tx.Assign(root, u, false); err != nil {
			return gone, err
		}
		touched[root] = append(touched[root], u)
	}
	return gone, nil
}

// eraseIndexed drops from the key index what the old values of a purged
// file's records were indexed under: every ID number a person of it ever
// had (the duplicates index holds a hash of it, and ID numbers are few
// enough to be found again from their hashes) and every photo an
// attachment of it ever named. It deletes the blob of each of those photos
// that no attachment outside the file names in its current sha256 field
// (deleted or not: a deleted attachment can be restored), with its
// uploaders and any upload of it in progress, and returns how many it
// deleted. A photo that another file names stays.
func eraseIndexed(tx store.Tx, old []sync.Entry) (int, error) {
	shas := map[string]bool{}
	for _, e := range old {
		v, ok := sync.UnquoteJSON(e.Value)
		switch {
		case !ok:
		case e.Rec.Type() == model.TypePerson && e.Field == "id_number" && len(v) == 18:
			if err := tx.IndexKey(idKey(v), e.Rec, false); err != nil {
				return 0, err
			}
		case e.Rec.Type() == model.TypeAttachment && e.Field == "sha256" && validSHA(v):
			if err := tx.IndexKey(blobKey(v), e.Rec, false); err != nil {
				return 0, err
			}
			shas[v] = true
		}
	}
	n := 0
	for _, sha := range slices.Sorted(maps.Keys(shas)) {
		named, err := blobNamed(tx, sha)
		if err != nil {
			return n, err
		}
		if named {
			continue
		}
		deleted, err := tx.DeleteBlob(sha)
		if err != nil {
			return n, err
		}
		if deleted {
			n++
		}
	}
	return n, nil
}

// blobNamed reports whether an attachment names blob sha in its current
// sha256 field. The index lists every attachment that ever named it
// (indexBlobs).
func blobNamed(tx store.ReadTx, sha string) (bool, error) {
	recs, err := tx.Keyed(blobKey(sha))
	if err != nil {
		return false, err
	}
	for _, rec := range recs {
		f, ok, err := tx.Field(rec, "sha256")
		if err != nil {
			return false, err
		}
		if v, _ := sync.UnquoteJSON(f.Value); ok && v == sha {
			return true, nil
		}
	}
	return false, nil
}
