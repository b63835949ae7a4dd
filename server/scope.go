package server

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"jiuzhu/server/store"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// Scope (../shared/DESIGN.md "Security model"): every record belongs to a
// root; a root is owned by one user (its owner field, or its creator); a
// worker sees the roots they own, a supervisor those of their team, an
// administrator those of every user in their org unit's subtree.

// canSee reports whether viewer may see a root owned by owner.
func canSee(viewer, owner store.User) bool {
	if viewer.Disabled {
		return false
	}
	if viewer.ID == owner.ID {
		return true
	}
	switch viewer.Role {
	case store.RoleSupervisor:
		return viewer.Team != "" && viewer.Team == owner.Team
	case store.RoleAdmin:
		return viewer.Org != "" && strings.HasPrefix(owner.Org, viewer.Org)
	}
	return false
}

// visibleOwners returns the users whose roots viewer sees.
func visibleOwners(viewer store.User, users []store.User) []store.User {
	var out []store.User
	for _, u := range users {
		if canSee(viewer, u) {
			out = append(out, u)
		}
	}
	return out
}

// visibleRoots returns, sorted, every root viewer may see.
func visibleRoots(tx store.ReadTx, viewer store.User, users []store.User) ([]sync.RecID, error) {
	return rootsOf(tx, visibleOwners(viewer, users))
}

// rootsOf returns, sorted, the roots assigned to owners.
func rootsOf(tx store.ReadTx, owners []store.User) ([]sync.RecID, error) {
	var roots []sync.RecID
	for _, u := range owners {
		r, err := tx.Assigned(u.ID)
		if err != nil {
			return nil, err
		}
		roots = append(roots, r...)
	}
	slices.Sort(roots)
	return slices.Compact(roots), nil
}

// rootOf returns the root of rec from the stored state ("" if unknown).
func rootOf(st sync.StateReader, rec sync.RecID) (sync.RecID, error) {
	f, ok, err := st.Field(rec, sync.FieldRoot)
	if err != nil || !ok {
		return "", err
	}
	s, ok := sync.UnquoteJSON(f.Value)
	if !ok {
		return "", nil
	}
	return sync.RecID(s), nil
}

// ownerOf returns the user id owning root: its owner field, else the author
// of its root field (its creator). "" when the root is unknown.
func ownerOf(st sync.StateReader, reg *model.Registry, root sync.RecID) (string, error) {
	if t, ok := reg.Type(root.Type()); ok && t.Owner != "" {
		f, ok, err := st.Field(root, t.Owner)
		if err != nil {
			return "", err
		}
		if ok {
			if s, ok := sync.UnquoteJSON(f.Value); ok && s != "" {
				return s, nil
			}
		}
	}
	f, ok, err := st.Field(root, sync.FieldRoot)
	if err != nil || !ok {
		return "", err
	}
	return f.By, nil
}

// errOutOfScope and friends are the reasons a change is denied; their text
// reaches the worker's screen.
var (
	errOutOfScope = errors.New("该记录不在您的权限范围内 (record is outside your scope)")
	errNoRoot     = errors.New("请先写入记录的所属字段 root (write the record's root field first)")
	// errRootRewrite refuses a second write of a record's root field.
	errRootRewrite = errors.New("记录的所属字段只能在创建时写入一次 (a record's root field is written once, when it is created)")
	errMoveRoot    = errors.New("记录不能移到另一个个案或小组 (a record cannot move to another root)")
	errAssign      = errors.New("只有督导或管理员可以把记录分配给其他社工 (only a supervisor or administrator can assign to someone else)")
)

// authorizer decides, inside a push's transaction, whether the pushing user
// may write each change.
type authorizer struct {
	reg   *model.Registry
	user  store.User
	users map[string]store.User
	born  map[sync.RecID][]sync.RecID // records this push created, by root (not yet indexed; retention.go)
}

func (a *authorizer) authorize(st sync.StateReader, c *sync.Change) error {
	if err := refusePurged(st, c); err != nil {
		return err
	}
	root, err := a.changeRoot(st, c)
	if err != nil {
		return err
	}
	owner, err := ownerOf(st, a.reg, root)
	if err != nil {
		return err
	}
	if owner == "" {
		// A new root: only its own root field may create it, pointing at itself.
		if c.Rec != root {
			return errOutOfScope
		}
		owner = a.user.ID
	}
	o, ok := a.users[owner]
	if !ok || !canSee(a.user, o) {
		return errOutOfScope
	}
	// Assigning: the owner field may name another user only when written by
	// a supervisor or an administrator who sees that user too.
	if t, ok := a.reg.Type(c.Rec.Type()); ok && t.Root && t.Owner == c.Field && c.Rec == root {
		s, _ := sync.UnquoteJSON(c.Value)
		if s != a.user.ID {
			target, ok := a.users[s]
			if a.user.Role == store.RoleWorker || !ok || !canSee(a.user, target) {
				return errAssign
			}
		}
	}
	return a.checkArchive(st, c, root)
}

// changeRoot finds the root a change's record belongs to, and refuses to
// move a record to another root.
func (a *authorizer) changeRoot(st sync.StateReader, c *sync.Change) (sync.RecID, error) {
	if c.Rec.Type() == sync.ConflictType {
		root, err := rootOf(st, c.Rec)
		if err != nil {
			return "", err
		}
		if root == "" {
			return "", errNoRoot
		}
		return root, nil
	}
	cur, err := rootOf(st, c.Rec)
	if err != nil {
		return "", err
	}
	if c.Field != sync.FieldRoot {
		if cur == "" {
			return "", errNoRoot
		}
		return cur, nil
	}
	s, ok := sync.UnquoteJSON(c.Value)
	next := sync.RecID(s)
	if !ok || !next.Valid() {
		return "", fmt.Errorf("root 不是记录编号 (root is not a record id): %s", c.Value)
	}
	switch {
	case cur != "" && cur != next:
		return "", errMoveRoot
	case cur != "":
		// Written again, even with the same value: the root field's author
		// is the root's creator (ownerOf), so a second write would hand the
		// root to whoever wrote it last.
		return "", errRootRewrite
	}
	if t, ok := a.reg.Type(next.Type()); !ok || !t.Root {
		return "", fmt.Errorf("%s 不是根记录类型 (is not a root type)", next.Type())
	}
	return next, nil
}
