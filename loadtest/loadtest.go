// Package loadtest is a small closed-loop load generator: N virtual users each run a
// step function until a deadline, back to back or with a think time between steps,
// and every step's latency is recorded by kind. It has no knowledge of the
// application; cmd/ziping drives the web pages with it.
package loadtest

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"time"
)

// Step is one request of virtual user user (0-based), its iteration i. It returns the
// kind of page it asked for (the key of the per-kind figures) and an error when the
// request failed (a transport error or an unwanted status).
type Step func(ctx context.Context, user, i int) (kind string, err error)

// Config is a run: how many users, for how long.
type Config struct {
	Users    int
	Duration time.Duration
	// MaxErrors is how many error messages the report keeps (the count is exact).
	MaxErrors int
	// ThinkMin and ThinkMax bound the pause of a user after each response, drawn
	// uniformly between them; both zero is no pause (the worst case). With a think
	// time each user also waits a draw from [0, ThinkMax) before its first step, so
	// that the users arrive spread out rather than all at once.
	ThinkMin, ThinkMax time.Duration
	// Seed makes the think times of a run repeatable (each user draws from its own
	// source, seeded with Seed and its number).
	Seed uint64
	// MinSteps, when set, is how many steps user u makes whatever the duration: a
	// round that must see each user's first pass over its pages lasts until it has.
	MinSteps func(u int) int
}

// Stats are the figures of one kind of request (or of all: Kind "all").
type Stats struct {
	Kind                    string
	Count, Errors           int
	PerSecond               float64
	P50, P90, P95, P99, Max time.Duration
	Mean                    time.Duration
}

// Report is the outcome of a run.
type Report struct {
	Users    int
	Elapsed  time.Duration // from the first request to the last response
	All      Stats
	Kinds    []Stats  // sorted by kind
	Failures []string // the first MaxErrors error messages
}

type sample struct {
	kind string
	d    time.Duration
	err  error
}

// Run starts cfg.Users goroutines that call step in a loop, with the think time
// between steps, until cfg.Duration has passed or ctx ends. A step started before the
// deadline runs to its end (the step bounds its own time), so every started request
// is counted; a pause that would end after the deadline ends the user instead.
func Run(ctx context.Context, cfg Config, step Step) *Report {
	if cfg.MaxErrors == 0 {
		cfg.MaxErrors = 10
	}
	start := time.Now()
	deadline := start.Add(cfg.Duration)
	per := make([][]sample, cfg.Users)
	var wg sync.WaitGroup
	for u := range cfg.Users {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(cfg.Seed, uint64(u)))
			out := make([]sample, 0, 64)
			least := 0
			if cfg.MinSteps != nil {
				least = cfg.MinSteps(u)
			}
			// until is the deadline of user u's next pause: none while it owes steps.
			until := func(i int) time.Time {
				if i < least {
					return time.Time{}
				}
				return deadline
			}
			if cfg.ThinkMax > 0 && !pause(ctx, until(0), randDuration(rng, 0, cfg.ThinkMax)) {
				return
			}
			for i := 0; ctx.Err() == nil && (i < least || time.Now().Before(deadline)); i++ {
				t0 := time.Now()
				kind, err := step(ctx, u, i)
				out = append(out, sample{kind, time.Since(t0), err})
				if cfg.ThinkMax > 0 && !pause(ctx, until(i+1), randDuration(rng, cfg.ThinkMin, cfg.ThinkMax)) {
					break
				}
			}
			per[u] = out
		})
	}
	wg.Wait()
	return summarize(cfg, per, time.Since(start))
}

// randDuration is a duration drawn uniformly from [lo, hi].
func randDuration(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(rng.Int64N(int64(hi-lo)+1))
}

// pause sleeps d and reports whether the user goes on: not when ctx ends first, or
// when the pause would end after the deadline (a zero deadline: none).
func pause(ctx context.Context, deadline time.Time, d time.Duration) bool {
	if !deadline.IsZero() && time.Now().Add(d).After(deadline) {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func summarize(cfg Config, per [][]sample, elapsed time.Duration) *Report {
	rep := &Report{Users: cfg.Users, Elapsed: elapsed}
	byKind := map[string][]sample{}
	var all []sample
	for _, ss := range per {
		for _, s := range ss {
			byKind[s.kind] = append(byKind[s.kind], s)
			all = append(all, s)
			if s.err != nil && len(rep.Failures) < cfg.MaxErrors {
				rep.Failures = append(rep.Failures, fmt.Sprintf("%s: %v", s.kind, s.err))
			}
		}
	}
	rep.All = stats("all", all, elapsed)
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		rep.Kinds = append(rep.Kinds, stats(k, byKind[k], elapsed))
	}
	return rep
}

// stats sorts the latencies of ss (failed requests included: a slow error is slow).
func stats(kind string, ss []sample, elapsed time.Duration) Stats {
	st := Stats{Kind: kind, Count: len(ss)}
	if len(ss) == 0 {
		return st
	}
	ds := make([]time.Duration, len(ss))
	var sum time.Duration
	for i, s := range ss {
		ds[i] = s.d
		sum += s.d
		if s.err != nil {
			st.Errors++
		}
	}
	slices.Sort(ds)
	st.P50, st.P90, st.P95, st.P99 = Quantile(ds, 0.50), Quantile(ds, 0.90), Quantile(ds, 0.95), Quantile(ds, 0.99)
	st.Max, st.Mean = ds[len(ds)-1], sum/time.Duration(len(ds))
	if elapsed > 0 {
		st.PerSecond = float64(len(ds)) / elapsed.Seconds()
	}
	return st
}

// Quantile is the nearest-rank q-quantile of sorted durations: the smallest value
// with at least q of the samples at or below it.
func Quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(q*float64(len(sorted)) + 0.999999999)
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// Errors is the number of failed requests.
func (r *Report) Errors() int { return r.All.Errors }

// Write prints the report as a table: one row per kind, then the total.
func (r *Report) Write(w io.Writer) {
	fmt.Fprintf(w, "%-15s %8s %6s %8s %8s %8s %8s %8s %8s\n", "page", "requests", "errors", "req/s", "p50", "p90", "p95", "p99", "max")
	row := func(s Stats) {
		fmt.Fprintf(w, "%-15s %8d %6d %8.1f %8s %8s %8s %8s %8s\n", s.Kind, s.Count, s.Errors, s.PerSecond, ms(s.P50), ms(s.P90), ms(s.P95), ms(s.P99), ms(s.Max))
	}
	for _, s := range r.Kinds {
		row(s)
	}
	row(r.All)
	for _, f := range r.Failures {
		fmt.Fprintf(w, "error: %s\n", f)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
