package loadtest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestQuantile(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.9, 90 * time.Millisecond}, {0.95, 95 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := Quantile(ds, c.q); got != c.want {
			t.Errorf("Quantile(%v) = %v, want %v", c.q, got, c.want)
		}
	}
	if Quantile(nil, 0.5) != 0 {
		t.Error("empty input")
	}
}

func TestRunCountsKindsAndErrors(t *testing.T) {
	rep := Run(context.Background(), Config{Users: 3, Duration: 50 * time.Millisecond}, func(ctx context.Context, u, i int) (string, error) {
		time.Sleep(time.Millisecond)
		if i%2 == 1 {
			return "odd", errors.New("boom")
		}
		return "even", nil
	})
	if rep.All.Count == 0 || len(rep.Kinds) != 2 || rep.Kinds[0].Kind != "even" || rep.Kinds[0].Errors != 0 {
		t.Fatalf("report %+v", rep)
	}
	if rep.Errors() != rep.Kinds[1].Count || len(rep.Failures) == 0 {
		t.Errorf("errors %d, odd requests %d, failures %v", rep.Errors(), rep.Kinds[1].Count, rep.Failures)
	}
}

// TestRunThinks: with a think time every user waits between its steps (and before
// its first), so a run of 300 ms with pauses of 40–60 ms makes at most 300/40 = 7
// steps a user, and at least one; the last pause never runs past the deadline.
func TestRunThinks(t *testing.T) {
	cfg := Config{Users: 5, Duration: 300 * time.Millisecond, ThinkMin: 40 * time.Millisecond, ThinkMax: 60 * time.Millisecond, Seed: 1}
	var mu sync.Mutex
	steps := map[int]int{}
	start := time.Now()
	rep := Run(context.Background(), cfg, func(ctx context.Context, u, i int) (string, error) {
		mu.Lock()
		steps[u]++
		mu.Unlock()
		return "page", nil
	})
	if el := time.Since(start); el > cfg.Duration+50*time.Millisecond {
		t.Errorf("the run took %v, past its %v", el, cfg.Duration)
	}
	total := 0
	for u := range cfg.Users {
		if n := steps[u]; n < 1 || n > 7 {
			t.Errorf("user %d made %d steps, want 1 to 7", u, n)
		}
		total += steps[u]
	}
	if rep.All.Count != total {
		t.Errorf("report counts %d steps, the users made %d", rep.All.Count, total)
	}
}

// TestMinSteps: a user owing steps makes them after the duration has passed, and
// its think time is not cut short by the deadline meanwhile.
func TestMinSteps(t *testing.T) {
	var mu sync.Mutex
	steps := map[int]int{}
	rep := Run(context.Background(), Config{Users: 3, Duration: time.Millisecond, ThinkMin: 2 * time.Millisecond, ThinkMax: 3 * time.Millisecond,
		MinSteps: func(u int) int { return 2 + u }}, func(ctx context.Context, u, i int) (string, error) {
		mu.Lock()
		steps[u]++
		mu.Unlock()
		return "page", nil
	})
	for u := range 3 {
		if steps[u] < 2+u {
			t.Errorf("user %d made %d steps, owed %d", u, steps[u], 2+u)
		}
	}
	if rep.All.Count < 2+3+4 {
		t.Errorf("the report counts %d steps, want at least 9", rep.All.Count)
	}
}
