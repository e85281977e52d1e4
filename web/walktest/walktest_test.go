package walktest

import (
	"slices"
	"strings"
	"testing"
)

// TestCheck: an identifier in the text a user reads is found; inside code, a
// toggle, an attribute or a form's textarea it is not. A veto named as a point and
// an audit action without its name are found too.
func TestCheck(t *testing.T) {
	ids := Identifiers{}
	ids.Add("funding.edu_budget", "metric id")
	ids.Add("assessment_publish", "audit action")
	ids.Add("V1", "too short, no lower case") // not added
	if len(ids) != 2 {
		t.Fatalf("identifiers %v", ids)
	}
	f := NewFindings(ids)
	hidden := `<p title="funding.edu_budget">预算 <code>funding.edu_budget</code></p>
<details><summary>表达式</summary>assessment_publish</details><textarea>funding.edu_budget</textarea>`
	if err := f.Check("admin /a", hidden); err != nil || len(f.Leaks()) != 0 {
		t.Fatalf("hidden identifiers found: %v %v", err, f.Leaks())
	}
	shown := `<td>操作：assessment_publish</td><p>(funding.edu_budget/x) 测评点V1 测评点J2 其他操作</p>`
	for _, where := range []string{"admin /b", "admin /b", "viewer /c"} {
		if err := f.Check(where, shown); err != nil {
			t.Fatal(err)
		}
	}
	leaks := f.Leaks()
	if f.Pages != 4 || len(leaks) != 5 {
		t.Fatalf("%d pages, leaks:\n%s", f.Pages, strings.Join(leaks, "\n"))
	}
	for _, want := range []string{"assessment_publish (audit action) shown on admin /b, viewer /c", "funding.edu_budget (metric id)", "测评点V1", "测评点J2", "其他操作"} {
		if !slices.ContainsFunc(leaks, func(l string) bool { return strings.Contains(l, want) }) {
			t.Errorf("no leak %q in:\n%s", want, strings.Join(leaks, "\n"))
		}
	}
}

func TestFill(t *testing.T) {
	got := Fill("/units/{code}/explain/{metric}", map[string][]string{"code": {"1", "2"}, "metric": {"m"}})
	if want := []string{"/units/1/explain/m", "/units/2/explain/m"}; !slices.Equal(got, want) {
		t.Errorf("Fill: %v, want %v", got, want)
	}
	if got := Fill("/{$}", nil); !slices.Equal(got, []string{"/"}) {
		t.Errorf("Fill root: %v", got)
	}
	if got := Fill("/surveys/{id}", map[string][]string{"code": {"1"}}); got != nil {
		t.Errorf("Fill without values: %v", got)
	}
}
