package server

import (
	"fmt"
	"slices"

	"jiuzhu/server/store"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// Rejection codes the server adds to those of sync.Log.
const (
	codeGap      = "gap"       // the device's op counter skipped ahead
	codeReplayed = "replayed"  // an op this device sent before, which was refused then
	codeOpReused = "op_reused" // an op id already used for a different change
)

// sameAsLogged reports whether c is the change logged at seq.
func sameAsLogged(tx store.ReadTx, seq uint64, c *sync.Change) (bool, error) {
	same := false
	err := tx.Log(seq-1, func(e sync.Entry) (bool, error) {
		same = e.Seq == seq && e.Op == c.Op && e.Rec == c.Rec && e.Field == c.Field && e.Value == c.Value && e.HLC == c.HLC
		return false, nil
	})
	return same, err
}

// pushResult is what a committed push tells the rest of the server.
type pushResult struct {
	ack     *sync.Ack
	touched map[sync.RecID][]string // roots the push changed → their owners, new and former
	users   map[string]store.User   // the accounts as the push saw them
	// rescoped is set when a root was created or reassigned: what users
	// see has changed.
	rescoped bool
	logged   int // changes of the push newly logged (metrics.go)
}

// applyPush applies one batch from a device inside tx: ops already applied
// are acknowledged again, ops behind the device's counter are refused as
// replays and ops ahead of it as gaps, the rest go through sync.Log
// (validation, scope, merge, conflicts), and the root and owner indexes
// follow what was accepted.
func (s *Server) applyPush(tx store.Tx, users map[string]store.User, dev deviceIdentity, p *sync.Push) (pushResult, error) {
	res := pushResult{ack: &sync.Ack{ID: p.ID}, touched: map[sync.RecID][]string{}, users: users}
	counter, err := tx.DeviceCounter(dev.device)
	if err != nil {
		return res, err
	}
	todo := make([]sync.Change, 0, len(p.Changes))
	for _, c := range p.Changes {
		if c.Op.Device != dev.device {
			todo = append(todo, c) // sync.Log refuses it: not this device's
			continue
		}
		if seq, ok, err := tx.Applied(c.Op); err != nil {
			return res, err
		} else if ok {
			// Re-delivery: acknowledged again. But an op id used for a
			// different change would be lost silently: refuse it visibly.
			same, err := sameAsLogged(tx, seq, &c)
			if err != nil {
				return res, err
			}
			if !same {
				res.ack.Rejected = append(res.ack.Rejected, sync.Rejected{Op: c.Op, Code: codeOpReused,
					Message: "设备重复使用了修改编号，这条修改没有保存 (this device reused a change id; this change was not saved)"})
				continue
			}
			res.ack.Accepted = append(res.ack.Accepted, sync.Accepted{Op: c.Op, Seq: seq})
			continue
		}
		if c.Op.Counter > counter+1 {
			if skip, err := restoredSkip(tx, dev.device); err != nil {
				return res, err
			} else if skip {
				// The ops between were acknowledged by the log before it
				// was restored from a backup: they are gone with it, not
				// in transit, so the device goes on from here.
				counter = c.Op.Counter - 1
			}
		}
		switch next := counter + 1; {
		case c.Op.Counter < next:
			res.ack.Rejected = append(res.ack.Rejected, sync.Rejected{Op: c.Op, Code: codeReplayed,
				Message: "这条修改之前已被拒绝 (this change was refused before)"})
			continue
		case c.Op.Counter > next:
			res.ack.Rejected = append(res.ack.Rejected, sync.Rejected{Op: c.Op, Code: codeGap,
				Message: fmt.Sprintf("设备的修改 %d–%d 缺失 (changes %d–%d from this device never arrived)", next, c.Op.Counter-1, next, c.Op.Counter-1)})
			continue
		}
		counter = c.Op.Counter
		todo = append(todo, c)
	}
	auth := &authorizer{reg: s.reg, user: dev.user, users: users}
	lg := *s.syncLog
	lg.Authorize = auth.authorize
	r, err := lg.Apply(tx, sync.Author{Device: dev.device, User: dev.user.ID}, s.now(), todo)
	if err != nil {
		return res, err
	}
	res.ack.Accepted = append(res.ack.Accepted, r.Accepted...)
	res.logged = len(r.Accepted)
	res.ack.Rejected = append(res.ack.Rejected, r.Rejected...)
	// Refused ops count as seen, so the next op is not taken for a gap.
	if err := tx.SetDeviceCounter(dev.device, counter); err != nil {
		return res, err
	}
	if res.rescoped, err = s.index(tx, r.Entries, res.touched); err != nil {
		return res, err
	}
	if err := s.indexBlobs(tx, r.Entries); err != nil {
		return res, err
	}
	if err := s.auditPush(tx, dev, r.Entries); err != nil {
		return res, err
	}
	return res, s.flagDuplicates(tx, r.Entries, res.touched)
}

// index keeps the root index (record → root) and the owner index (user →
// roots) up to date with newly committed entries, and collects the roots
// they touched with their owners (and former owners).
func (s *Server) index(tx store.Tx, entries []sync.Entry, touched map[sync.RecID][]string) (rescoped bool, err error) {
	created := map[sync.RecID]string{} // roots created in this batch → creator
	for _, e := range entries {
		root, err := rootOf(tx, e.Rec)
		if err != nil {
			return false, err
		}
		if root == "" {
			continue
		}
		if e.Field == sync.FieldRoot {
			if err := tx.IndexRoot(root, e.Rec); err != nil {
				return false, err
			}
			if e.Rec == root {
				rescoped = true
				created[root] = e.By
				if err := tx.Assign(root, e.By, true); err != nil {
					return false, err
				}
			}
		}
		if e.Rec == root && isOwnerField(s.reg, root, e.Field) {
			rescoped = true
			prev, err := s.previousOwners(tx, root, created)
			if err != nil {
				return false, err
			}
			owner, err := ownerOf(tx, s.reg, root)
			if err != nil {
				return false, err
			}
			for _, p := range prev {
				if p != owner {
					if err := tx.Assign(root, p, false); err != nil {
						return false, err
					}
					touched[root] = append(touched[root], p)
				}
			}
			if err := tx.Assign(root, owner, true); err != nil {
				return false, err
			}
		}
		owner, err := ownerOf(tx, s.reg, root)
		if err != nil {
			return false, err
		}
		if !slices.Contains(touched[root], owner) {
			touched[root] = append(touched[root], owner)
		}
	}
	return rescoped, nil
}

func isOwnerField(reg *model.Registry, root sync.RecID, field string) bool {
	t, ok := reg.Type(root.Type())
	return ok && t.Owner == field
}

// previousOwners returns who root was assigned to before its owner field
// changed: its creator when it was created in this batch, else whoever the
// owner index names (a scan over users; reassignment is rare).
func (s *Server) previousOwners(tx store.Tx, root sync.RecID, created map[sync.RecID]string) ([]string, error) {
	if c, ok := created[root]; ok {
		return []string{c}, nil
	}
	users, err := s.userList(tx)
	if err != nil {
		return nil, err
	}
	var prev []string
	for _, u := range users {
		assigned, err := tx.Assigned(u.ID)
		if err != nil {
			return nil, err
		}
		if _, found := slices.BinarySearch(assigned, root); found {
			prev = append(prev, u.ID)
		}
	}
	return prev, nil
}

// restoredSkip reports whether a device may skip ahead of its op counter
// (Device.Restored), and clears the permission: it is given once, at the
// device's first connection after a restore, for its next push.
func restoredSkip(tx store.Tx, device string) (bool, error) {
	d, ok, err := tx.Device(device)
	if err != nil || !ok || !d.Restored {
		return false, err
	}
	d.Restored = false
	return true, tx.PutDevice(d)
}
