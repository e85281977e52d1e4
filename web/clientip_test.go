package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestClientIP: forwarding headers count only from a trusted proxy, and then only as
// far left as the proxies go.
func TestClientIP(t *testing.T) {
	s := &Server{opts: Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}}}
	none := &Server{}
	cases := []struct {
		name   string
		srv    *Server
		remote string
		xff    []string
		want   string
	}{
		{"no proxies configured: the header is ignored", none, "10.1.2.3:5000", []string{"1.2.3.4"}, "10.1.2.3"},
		{"an untrusted peer cannot claim an address", s, "203.0.113.9:5000", []string{"1.2.3.4"}, "203.0.113.9"},
		{"trusted proxy: the client it saw", s, "10.1.2.3:5000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"a forged hop left of the real one is not believed", s, "10.1.2.3:5000", []string{"6.6.6.6, 198.51.100.7"}, "198.51.100.7"},
		{"two proxies", s, "10.1.2.3:5000", []string{"198.51.100.7, 10.9.9.9"}, "198.51.100.7"},
		{"several headers are one list", s, "10.1.2.3:5000", []string{"6.6.6.6", "198.51.100.7"}, "198.51.100.7"},
		{"a malformed hop stops the walk", s, "10.1.2.3:5000", []string{"198.51.100.7, bogus"}, "10.1.2.3"},
		{"only proxies: the leftmost", s, "10.1.2.3:5000", []string{"10.4.4.4"}, "10.4.4.4"},
		{"no header from a proxy", s, "10.1.2.3:5000", nil, "10.1.2.3"},
		{"IPv6 proxy", s, "[::1]:5000", []string{"2001:db8::7"}, "2001:db8::7"},
		{"IPv4-mapped proxy address", s, "[::ffff:10.1.2.3]:5000", []string{"198.51.100.7"}, "198.51.100.7"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		for _, h := range c.xff {
			r.Header.Add("X-Forwarded-For", h)
		}
		if got := c.srv.clientIP(r); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
