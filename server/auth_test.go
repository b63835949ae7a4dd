package server

import (
	"strings"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q does not carry the OWASP parameters", h)
	}
	if ok, err := CheckPassword(h, "correct horse"); !ok || err != nil {
		t.Errorf("right password: %v %v", ok, err)
	}
	if ok, err := CheckPassword(h, "wrong horse"); ok || err != nil {
		t.Errorf("wrong password: %v %v", ok, err)
	}
	h2, _ := HashPassword("correct horse")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=19$m=1,t=1,p=1$!!$AA"} {
		if _, err := CheckPassword(bad, "x"); err == nil {
			t.Errorf("CheckPassword(%q) accepted a bad hash", bad)
		}
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	a, ha, err := newToken()
	if err != nil {
		t.Fatal(err)
	}
	b, hb, _ := newToken()
	if a == b || string(ha) == string(hb) || len(a) < 40 {
		t.Errorf("tokens %q %q", a, b)
	}
	if string(hashToken(a)) != string(ha) {
		t.Error("hashToken does not match")
	}
}
