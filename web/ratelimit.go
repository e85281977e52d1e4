package web

import (
	"sync"
	"time"
)

// limiter allows rate events per key (a client IP) in any window of the given
// length: a sliding log of at most rate times per key. It is in memory, per process:
// it slows a password guesser down; the account lockout in the service, kept in the
// store, is what holds across instances.
type limiter struct {
	mu     sync.Mutex
	rate   int
	window time.Duration
	now    func() time.Time
	hits   map[string][]time.Time
}

// sweepAt is the number of keys above which allow drops the keys that went quiet.
const sweepAt = 4096

func newLimiter(rate int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{rate: rate, window: window, now: now, hits: map[string][]time.Time{}}
}

// allow records an event for key and reports whether it is within the rate.
// Refused events are not recorded, so a client that waits gets in again.
func (l *limiter) allow(key string) bool {
	now := l.now()
	cut := now.Add(-l.window)
	l.mu.Lock()
	defer l.mu.Unlock()
	ts := l.hits[key]
	i := 0
	for i < len(ts) && !ts[i].After(cut) {
		i++
	}
	ts = ts[i:]
	if len(ts) >= l.rate {
		l.hits[key] = ts
		return false
	}
	l.hits[key] = append(ts, now)
	if len(l.hits) > sweepAt {
		for k, v := range l.hits {
			if !v[len(v)-1].After(cut) {
				delete(l.hits, k)
			}
		}
	}
	return true
}
