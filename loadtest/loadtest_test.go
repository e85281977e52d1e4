package loadtest

import (
	"context"
	"errors"
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
	}{{0.5, 50 * time.Millisecond}, {0.9, 90 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}, {0, time.Millisecond}} {
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
