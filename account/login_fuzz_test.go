package account

import (
	"strings"
	"testing"

	"ziping"
)

// FuzzDeviceCookie: deviceFor reads whatever a browser sends as a device cookie.
// It must never panic, and it may trust only a cookie this key signed for this user.
func FuzzDeviceCookie(f *testing.F) {
	s := &Service{DeviceKey: []byte("fuzz-device-key-0123456789abcdef")}
	u := &ziping.User{ID: 7}
	good := s.newDevice(u)
	for _, seed := range []string{good, "", ".", "v1...", "v1.7." + strings.Repeat("a", 32) + ".", good + "x", strings.Replace(good, "v1.7.", "v1.8.", 1)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, cookie string) {
		nonce := s.deviceFor(cookie, u)
		if nonce == "" {
			return
		}
		if cookie != good && s.deviceMAC(cookie[:strings.LastIndexByte(cookie, '.')]) != cookie[strings.LastIndexByte(cookie, '.')+1:] {
			t.Fatalf("trusted a cookie the key did not sign: %q", cookie)
		}
		if !strings.HasPrefix(cookie, "v1.7.") || len(nonce) != 32 {
			t.Fatalf("trusted %q (nonce %q) for user 7", cookie, nonce)
		}
	})
}
