package server

import (
	"context"

	"jiuzhu/server/store"
)

// The accounts are read on every push and pull, and change rarely (and only
// through this server while it runs: the CLI needs it stopped), so they are
// cached. Only refreshUsers fills the cache, from a read that starts after
// the change it follows was committed: a reader whose transaction began
// before a change must not put its older list back (it did, and a user
// just added was missing from every list until the next change). Readers
// that find no cache read the users in their own transaction.

// userList returns every user, from the cache or read in tx.
func (s *Server) userList(tx store.ReadTx) ([]store.User, error) {
	if c := s.users.Load(); c != nil {
		return c.list, nil
	}
	return tx.Users()
}

// userMap returns every user by id.
func (s *Server) userMap(tx store.ReadTx) (map[string]store.User, error) {
	if c := s.users.Load(); c != nil {
		return c.byID, nil
	}
	list, err := tx.Users()
	if err != nil {
		return nil, err
	}
	return newUserCache(list).byID, nil
}

// usersChanged is called after a change to the users is committed: it
// refreshes the cache and tells connections to recompute scope.
func (s *Server) usersChanged() {
	s.refreshUsers()
	s.scopeGen.Add(1)
}

// refreshUsers drops the cache and fills it again from a new read.
// Refreshes run one at a time, so the last one stores the newest list.
func (s *Server) refreshUsers() {
	s.usersMu.Lock()
	defer s.usersMu.Unlock()
	s.users.Store(nil)
	var list []store.User
	err := s.store.View(context.Background(), func(tx store.ReadTx) (err error) {
		list, err = tx.Users()
		return err
	})
	if err != nil {
		s.log.Error("reading the users", "err", err) // readers read them themselves meanwhile
		return
	}
	s.users.Store(newUserCache(list))
}

func newUserCache(list []store.User) *userCache {
	c := &userCache{list: list, byID: make(map[string]store.User, len(list))}
	for _, u := range list {
		c.byID[u.ID] = u
	}
	return c
}

type userCache struct {
	list []store.User
	byID map[string]store.User
}
