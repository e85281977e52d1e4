package catalog_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"ziping"
	"ziping/assess"
	"ziping/catalog"
	"ziping/frameworks"
	"ziping/servicetest"
)

// builtin is the text of a built-in framework file.
func builtin(t *testing.T, id string) string {
	t.Helper()
	b, err := frameworks.FS.ReadFile(id + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// revised is xqpjph-2020 as a province revises it: version 2025.1, the 毛入园率 held to
// 90% instead of 85%.
func revised(t *testing.T) []byte {
	t.Helper()
	src := builtin(t, "xqpjph-2020")
	for _, r := range [][2]string{
		{`version: "2020.1"`, `version: "2025.1"`},
		{`metric: kg.gross_rate, op: ">=", value: 85}`, `metric: kg.gross_rate, op: ">=", value: 90}`},
	} {
		if !strings.Contains(src, r[0]) {
			t.Fatalf("xqpjph-2020.yaml has no %q", r[0])
		}
		src = strings.Replace(src, r[0], r[1], 1)
	}
	return []byte(src)
}

func TestCatalog(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) { testCatalog(t, servicetest.NewFlowOn(t, st.Open(t))) })
	}
}

func testCatalog(t *testing.T, f *servicetest.Flow) {
	f.User(t, "guan", ziping.RoleAdmin, "")
	admin := f.Actor(t, "guan")
	ctx, cat := f.Ctx, f.Catalog

	// Only administrators manage frameworks: a reviewer of the province is refused
	// every step, and nothing is stored.
	for name, err := range map[string]error{
		"upload":  second(cat.Upload(ctx, f.Reviewer, "x.yaml", revised(t))),
		"list":    second(cat.List(ctx, f.Filler)),
		"detail":  second(cat.Framework(ctx, f.Viewer, "xqpjph-2020")),
		"diff":    second(cat.Diff(ctx, f.Reviewer, "xqpjph-2020", "2020.1", "2020.1")),
		"period":  cat.SetPeriod(ctx, f.Reviewer, "xqpjph-2020", 2025, "2020.1"),
		"clear":   cat.ClearPeriod(ctx, f.Filler, "xqpjph-2020", 2025),
		"preview": third(cat.Program(ctx, f.Filler, "xqpjph-2020", "2020.1")),
	} {
		if servicetest.KindOf(err) != ziping.Forbidden {
			t.Errorf("%s as a non-admin: %v, want Forbidden", name, err)
		}
	}

	// A bad file: every problem with its line, nothing stored, nothing audited.
	before := f.LastAudit(t).Seq
	bad := strings.Replace(string(revised(t)), "kind: threshold, metric: kg.gross_rate", "kind: threshold, metric: kg.gross_rat", 1)
	bad = strings.Replace(bad, "name: 县域学前教育普及普惠督导评估", "name: 县域学前教育普及普惠督导评估\nnmae: 多余", 1)
	_, err := cat.Upload(ctx, admin, "我的学前.yaml", []byte(bad))
	var ps *catalog.Problems
	if servicetest.KindOf(err) != ziping.Invalid || !errors.As(err, &ps) || len(ps.Problems) == 0 {
		t.Fatalf("bad file: %v", err)
	}
	if p := ps.Problems[0]; p.File != "我的学前.yaml" || p.Line != 36 || !strings.Contains(p.Msg, "未知的键「nmae」") {
		t.Errorf("first problem of the bad file: %+v, want the unknown key nmae at line 36", p)
	}
	fixed := strings.Replace(bad, "\nnmae: 多余", "", 1)
	_, err = cat.Upload(ctx, admin, "我的学前.yaml", []byte(fixed))
	if !errors.As(err, &ps) || len(ps.Problems) != 1 || ps.Problems[0].Line != 108 || !strings.Contains(ps.Problems[0].Msg, "kg.gross_rat") {
		t.Fatalf("file with a misspelt metric: %v, want one problem at line 108", err)
	}
	if f.LastAudit(t).Seq != before {
		t.Error("a refused upload was audited")
	}
	if _, err := f.Store.Framework(ctx, "xqpjph-2020", "2025.1"); !ziping.IsNotFound(err) {
		t.Fatalf("a refused upload was stored: %v", err)
	}

	// A good file is stored and audited, and applies to no period until chosen.
	sf, err := cat.Upload(ctx, admin, "我的学前.yaml", revised(t))
	if err != nil {
		t.Fatal(err)
	}
	if sf.ID != "xqpjph-2020" || sf.Version != "2025.1" || sf.Builtin || sf.CreatedBy != admin.User.ID {
		t.Fatalf("stored: %+v", sf)
	}
	e := f.LastAudit(t)
	if e.Action != "framework_save" || e.Object != "framework:xqpjph-2020@2025.1" || e.UserID != admin.User.ID || !strings.Contains(e.New, `"previous":"2020.1"`) {
		t.Fatalf("audit of the upload: %+v", e)
	}
	for _, per := range []int{2024, 2025, 2030} {
		if v, err := f.Assess.VersionFor(ctx, "xqpjph-2020", per); err != nil || v != "2020.1" {
			t.Fatalf("before any choice %d applies %q %v, want the built-in 2020.1", per, v, err)
		}
	}
	// The same file again is the stored version, not a second save.
	if again, err := cat.Upload(ctx, admin, "again.yaml", revised(t)); err != nil || again.Version != "2025.1" || f.LastAudit(t).Seq != e.Seq {
		t.Fatalf("the same file again: %+v %v", again, err)
	}

	// The diff before choosing it: the threshold changed, with old and new.
	changes, err := cat.Diff(ctx, admin, "xqpjph-2020", "2020.1", "2025.1")
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, c := range changes {
		texts = append(texts, c.Text)
	}
	joined := strings.Join(texts, "\n")
	if len(changes) != 2 || !strings.Contains(joined, "85") || !strings.Contains(joined, "90") || !strings.Contains(joined, "2025.1") {
		t.Fatalf("diff 2020.1 → 2025.1:\n%s", joined)
	}

	// This year's assessment starts with the built-in version.
	cur := f.StartFW(t, "xqpjph-2020", 2024, false)
	if cur.FrameworkVersion != "2020.1" {
		t.Fatalf("2024 started with %s", cur.FrameworkVersion)
	}

	// Choosing 2025.1 from 2025 on: 2025 and later take it, 2024 keeps the built-in,
	// and an assessment started for 2025 uses it.
	if err := cat.SetPeriod(ctx, admin, "xqpjph-2020", 2025, "2025.1"); err != nil {
		t.Fatal(err)
	}
	if e := f.LastAudit(t); e.Action != "framework_period" || e.Object != "framework:xqpjph-2020/period:2025" || !strings.Contains(e.New, `"version":"2025.1"`) {
		t.Fatalf("audit of the choice: %+v", e)
	}
	for per, want := range map[int]string{2024: "2020.1", 2025: "2025.1", 2031: "2025.1"} {
		if v, _ := f.Assess.VersionFor(ctx, "xqpjph-2020", per); v != want {
			t.Errorf("%d applies %q, want %q", per, v, want)
		}
	}
	next := f.StartFW(t, "xqpjph-2020", 2025, false)
	if next.FrameworkVersion != "2025.1" {
		t.Fatalf("2025 started with %s", next.FrameworkVersion)
	}

	// A choice that would move 2024, whose assessment uses 2020.1, is refused,
	// directly or from an earlier year.
	for _, per := range []int{2024, 2023} {
		if err := cat.SetPeriod(ctx, admin, "xqpjph-2020", per, "2025.1"); servicetest.KindOf(err) != ziping.Conflict || !strings.Contains(err.Error(), "2024年度已有1项自评使用版本「2020.1」") {
			t.Fatalf("choosing 2025.1 from %d: %v", per, err)
		}
	}
	// Clearing 2025 would move its assessment back to 2020.1: refused as well.
	if err := cat.ClearPeriod(ctx, admin, "xqpjph-2020", 2025); servicetest.KindOf(err) != ziping.Conflict {
		t.Fatalf("clearing 2025: %v", err)
	}
	// Choosing 2020.1 for 2024 itself changes nothing it uses: allowed, and cleared again.
	if err := cat.SetPeriod(ctx, admin, "xqpjph-2020", 2024, "2020.1"); err != nil {
		t.Fatal(err)
	}
	if err := cat.ClearPeriod(ctx, admin, "xqpjph-2020", 2024); err != nil {
		t.Fatal(err)
	}
	if err := cat.SetPeriod(ctx, admin, "xqpjph-2020", 2026, "2099.1"); servicetest.KindOf(err) != ziping.NotFound {
		t.Fatalf("choosing a version not stored: %v", err)
	}
	if err := cat.SetPeriod(ctx, admin, "xqpjph-2020", 99, "2025.1"); servicetest.KindOf(err) != ziping.Invalid {
		t.Fatalf("choosing for year 99: %v", err)
	}

	// The catalog says which version applies when, and who uses it.
	fw, err := cat.Framework(ctx, admin, "xqpjph-2020")
	if err != nil {
		t.Fatal(err)
	}
	if len(fw.Versions) != 2 || fw.Versions[0].Version != "2025.1" || fw.Versions[0].Applies != "2025年度起" || fw.Versions[0].Assessments != 1 ||
		fw.Versions[1].Version != "2020.1" || fw.Versions[1].Assessments != 1 || !fw.Versions[1].Builtin || fw.Versions[1].Applies != "2025年度以前" {
		t.Fatalf("catalog of xqpjph-2020: %+v", fw.Versions)
	}
	list, err := cat.List(ctx, admin)
	if err != nil || len(list) != len(frameworks.IDs()) {
		t.Fatalf("list: %d %v", len(list), err)
	}

	// A framework of a new id has no built-in version: it applies nowhere until chosen.
	own := strings.Replace(builtin(t, "jbjh-2012"), "id: jbjh-2012", "id: my-jbjh", 1)
	if _, err := cat.Upload(ctx, admin, "my.yaml", []byte(own)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Assess.VersionFor(ctx, "my-jbjh", 2024); servicetest.KindOf(err) != ziping.NotFound || !strings.Contains(err.Error(), "尚未选定适用于2024年度的版本") {
		t.Fatalf("a new framework before any choice: %v", err)
	}
	if _, err := f.Assess.StartAssessment(ctx, f.Filler, "my-jbjh", f.County, 2024, false); servicetest.KindOf(err) != ziping.NotFound {
		t.Fatalf("starting a new framework before any choice: %v", err)
	}
	if err := cat.SetPeriod(ctx, admin, "my-jbjh", 2024, "2012.1"); err != nil {
		t.Fatal(err)
	}
	if as, err := f.Assess.StartAssessment(ctx, f.Filler, "my-jbjh", f.County, 2024, false); err != nil || as.FrameworkVersion != "2012.1" {
		t.Fatalf("starting it once chosen: %+v %v", as, err)
	}
	if list, _ = cat.List(ctx, admin); len(list) != len(frameworks.IDs())+1 {
		t.Fatalf("list after a new framework: %d", len(list))
	}
}

// TestVersionNeverEditedInPlace: once an assessment uses a version, no upload
// changes it — the stored file stays byte for byte, and the assessment is still
// evaluated by it.
func TestVersionNeverEditedInPlace(t *testing.T) {
	for _, st := range servicetest.Stores {
		t.Run(st.Name, func(t *testing.T) {
			f := servicetest.NewFlowOn(t, st.Open(t))
			as := f.StartFW(t, "xqpjph-2020", 2024, false)
			title := f.View(t, f.Filler, as.ID).Program.FW.Areas[0].Points[0].Title
			orig, err := f.Store.Framework(f.Ctx, "xqpjph-2020", "2020.1")
			if err != nil {
				t.Fatal(err)
			}
			// The same id and version with another title for point 1.
			edited := strings.Replace(builtin(t, "xqpjph-2020"), "title: "+title, "title: 改过的标题", 1)
			if edited == builtin(t, "xqpjph-2020") {
				t.Fatalf("no title %q to change", title)
			}
			_, err = f.Catalog.Upload(f.Ctx, ziping.System, "改.yaml", []byte(edited))
			if servicetest.KindOf(err) != ziping.Conflict || !strings.Contains(err.Error(), "已有1项自评使用该版本") {
				t.Fatalf("editing a version in use: %v", err)
			}
			now, err := f.Store.Framework(f.Ctx, "xqpjph-2020", "2020.1")
			if err != nil || !bytes.Equal(now.Source, orig.Source) {
				t.Fatalf("the stored version changed: %v", err)
			}
			// A fresh service (another instance, no cache) evaluates it by the same file.
			fresh := servicetest.Wire(f.Store, servicetest.FastHasher(), f.Clock.Now)
			v, err := fresh.Assess.Assessment(f.Ctx, ziping.System, as.ID)
			if err != nil || v.Program.FW.Areas[0].Points[0].Title != title {
				t.Fatalf("after the refused edit the assessment reads %v %v", v, err)
			}
		})
	}
}

func second[T any](_ T, err error) error        { return err }
func third[T, U any](_ T, _ U, err error) error { return err }

func TestAppliesText(t *testing.T) {
	choices := []ziping.FrameworkPeriod{{Period: 2021, Version: "a"}, {Period: 2022, Version: "b"}, {Period: 2024, Version: "a"}, {Period: 2026, Version: "c"}}
	for _, tc := range []struct {
		version  string
		fallback bool
		want     string
	}{
		{"a", false, "2021年度、2024—2025年度"},
		{"b", false, "2022—2023年度"},
		{"c", false, "2026年度起"},
		{"d", true, "2021年度以前"},
		{"a", true, "2021年度以前、2021年度、2024—2025年度"},
		{"x", false, ""},
	} {
		if got := catalog.AppliesText(choices, tc.version, tc.fallback); got != tc.want {
			t.Errorf("%s (fallback %v): %q, want %q", tc.version, tc.fallback, got, tc.want)
		}
	}
	if got := catalog.AppliesText(nil, "d", true); got != "未另选版本的各年度" {
		t.Errorf("no choices: %q", got)
	}
}

// racingStore is a store on which an administrator chooses version 2025.1 for 2024
// right after an assessment's start has read which version applies.
type racingStore struct {
	ziping.Store
	done bool
}

func (r *racingStore) FrameworkPeriods(ctx context.Context, id string) ([]ziping.FrameworkPeriod, error) {
	list, err := r.Store.FrameworkPeriods(ctx, id)
	if !r.done {
		r.done = true
		err = errors.Join(err, r.Store.SetFrameworkPeriod(ctx, &ziping.FrameworkPeriod{Framework: id, Period: 2024, Version: "2025.1"}))
	}
	return list, err
}

// TestStartRacesAChoice: a start that read the version a choice has just replaced
// is refused rather than mixing two versions in one period.
func TestStartRacesAChoice(t *testing.T) {
	f := servicetest.NewFlow(t)
	if _, err := f.Catalog.Upload(f.Ctx, ziping.System, "新.yaml", revised(t)); err != nil {
		t.Fatal(err)
	}
	as := assess.New(&racingStore{Store: f.Store}, f.Data, f.Audit)
	_, err := as.StartAssessment(f.Ctx, f.Filler, "xqpjph-2020", f.County, 2024, false)
	if servicetest.KindOf(err) != ziping.Conflict || !strings.Contains(err.Error(), "版本刚刚改变") {
		t.Fatalf("start across a choice: %v", err)
	}
	// Started again, it takes the version chosen.
	got, err := f.Assess.StartAssessment(f.Ctx, f.Filler, "xqpjph-2020", f.County, 2024, false)
	if err != nil || got.FrameworkVersion != "2025.1" {
		t.Fatalf("start after the choice: %+v %v", got, err)
	}
}
