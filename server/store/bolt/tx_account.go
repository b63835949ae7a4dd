package bolt

import (
	"fmt"

	"jiuzhu/server/store"
)

// PutUser implements store.Tx.
func (t *tx) PutUser(u store.User) error {
	if u.ID == "" || u.Name == "" {
		return fmt.Errorf("put user %q named %q: %w", u.ID, u.Name, ErrInvalid)
	}
	names, err := t.bucket(bUserNames)
	if err != nil {
		return err
	}
	if id := names.Get([]byte(u.Name)); id != nil && string(id) != u.ID {
		return fmt.Errorf("login name %q: %w", u.Name, store.ErrExists)
	}
	old, had, err := t.User(u.ID)
	if err != nil {
		return err
	}
	if had && old.Name != u.Name {
		if err := names.Delete([]byte(old.Name)); err != nil {
			return err
		}
	}
	v, err := encodeUser(u)
	if err != nil {
		return err
	}
	if err := names.Put([]byte(u.Name), []byte(u.ID)); err != nil {
		return err
	}
	return t.put(bUsers, []byte(u.ID), v)
}

// PutSession implements store.Tx.
func (t *tx) PutSession(s store.Session) error {
	if len(s.TokenHash) == 0 {
		return fmt.Errorf("put session: token hash: %w", ErrInvalid)
	}
	v, err := encodeSession(s)
	if err != nil {
		return err
	}
	return t.put(bSessions, s.TokenHash, v)
}

// DeleteSession implements store.Tx.
func (t *tx) DeleteSession(tokenHash []byte) error {
	if len(tokenHash) == 0 {
		return nil
	}
	b, err := t.bucket(bSessions)
	if err != nil {
		return err
	}
	return b.Delete(tokenHash)
}

// PutDevice implements store.Tx.
func (t *tx) PutDevice(d store.Device) error {
	if d.ID == "" {
		return fmt.Errorf("put device: %w", ErrInvalid)
	}
	old, had, err := t.Device(d.ID)
	if err != nil {
		return err
	}
	if had && old.User != d.User {
		if err := t.mark(bUserDevices, old.User, d.ID, false); err != nil {
			return err
		}
	}
	if err := t.mark(bUserDevices, d.User, d.ID, true); err != nil {
		return err
	}
	v, err := encodeDevice(d)
	if err != nil {
		return err
	}
	return t.put(bDevices, []byte(d.ID), v)
}

// AppendAudit implements store.Tx.
func (t *tx) AppendAudit(a store.AuditEntry) (uint64, error) {
	b, err := t.bucket(bAudit)
	if err != nil {
		return 0, err
	}
	seq, err := b.NextSequence()
	if err != nil {
		return 0, err
	}
	v, err := encodeAudit(a)
	if err != nil {
		return 0, err
	}
	t.key = appendSeq(t.key[:0], seq)
	if err := b.Put(t.key, v); err != nil {
		return 0, err
	}
	return seq, nil
}
