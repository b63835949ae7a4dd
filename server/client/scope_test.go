package client_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"jiuzhu/server/client"
	"jiuzhu/server/store"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

var scopeSeed = flag.Uint64("scope-seed", 0, "replay one seed of TestScopeProperty")

// person is the test's own picture of a user, to judge scope independently
// of the server's code.
type person struct {
	name string
	role store.Role
	team string
	org  string
	dev  *client.Device
}

// sees is the rule of ../shared/DESIGN.md, written again from the text.
func (p *person) sees(owner *person) bool {
	switch {
	case p == owner:
		return true
	case p.role == store.RoleSupervisor:
		return p.team == owner.team
	case p.role == store.RoleAdmin:
		return strings.HasPrefix(owner.org, p.org)
	}
	return false
}

// TestScopeProperty: random org units, teams, roles and assignments; after
// random creations, reassignments and edits (allowed or not), no device
// holds a record whose root it may not see, every device holds every root
// it may see, and writes are accepted exactly when they are in scope.
func TestScopeProperty(t *testing.T) {
	t.Parallel()
	seeds := []uint64{uint64(time.Now().UnixNano()), uint64(time.Now().UnixNano()) + 1, uint64(time.Now().UnixNano()) + 2}
	if *scopeSeed != 0 {
		seeds = []uint64{*scopeSeed}
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			if err := scopeRun(t, seed); err != nil {
				t.Fatalf("seed %d: %v\nreplay: go test ./server/client -run TestScopeProperty -scope-seed %d", seed, err, seed)
			}
		})
	}
}

func scopeRun(t *testing.T, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	e := newEnv(t)
	orgs := []string{"62", "6201", "620102", "620103", "6202", "620201"}
	teams := []string{"t1", "t2", "t3"}
	roles := []store.Role{store.RoleWorker, store.RoleWorker, store.RoleWorker, store.RoleSupervisor, store.RoleAdmin}
	var people []*person
	for i := range 4 + rng.IntN(4) {
		p := &person{name: fmt.Sprintf("u%d", i), role: roles[rng.IntN(len(roles))], team: teams[rng.IntN(len(teams))], org: orgs[rng.IntN(len(orgs))]}
		e.user(t, p.name, p.role, p.team, p.org)
		p.dev = e.login(t, p.name)
		people = append(people, p)
	}
	byID := map[string]*person{}
	for _, p := range people {
		byID[p.dev.User.ID] = p
	}
	owner := map[sync.RecID]*person{}
	var cases []sync.RecID
	ctx := context.Background()
	for step := range 25 {
		p := people[rng.IntN(len(people))]
		switch k := rng.IntN(4); {
		case k == 0 || len(cases) == 0: // create a case with a service record
			c := newCase(t, p.dev, fmt.Sprintf("个案%d", step))
			r := newRec(model.TypeServiceRecord)
			if err := p.dev.Edit(ctx,
				sync.Edit{Rec: r, Field: sync.FieldRoot, Value: model.Str(string(c))},
				sync.Edit{Rec: r, Field: model.FieldParent, Value: model.Str(string(c))},
				sync.Edit{Rec: r, Field: "content", Value: model.Str("探访")}); err != nil {
				return err
			}
			if rep := syncOK(t, p.dev); rep.Rejected != 0 {
				return fmt.Errorf("%s's own new case was rejected", p.name)
			}
			owner[c] = p
			cases = append(cases, c)
		case k == 1: // reassign a case to someone
			c, to := cases[rng.IntN(len(cases))], people[rng.IntN(len(people))]
			allowed := p.sees(owner[c]) && (to == p || p.role != store.RoleWorker && p.sees(to))
			if err := p.dev.Edit(ctx, sync.Edit{Rec: c, Field: "worker", Value: model.Str(to.dev.User.ID)}); err != nil {
				return err
			}
			rep := syncOK(t, p.dev)
			if got := rep.Rejected == 0; got != allowed {
				return fmt.Errorf("step %d: %s (%s) assigning %s (owner %s) to %s: accepted=%v, want %v", step, p.name, p.role, c, owner[c].name, to.name, got, allowed)
			}
			if allowed {
				owner[c] = to
			}
		default: // edit a case's title, in scope or not
			c := cases[rng.IntN(len(cases))]
			allowed := p.sees(owner[c])
			if err := p.dev.Edit(ctx, sync.Edit{Rec: c, Field: "title", Value: model.Str(fmt.Sprintf("改%d", step))}); err != nil {
				return err
			}
			rep := syncOK(t, p.dev)
			if got := rep.Rejected == 0; got != allowed {
				return fmt.Errorf("step %d: %s (%s %s %s) editing %s owned by %s (%s %s %s): accepted=%v, want %v", step,
					p.name, p.role, p.team, p.org, c, owner[c].name, owner[c].role, owner[c].team, owner[c].org, got, allowed)
			}
		}
		// Invariant 9 after every step, on a random device.
		q := people[rng.IntN(len(people))]
		syncOK(t, q.dev)
		if err := holdsExactlyScope(q, owner); err != nil {
			return fmt.Errorf("step %d: %w", step, err)
		}
	}
	for _, p := range people {
		syncOK(t, p.dev)
		if err := holdsExactlyScope(p, owner); err != nil {
			return err
		}
	}
	return nil
}

// holdsExactlyScope checks that p's device holds the records of exactly
// the roots p may see.
func holdsExactlyScope(p *person, owner map[sync.RecID]*person) error {
	held := map[sync.RecID]bool{}
	for id, r := range p.dev.Store.All() {
		root := sync.RootOf(r)
		if id.Type() == sync.ConflictType {
			continue
		}
		o, ok := owner[root]
		if !ok {
			return fmt.Errorf("%s holds %s under unknown root %q", p.name, id, root)
		}
		if !p.sees(o) {
			return fmt.Errorf("%s (%s %s %s) holds %s of a case owned by %s (%s %s %s)", p.name, p.role, p.team, p.org, id, o.name, o.role, o.team, o.org)
		}
		held[root] = true
	}
	for c, o := range owner {
		if p.sees(o) && !held[c] {
			return fmt.Errorf("%s (%s %s %s) lacks case %s owned by %s (%s %s %s)", p.name, p.role, p.team, p.org, c, o.name, o.role, o.team, o.org)
		}
	}
	return nil
}
