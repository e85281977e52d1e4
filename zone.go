package ziping

import (
	"sync/atomic"
	"time"
)

// DefaultZone is the time zone times and document dates are shown in unless the
// server is told otherwise (ZIPING_TZ, serve --tz).
const DefaultZone = "Asia/Shanghai"

var zone atomic.Pointer[time.Location]

// Zone is the configured time zone: every time users see (pages, audit, evidence,
// notices) and every document's date (成文日期: the local day, not the UTC day) is
// written in it. Asia/Shanghai unless SetZone said otherwise; without the system's
// zone database, a fixed UTC+8 (China keeps no summer time).
func Zone() *time.Location {
	if z := zone.Load(); z != nil {
		return z
	}
	z := shanghai()
	zone.CompareAndSwap(nil, z)
	return zone.Load()
}

// SetZone sets the zone Zone returns from an IANA name ("Asia/Shanghai",
// "Asia/Urumqi", "UTC").
func SetZone(name string) error {
	if name == "" || name == DefaultZone {
		zone.Store(shanghai())
		return nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return Errorf(Invalid, "时区「%s」无效（应为如 Asia/Shanghai 的时区名）", name)
	}
	zone.Store(loc)
	return nil
}

func shanghai() *time.Location {
	if loc, err := time.LoadLocation(DefaultZone); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// LocalDay is t as a calendar day in the configured zone, at midnight of that zone:
// what a document dated t says. 2026-12-04T17:30Z is 5 December in Beijing.
func LocalDay(t time.Time) time.Time {
	t = t.In(Zone())
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}
