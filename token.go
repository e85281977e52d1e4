package ziping

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
)

// TokenHash is what the store keeps of a session token.
func TokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// RandomHex is n bytes read from r (crypto/rand when nil) in hex: session tokens,
// CSRF tokens, device nonces, upload ids. The services inject r so that tests are
// deterministic.
func RandomHex(r io.Reader, n int) string {
	b := make([]byte, n)
	if r == nil {
		r = rand.Reader
	}
	if _, err := io.ReadFull(r, b); err != nil {
		panic("ziping: no randomness: " + err.Error()) // the OS RNG does not fail
	}
	return hex.EncodeToString(b)
}
