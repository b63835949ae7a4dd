package local

import (
	"context"
	"crypto/rand"
	"slices"
	"strings"
)

// DefaultIterations is the PBKDF2-SHA256 iteration count for new keyring
// entries (OWASP's 2023 recommendation).
const DefaultIterations = 600_000

// saltSize is the size of a keyring entry's random salt.
const saltSize = 16

// KeyringOptions tune a Keyring. Zero fields take the defaults.
type KeyringOptions struct {
	// Iterations of PBKDF2 for new entries (default DefaultIterations).
	// Lower values are for tests only.
	Iterations int
	// Digester keeps digests in the users' stores (see Store.Digests);
	// nil keeps none.
	Digester *Digester
}

// User names a user who has a store on this tablet.
type User struct {
	ID   string // the server's user id
	Name string // the login name
}

// Unlocked is a user's keyring entry opened with their password: who they
// are, their sync credentials, and the data key that opens their store.
type Unlocked struct {
	User   string // user id
	Name   string // login name
	Token  string // sync session token
	Device string // this device's id for the user
	key    []byte
	kr     *Keyring
}

// Open opens the user's store. Close it when the app locks.
func (u *Unlocked) Open(ctx context.Context) (Store, error) {
	return u.kr.b.openStore(ctx, u.User, u.key, u.Device, u.kr.dg)
}

// entry is what the keyring stores per user. Only User and Name are in the
// clear; Wrapped is the data key sealed with the password-derived key,
// Secret the token and device sealed with the data key.
type entry struct {
	User    string
	Name    string
	Salt    []byte
	Iter    int
	Wrapped []byte
	Secret  []byte
}

// backend is where a Keyring keeps entries and stores, and how it derives
// keys: IndexedDB and WebCrypto in the browser, memory and Go elsewhere.
type backend interface {
	entries(ctx context.Context) ([]entry, error)
	// put stores e; with create it fails with ErrExists if the user id or
	// the login name already has an entry.
	put(ctx context.Context, e entry, create bool) error
	remove(ctx context.Context, user string) error
	deleteStore(ctx context.Context, user string) error
	derive(ctx context.Context, password string, salt []byte, iter int) ([]byte, error)
	openStore(ctx context.Context, user string, key []byte, device string, dg *Digester) (Store, error)
}

// Keyring holds, per user on this tablet, what unlocks their store. Safe
// for concurrent use.
type Keyring struct {
	b    backend
	iter int
	dg   *Digester
}

func newKeyring(b backend, opt KeyringOptions) *Keyring {
	if opt.Iterations <= 0 {
		opt.Iterations = DefaultIterations
	}
	return &Keyring{b: b, iter: opt.Iterations, dg: opt.Digester}
}

