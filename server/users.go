package server

import "jiuzhu/server/store"

// The accounts are read on every push and pull, and change rarely (and only
// through this server while it runs: the CLI needs it stopped), so they are
// cached, and the cache is dropped whenever the server changes a user.

// userList returns every user, from the cache or read in tx.
func (s *Server) userList(tx store.ReadTx) ([]store.User, error) {
	if c := s.users.Load(); c != nil {
		return c.list, nil
	}
	list, err := tx.Users()
	if err != nil {
		return nil, err
	}
	c := &userCache{list: list, byID: make(map[string]store.User, len(list))}
	for _, u := range list {
		c.byID[u.ID] = u
	}
	s.users.Store(c)
	return list, nil
}

// userMap returns every user by id.
func (s *Server) userMap(tx store.ReadTx) (map[string]store.User, error) {
	if _, err := s.userList(tx); err != nil {
		return nil, err
	}
	return s.users.Load().byID, nil
}

// usersChanged drops the cache and tells connections to recompute scope.
func (s *Server) usersChanged() {
	s.users.Store(nil)
	s.scopeGen.Add(1)
}

type userCache struct {
	list []store.User
	byID map[string]store.User
}
