package ziping

import (
	"testing"
	"time"
)

func TestZone(t *testing.T) {
	t.Cleanup(func() { SetZone("") })
	if got := Zone().String(); got != DefaultZone && got != "CST" {
		t.Errorf("default zone %s", got)
	}
	at := time.Date(2026, 12, 4, 17, 30, 0, 0, time.UTC) // 01:30 on the 5th in Beijing
	if d := LocalDay(at); d.Day() != 5 || d.Month() != 12 || d.Hour() != 0 {
		t.Errorf("LocalDay(%v) = %v, want 5 December", at, d)
	}
	if err := SetZone("Mars/Olympus"); err == nil {
		t.Error("an unknown zone was accepted")
	}
	if err := SetZone("UTC"); err != nil {
		t.Fatal(err)
	}
	if d := LocalDay(at); d.Day() != 4 {
		t.Errorf("LocalDay in UTC = %v, want 4 December", d)
	}
}
