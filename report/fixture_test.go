package report

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"ziping"

	"github.com/google/go-cmp/cmp"

	"ziping/engine"
	"ziping/frameworks"
	"ziping/xlsx"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// The fixed synthetic counties of testdata/counties (青山市, 2023 and 2024):
//
//	990201 青溪县 — a model county: every standard met, every checklist item ticked,
//	               every manual point at its maximum, no veto: no problem at all.
//	990202 石门县 — many problems: an oversize school, large classes, schools below the
//	               resource standards, wide gaps between schools, spending down, pay
//	               below civil servants, half the checklist items, manual points at
//	               half with justifications that end in 「。」 and 「扣0.5分。」, and
//	               (lxzz-county) a veto that caps the grade.
//	990203 云岭县 — pending: good data, but nobody has scored the people's points.
const (
	modelCounty   = "990201"
	manyCounty    = "990202"
	pendingCounty = "990203"
)

var fixtureData = struct {
	sync.Mutex
	ds map[string]*engine.Dataset
}{ds: map[string]*engine.Dataset{}}

// fixture evaluates one of the fixed counties under a built-in framework, with the
// people's part its description says.
func fixture(t testing.TB, fwID, county string) (*engine.Result, *engine.Framework) {
	t.Helper()
	prog, err := frameworks.Builtin(fwID)
	if err != nil {
		t.Fatal(err)
	}
	fixtureData.Lock()
	ds := fixtureData.ds[fwID]
	if ds == nil {
		opt := xlsx.ReadOptions{}
		if prog.FW.Split != nil {
			opt.Split = *prog.FW.Split
		}
		dir := filepath.Join("testdata", "counties")
		ds, err = xlsx.Read([]string{filepath.Join(dir, "学校.csv"), filepath.Join(dir, "区县.csv")}, opt)
		if err != nil {
			fixtureData.Unlock()
			t.Fatal(err)
		}
		fixtureData.ds[fwID] = ds
	}
	fixtureData.Unlock()
	in := map[string]*engine.Inputs{}
	switch county {
	case modelCounty:
		in[county] = peopleInputs(prog.FW, 1, nil)
	case manyCounty:
		var vetoes map[string]string
		if fwID == "lxzz-county" {
			vetoes = map[string]string{"V2": "2023年9月，马坪镇中心小学一名学生课间在校内摔伤致重伤，已按程序处置并追责。"}
		}
		in[county] = peopleInputs(prog.FW, 0.5, vetoes)
	}
	res, err := prog.Evaluate(ds, engine.Options{Period: 2024, Units: []int{ds.UnitIndex(county)}, Inputs: in})
	if err != nil {
		t.Fatal(err)
	}
	return res[0], prog.FW
}

// peopleInputs scores the people's part of every point: each checklist with the
// share of its items ticked (1: all; 0.5: every other one), each manual point at
// that share of its maximum, bonus items at 0; the vetoes in triggered are decided
// triggered with their justification, the other manual vetoes not triggered.
func peopleInputs(fw *engine.Framework, share float64, triggered map[string]string) *engine.Inputs {
	in := &engine.Inputs{Points: map[string]engine.PointInput{}, Vetoes: map[string]engine.VetoInput{}}
	justifications := []string{"相关制度已建立，但部分学校工作台账不完整，扣0.5分。", "部分乡镇落实不到位。", "佐证材料不全；"}
	k := 0
	for _, a := range fw.Areas {
		for _, p := range a.Points {
			for _, r := range p.Rules {
				switch r.Kind {
				case engine.RuleChecklist:
					ids := []string{}
					for i, it := range r.Items {
						if share == 1 || i%2 == 1 {
							ids = append(ids, it.ID)
						}
					}
					in.Points[p.Code] = engine.PointInput{Checked: ids}
				case engine.RuleManual:
					score := r.Points * share
					why := "材料齐全，工作扎实。"
					if share < 1 {
						why = justifications[k%len(justifications)]
						k++
					}
					in.Points[p.Code] = engine.PointInput{Score: &score, Justification: why}
				}
			}
		}
	}
	if fw.Bonus != nil {
		for _, b := range fw.Bonus.Items {
			if r := b.Rules[0]; r.Kind == engine.RuleManual {
				zero := 0.0
				in.Points[b.Code] = engine.PointInput{Score: &zero, Justification: "本年度未获表彰"}
			} else {
				in.Points[b.Code] = engine.PointInput{Checked: []string{}}
			}
		}
	}
	for _, v := range fw.Vetoes {
		if !v.Manual {
			continue
		}
		why, on := triggered[v.Code]
		in.Vetoes[v.Code] = engine.VetoInput{Triggered: on, Justification: why}
	}
	return in
}

// fixtureDate is the 成文日期 of the golden reports.
var fixtureDate = time.Date(2025, 3, 28, 9, 0, 0, 0, ziping.Zone())

// TestGoldenReports writes the generated text of both built-in frameworks for the
// three fixed counties, and the self_first layout for the county with many
// problems, as Markdown in testdata/golden (go test ./report -update to refresh).
// These are the files to read as the clerk who signs the report.
func TestGoldenReports(t *testing.T) {
	for _, fwID := range []string{"lxzz-county", "yzjh-2017"} {
		for _, c := range []struct{ county, name, layout string }{
			{modelCounty, "model", ""}, {manyCounty, "many", ""}, {pendingCounty, "pending", ""},
			{manyCounty, "many-self_first", engine.LayoutSelfFirst},
		} {
			t.Run(fwID+"-"+c.name, func(t *testing.T) {
				res, fw := fixture(t, fwID, c.county)
				r, err := Build(res, fw, nil, BuildOptions{Issuer: res.Unit.Name + "人民政府", Date: fixtureDate, Layout: c.layout})
				if err != nil {
					t.Fatal(err)
				}
				golden(t, filepath.Join("testdata", "golden", fwID+"-"+c.name+".md"), r.Markdown())
			})
		}
	}
}

// golden compares got with the file, or writes it under -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(got, "\n")); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}