// Users returns who has a store on this tablet, by login name.
func (k *Keyring) Users(ctx context.Context) ([]User, error) {
	es, err := k.b.entries(ctx)
	if err != nil {
		return nil, &Error{Op: "list users", Err: err}
	}
	out := make([]User, 0, len(es))
	for _, e := range es {
		out = append(out, User{ID: e.User, Name: e.Name})
	}
	slices.SortFunc(out, func(a, b User) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (k *Keyring) find(ctx context.Context, match func(*entry) bool) (*entry, error) {
	es, err := k.b.entries(ctx)
	if err != nil {
		return nil, err
	}
	for i := range es {
		if match(&es[i]) {
			return &es[i], nil
		}
	}
	return nil, ErrNoUser
}

// Create makes a keyring entry for a user at their first online login on
// this tablet: a new random data key, wrapped with a key derived from
// password, and the session token and device id sealed with it. Any
// leftover store of that user (from an interrupted wipe) is deleted first.
func (k *Keyring) Create(ctx context.Context, user, name, password, token, device string) (*Unlocked, error) {
	if user == "" || name == "" {
		return nil, &Error{Op: "create keyring entry", Err: ErrNoUser}
	}
	if e, err := k.find(ctx, func(e *entry) bool { return e.User == user || e.Name == name }); err == nil && e != nil {
		return nil, &Error{Op: "create keyring entry", Err: ErrExists}
	} else if err != ErrNoUser {
		return nil, &Error{Op: "create keyring entry", Err: err}
	}
	if err := k.b.deleteStore(ctx, user); err != nil {
		return nil, &Error{Op: "create keyring entry", Err: err}
	}
	e := entry{User: user, Name: name, Salt: make([]byte, saltSize), Iter: k.iter}
	if _, err := rand.Read(e.Salt); err != nil {
		return nil, err
	}
	key := newKey()
	if err := k.wrap(ctx, &e, key, password); err != nil {
		return nil, &Error{Op: "create keyring entry", Err: err}
	}
	s, _ := newSealer(key)
	e.Secret = s.seal(encodeStrings(token, device), adSecret(user))
	if err := k.b.put(ctx, e, true); err != nil {
		return nil, &Error{Op: "create keyring entry", Err: err}
	}
	return &Unlocked{User: user, Name: name, Token: token, Device: device, key: key, kr: k}, nil
}

// wrap seals key into e.Wrapped with the key derived from password.
func (k *Keyring) wrap(ctx context.Context, e *entry, key []byte, password string) error {
	kek, err := k.b.derive(ctx, password, e.Salt, e.Iter)
	if err != nil {
		return err
	}
	ks, err := newSealer(kek)
	if err != nil {
		return err
	}
	e.Wrapped = ks.seal(key, adWrap(e.User))
	return nil
}

// Unlock opens a user's entry offline with their password. A wrong
// password returns ErrWrongPassword and changes nothing; a name with no
// entry returns ErrNoUser.
func (k *Keyring) Unlock(ctx context.Context, name, password string) (*Unlocked, error) {
	e, err := k.find(ctx, func(e *entry) bool { return e.Name == name })
	if err != nil {
		return nil, &Error{Op: "unlock", Err: err}
	}
	kek, err := k.b.derive(ctx, password, e.Salt, e.Iter)
	if err != nil {
		return nil, &Error{Op: "unlock", Err: err}
	}
	ks, err := newSealer(kek)
	if err != nil {
		return nil, &Error{Op: "unlock", Err: err}
	}
	key, err := ks.open(e.Wrapped, adWrap(e.User))
	if err != nil {
		return nil, &Error{Op: "unlock", Err: ErrWrongPassword}
	}
	s, err := newSealer(key)
	if err != nil {
		return nil, &Error{Op: "unlock", Err: ErrCorrupt}
	}
	plain, err := s.open(e.Secret, adSecret(e.User))
	if err != nil {
		return nil, &Error{Op: "unlock", Err: err}
	}
	sec, err := decodeStrings(plain)
	if err != nil || len(sec) != 2 {
		return nil, &Error{Op: "unlock", Err: ErrCorrupt}
	}
	return &Unlocked{User: e.User, Name: e.Name, Token: sec[0], Device: sec[1], key: key, kr: k}, nil
}

// ChangeToken stores a new session token (and device id) for an unlocked
// user, after a re-login online.
func (k *Keyring) ChangeToken(ctx context.Context, u *Unlocked, token, device string) error {
	e, err := k.find(ctx, func(e *entry) bool { return e.User == u.User })
	if err != nil {
		return &Error{Op: "change token", Err: err}
	}
	s, err := newSealer(u.key)
	if err != nil {
		return &Error{Op: "change token", Err: err}
	}
	e.Secret = s.seal(encodeStrings(token, device), adSecret(e.User))
	if err := k.b.put(ctx, *e, false); err != nil {
		return &Error{Op: "change token", Err: err}
	}
	u.Token, u.Device = token, device
	return nil
}

// ChangePassword wraps an unlocked user's data key with a new password
// (new salt; the store is not re-encrypted).
func (k *Keyring) ChangePassword(ctx context.Context, u *Unlocked, password string) error {
	e, err := k.find(ctx, func(e *entry) bool { return e.User == u.User })
	if err != nil {
		return &Error{Op: "change password", Err: err}
	}
	e.Salt = make([]byte, saltSize)
	if _, err := rand.Read(e.Salt); err != nil {
		return err
	}
	e.Iter = max(e.Iter, k.iter)
	if err := k.wrap(ctx, e, u.key, password); err != nil {
		return &Error{Op: "change password", Err: err}
	}
	if err := k.b.put(ctx, *e, false); err != nil {
		return &Error{Op: "change password", Err: err}
	}
	return nil
}

// Wipe removes a user's data from this tablet ("remove this device's
// data", or after the server revoked the device): first the keyring entry,
// so that the data key is gone and the store unreadable even if the next
// step fails, then the store's database. Open stores of the user are
// closed. Wiping a user with no entry deletes any leftover store.
func (k *Keyring) Wipe(ctx context.Context, user string) error {
	if err := k.b.remove(ctx, user); err != nil {
		return &Error{Op: "wipe", Err: err}
	}
	if err := k.b.deleteStore(ctx, user); err != nil {
		return &Error{Op: "wipe", Err: err}
	}
	return nil
}
