package engine_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"ziping/engine"
)

// TestStreamEqualsEvaluate: the streamed results come in the order of the units,
// each equal to Evaluate's, with one worker and with more workers than cores.
func TestStreamEqualsEvaluate(t *testing.T) {
	ds := benchData(t, 60, 3000, 0)
	p := builtin(t, "lxzz-county")
	units := make([]int, 0, len(ds.Units))
	for u := len(ds.Units) - 1; u >= 0; u -= 2 { // a scrambled subset
		units = append(units, u)
	}
	want, err := p.Evaluate(ds, engine.Options{Units: units})
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2, 7} {
		var got []*engine.Result
		err := engine.Stream(p, ds, engine.Options{Units: units, Workers: workers},
			func(k int, r *engine.Result) (*engine.Result, error) { return r, nil },
			func(k int, r *engine.Result) error {
				if k != len(got) {
					t.Fatalf("result %d handed on as %d", len(got), k)
				}
				got = append(got, r)
				return nil
			})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%d workers: streamed results differ from Evaluate's", workers)
		}
	}
}

// TestStreamStopsAtTheFirstError: an error from emit or prepare is returned and no
// later result is handed on.
func TestStreamStopsAtTheFirstError(t *testing.T) {
	ds := benchData(t, 60, 3000, 0)
	p := builtin(t, "yzjh-2017")
	stop := errors.New("disk full")
	emitted := 0
	err := engine.Stream(p, ds, engine.Options{Workers: 2},
		func(k int, r *engine.Result) (int, error) { return k, nil },
		func(k int, _ int) error {
			emitted++
			if k == 5 {
				return stop
			}
			return nil
		})
	if !errors.Is(err, stop) || emitted != 6 {
		t.Fatalf("err %v after %d results, want disk full after 6", err, emitted)
	}
	err = engine.Stream(p, ds, engine.Options{Workers: 2},
		func(k int, r *engine.Result) (int, error) {
			if k == 40 {
				return 0, stop
			}
			return k, nil
		},
		func(k int, _ int) error {
			if k >= 40 {
				t.Errorf("result %d handed on after the failed one", k)
			}
			return nil
		})
	if !errors.Is(err, stop) {
		t.Fatalf("err %v, want the error of prepare", err)
	}
}

// TestStandingsRankAsRank: Standings orders and ranks units as Rank orders and ranks
// their results, with ties, for a graded and a verdict framework.
func TestStandingsRankAsRank(t *testing.T) {
	ds := benchData(t, 60, 3000, 0)
	for _, id := range []string{"lxzz-county", "yzjh-2017"} {
		p := builtin(t, id)
		res, err := p.Evaluate(ds, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		engine.Rank(res)
		st, err := p.Standings(ds, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ties := 0
		for i, r := range res {
			s := st[i]
			if s.Unit != r.Unit || s.Rank != r.Rank || s.Tie != r.Tie || s.Total != r.Total || s.Verdict != r.Verdict ||
				s.Grade != r.Grade || s.Failing != len(r.Failing) || s.Pending != r.Pending || len(s.Areas) != len(r.Areas) {
				t.Fatalf("%s: standing %d is %+v, result %s rank %d", id, i, s, r.Unit.Code, r.Rank)
			}
			if ds.Units[s.Index] != r.Unit {
				t.Fatalf("%s: standing %d names unit %d", id, i, s.Index)
			}
			if s.Tie {
				ties++
			}
		}
		if id == "yzjh-2017" && ties == 0 {
			t.Fatalf("%s: no ties among %d counties: the test does not test ties", id, len(res))
		}
	}
}

// TestNoDetails: Options.NoDetails leaves out the rules' details and nothing else;
// without it, the points that lost to a metric have theirs.
func TestNoDetails(t *testing.T) {
	ds := benchData(t, 60, 3000, 0)
	for _, id := range []string{"lxzz-county", "yzjh-2017"} {
		p := builtin(t, id)
		want, err := p.Evaluate(ds, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.Evaluate(ds, engine.Options{NoDetails: true})
		if err != nil {
			t.Fatal(err)
		}
		details := 0
		for _, r := range want {
			for ai := range r.Areas {
				for pi := range r.Areas[ai].Points {
					details += len(r.Areas[ai].Points[pi].Details)
					r.Areas[ai].Points[pi].Details = nil
				}
			}
			for bi := range r.Bonus {
				details += len(r.Bonus[bi].Details)
				r.Bonus[bi].Details = nil
			}
		}
		if details == 0 {
			t.Fatalf("%s: no details without NoDetails: nothing is tested", id)
		}
		// NaN values (metrics that cannot be computed) equal themselves here.
		if d := cmp.Diff(want, got, cmpopts.EquateNaNs(), cmp.AllowUnexported(engine.MetricValue{})); d != "" {
			t.Fatalf("%s: NoDetails changed more than the details:\n%s", id, d)
		}
	}
}
