package main

import (
	"fmt"
	"os"
	"path/filepath"

	yaml "go.yaml.in/yaml/v3"

	"ziping/engine"
	"ziping/frameworks"
	"ziping/synth"
)

const demoUsage = `demo [--dir DIR] [--counties 8] [--schools 400] [--seed 1]`

// runDemo generates a demo province, evaluates every county against the county
// framework with plausible people's scores, and prints the ranking and the score
// sheet of the county that lost most. The files stay in the folder for the
// evaluate commands it suggests.
func runDemo(e *env, args []string) error {
	fs := newFlags(e, "demo", demoUsage)
	dir := fs.String("dir", "", "放置示范数据的目录（默认新建临时目录）")
	counties := fs.Int("counties", 8, "区县数")
	schools := fs.Int("schools", 400, "学校总数")
	seed := fs.Uint64("seed", 1, "随机种子")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "ziping-demo-")
		if err != nil {
			return err
		}
		*dir = d
	} else if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	data := filepath.Join(*dir, "示范省.xlsx")
	cfg := synth.Config{Counties: *counties, Schools: *schools, Seed: *seed}
	if _, err := writeDemoData(cfg, data); err != nil {
		return err
	}
	prog, err := frameworks.Builtin("lxzz-county")
	if err != nil {
		return err
	}
	ds, err := readData([]string{data}, 0, prog)
	if err != nil {
		return err
	}
	scores := filepath.Join(*dir, "人工评分.yaml")
	inputs := demoInputs(prog.FW, ds, *seed)
	if err := writeInputs(scores, inputs); err != nil {
		return err
	}
	results, err := prog.Evaluate(ds, engine.Options{Inputs: inputs})
	if err != nil {
		return err
	}
	engine.Rank(results)
	fmt.Fprintf(e.stdout, "示范数据：%s（%d个区县、%d所学校、%d个年度）\n人工评分：%s\n\n", data, len(ds.Units), *schools, len(ds.Periods), scores)
	writeRanking(e.stdout, prog.FW, results)
	fmt.Fprintln(e.stdout)
	writeScoreSheet(e.stdout, prog.FW, results[len(results)-1])
	last := results[len(results)-1].Unit.Code
	fmt.Fprintf(e.stdout, "\n接着试试：\n  ziping evaluate --framework lxzz-county --data %s --scores %s --unit %s --explain --metric primary.cv.equipment_value_per_student\n", data, scores, last)
	fmt.Fprintf(e.stdout, "  ziping evaluate --framework yzjh-2017 --data %s --all\n", data)
	fmt.Fprintf(e.stdout, "  ziping evaluate --framework lxzz-county --data %s --scores %s --all --format xlsx -o 排名.xlsx\n", data, scores)
	return nil
}

// demoInputs makes plausible people's scores for every unit: most checklist items
// ticked, manual points a little below full with a justification, no veto.
func demoInputs(fw *engine.Framework, ds *engine.Dataset, seed uint64) map[string]*engine.Inputs {
	out := map[string]*engine.Inputs{}
	for ui, u := range ds.Units {
		in := &engine.Inputs{Points: map[string]engine.PointInput{}, Vetoes: map[string]engine.VetoInput{}}
		h := seed*2654435761 + uint64(ui)*40503
		each := func(pt *engine.Point) {
			h = h*6364136223846793005 + 1442695040888963407
			for _, r := range pt.Rules {
				switch r.Kind {
				case engine.RuleChecklist:
					var checked []string
					for k, it := range r.Items {
						if (h>>(k+7))%5 != 0 {
							checked = append(checked, it.ID)
						}
					}
					in.Points[pt.Code] = engine.PointInput{Checked: checked}
				case engine.RuleManual:
					lost := float64((h>>11)%3) * r.Points / 10
					just := "佐证材料齐全，工作落实到位"
					if lost > 0 {
						just = "相关制度已建立，但部分工作记录不完整"
					}
					s := r.Points - lost
					in.Points[pt.Code] = engine.PointInput{Score: &s, Justification: just}
				}
			}
		}
		for ai := range fw.Areas {
			for pi := range fw.Areas[ai].Points {
				each(&fw.Areas[ai].Points[pi])
			}
		}
		if fw.Bonus != nil {
			for i := range fw.Bonus.Items {
				if (h>>(i+3))%3 == 0 {
					each(&fw.Bonus.Items[i])
				}
			}
		}
		for _, v := range fw.Vetoes {
			if v.Manual {
				in.Vetoes[v.Code] = engine.VetoInput{Triggered: false}
			}
		}
		out[u.Code] = in
	}
	return out
}

func writeInputs(path string, in map[string]*engine.Inputs) error {
	data, err := yaml.Marshal(in)
	if err != nil {
		return err
	}
	head := "# 人工评分（示范数据自动生成）：区县代码 → 测评点得分、勾选条目、否决项认定\n"
	return os.WriteFile(path, append([]byte(head), data...), 0o644)
}
