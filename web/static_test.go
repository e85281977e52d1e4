package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestStaticScript serves the vendored ECharts: as JavaScript (the CSP allows only
// scripts from the site, and nosniff requires the type), cacheable for a year under
// its hashed name, gzipped for browsers that accept it.
func TestStaticScript(t *testing.T) {
	t.Parallel()
	s := &Server{}
	as, err := loadAssets(s.staticFS())
	if err != nil {
		t.Fatal(err)
	}
	s.assets = as
	for _, name := range []string{"echarts.min.js", "echarts.LICENSE.txt"} {
		if as.byName[name] == nil {
			t.Fatalf("static/%s is not embedded", name)
		}
	}
	get := func(file, encoding string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "/static/"+file, nil)
		r.SetPathValue("file", file)
		if encoding != "" {
			r.Header.Set("Accept-Encoding", encoding)
		}
		w := httptest.NewRecorder()
		if err := s.static(w, r); err != nil {
			t.Fatal(err)
		}
		return w
	}
	js := as.byName["echarts.min.js"]
	for _, tc := range []struct {
		encoding string
		gzipped  bool
	}{{"", false}, {"gzip, deflate, br", true}, {"br;q=1.0, gzip;q=0", false}, {"GZIP;q=0.5", true}} {
		w := get(js.file, tc.encoding)
		h := w.Header()
		if h.Get("Content-Type") != "text/javascript; charset=utf-8" || !strings.Contains(h.Get("Cache-Control"), "immutable") || h.Get("Vary") != "Accept-Encoding" {
			t.Errorf("%q: headers %v", tc.encoding, h)
		}
		body := w.Body.Bytes()
		if got := h.Get("Content-Encoding") == "gzip"; got != tc.gzipped {
			t.Fatalf("%q: gzipped = %v, want %v", tc.encoding, got, tc.gzipped)
		}
		if tc.gzipped {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(body, js.body) {
			t.Errorf("%q: body differs from static/echarts.min.js", tc.encoding)
		}
	}
	if w := get(as.byName["echarts.LICENSE.txt"].file, "gzip"); !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
		t.Errorf("licence: %v", w.Header())
	}
}
