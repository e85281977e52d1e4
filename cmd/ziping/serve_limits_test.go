package main

import (
	"strings"
	"testing"
)

// TestServeLimitsCheck: serve refuses limits out of range with a message naming the
// flag, and takes the defaults.
func TestServeLimitsCheck(t *testing.T) {
	ok := serveLimits{maxRows: 200000, perUser: 5, previews: 2, checkpointEvery: 100, quotaMB: 60, memoryMB: 400, uploadMB: 20, unzipMB: 200}
	if err := ok.check(); err != nil {
		t.Fatalf("the defaults: %v", err)
	}
	for _, tc := range []struct {
		flag string
		set  func(*serveLimits)
	}{
		{"--page-slots", func(l *serveLimits) { l.pageSlots = -1 }},
		{"--page-slots", func(l *serveLimits) { l.pageSlots = 1025 }},
		{"--max-previews", func(l *serveLimits) { l.previews = 0 }},
		{"--max-upload", func(l *serveLimits) { l.uploadMB = 2000 }},
		{"--memory-limit", func(l *serveLimits) { l.memoryMB = -1 }},
	} {
		l := ok
		tc.set(&l)
		if err := l.check(); err == nil || !strings.Contains(err.Error(), tc.flag) {
			t.Errorf("%+v: %v; want a refusal naming %s", l, err, tc.flag)
		}
	}
	l := ok
	l.pageSlots = 16
	if err := l.check(); err != nil {
		t.Errorf("--page-slots 16: %v", err)
	}
}
