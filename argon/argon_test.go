package argon

import (
	"strings"
	"testing"
)

// fast keeps the tests quick; the format and the check are the same at any cost.
var fast = Hasher{P: Params{Memory: 64, Time: 1, Threads: 1}}

func TestHashVerify(t *testing.T) {
	enc, err := fast.Hash("正确的密码 correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("encoding %q", enc)
	}
	if ok, err := fast.Verify("正确的密码 correct horse", enc); !ok || err != nil {
		t.Errorf("right password refused: %v %v", ok, err)
	}
	if ok, _ := fast.Verify("正确的密码 correct hors", enc); ok {
		t.Error("wrong password accepted")
	}
	other, _ := fast.Hash("正确的密码 correct horse")
	if other == enc {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	// Verify uses the parameters stored in the hash, not the hasher's.
	if ok, _ := (Hasher{P: Default}).Verify("正确的密码 correct horse", enc); !ok {
		t.Error("a hash made with other parameters no longer verifies")
	}
}

func TestMalformed(t *testing.T) {
	for _, enc := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=18$m=64,t=1,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=19$m=64,t=0,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaA"} {
		if ok, err := fast.Verify("x", enc); ok || err == nil {
			t.Errorf("%q: ok=%v err=%v, want ErrMalformed", enc, ok, err)
		}
	}
}
