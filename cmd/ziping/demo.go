package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"ziping"
	"ziping/account"
	"ziping/assess"
	"ziping/dataset"
	"ziping/docx"
	"ziping/engine"
	"ziping/frameworks"
	"ziping/synth"
	"ziping/web"
	"ziping/xlsx"
)

const demoUsage = `demo [--dir DIR] [--counties 8] [--schools 400] [--seed 1] [--addr 127.0.0.1:8080] [--no-serve]`

// runDemo makes a demo province and serves it: it generates the data, prints the
// county ranking and the score sheet of the county that lost most, builds a database
// with the province, its data and one user for every role (passwords printed), and
// serves the web application on it. The files stay in the folder for the evaluate
// commands it suggests.
func runDemo(e *env, args []string) error {
	fs := newFlags(e, "demo", demoUsage)
	dir := fs.String("dir", "", "放置示范数据的目录（默认新建临时目录）")
	counties := fs.Int("counties", 8, "区县数")
	schools := fs.Int("schools", 400, "学校总数")
	seed := fs.Uint64("seed", 1, "随机种子")
	addr := fs.String("addr", "127.0.0.1:8080", "网页服务的监听地址（被占用时自动换一个端口）")
	noServe := fs.Bool("no-serve", false, "只生成数据和数据库，不启动网页服务")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := demoDir(dir); err != nil {
		return err
	}
	if abs, err := filepath.Abs(*dir); err == nil {
		*dir = abs
	}
	fmt.Fprintf(e.stdout, "示范文件目录：%s（数据、人工评分和数据库 demo.db 都写在这里）\n\n", *dir)
	data := filepath.Join(*dir, "示范省.xlsx")
	cfg := synth.Config{Counties: *counties, Schools: *schools, Kindergartens: defaultKindergartens(*schools), Seed: *seed}
	if _, err := writeDemoData(cfg, data); err != nil {
		return err
	}
	ds, scores, err := demoFiles(e, data, *dir, *schools, *seed)
	if err != nil {
		return err
	}
	url := "sqlite:" + filepath.Join(*dir, "demo.db")
	svc, done, err := creatingService(e, url)
	if err != nil {
		return err
	}
	defer done()
	if err := demoDatabase(e, svc, ds, data); err != nil {
		return err
	}
	counts, err := demoAssessments(e.ctx, svc, ds, *seed)
	if err != nil {
		return fmt.Errorf("示范自评: %w", err)
	}
	fmt.Fprintf(e.stdout, "\n履职评价自评：填报中%d个、已提交%d个、已复核%d个、已公布%d个（上一年度均已公布，整改问题部分已验收）\n",
		counts[ziping.StatusDraft], counts[ziping.StatusSubmitted], counts[ziping.StatusReviewed], counts[ziping.StatusPublished])
	fmt.Fprintln(e.stdout, "  以 county 登录：区县页 › 自评与复核（评分、上传材料、写自评报告、提交）")
	fmt.Fprintln(e.stdout, "  以 duxue 登录：市页 › 评价排名、整改台账；已提交的自评可复核、退回或通过")
	if err := demoDueDate(e, svc, ds); err != nil {
		return fmt.Errorf("示范截止日期: %w", err)
	}
	if err := demoOtherFrameworks(e.ctx, e.stdout, svc, ds, *seed); err != nil {
		return fmt.Errorf("示范自评: %w", err)
	}
	periods := ds.PeriodList()
	rd, n, err := demoSurvey(e.ctx, svc, ds.Units[0].Code, periods[len(periods)-1], *seed)
	if err != nil {
		return fmt.Errorf("示范调查: %w", err)
	}
	fmt.Fprintf(e.stdout, "\n社会认可度调查：%s%d年度一轮，%d份模拟答卷（含集中提交、作答过快、某校占比过高等存疑答卷）\n", ds.Units[0].Name, rd.Period, n)
	fmt.Fprintf(e.stdout, "  以 county 登录：/surveys/%d（进度、存疑答卷、二维码）、/surveys/%d/result（认可度）\n", rd.ID, rd.ID)
	if err := demoRanking(e, svc, ds, data, scores); err != nil {
		return fmt.Errorf("示范排名: %w", err)
	}
	fmt.Fprintf(e.stdout, "\n数据库：%s\n  以后用 ziping serve --db %s 再次启动网页服务；删除目录 %s 即全部清除\n", filepath.Join(*dir, "demo.db"), url, *dir)
	if *noServe {
		return nil
	}
	return demoServe(e, svc, *addr)
}

func demoDir(dir *string) error {
	if *dir == "" {
		d, err := os.MkdirTemp("", "ziping-demo-")
		*dir = d
		return err
	}
	return os.MkdirAll(*dir, 0o755)
}

// demoFiles reads the demo file back as the lxzz framework sees it, writes the
// people's scores beside it and says where both are.
func demoFiles(e *env, data, dir string, schools int, seed uint64) (*engine.Dataset, string, error) {
	prog, err := frameworks.Builtin("lxzz-county")
	if err != nil {
		return nil, "", err
	}
	ds, err := readData(e.stderr, []string{data}, 0, prog)
	if err != nil {
		return nil, "", err
	}
	scores := filepath.Join(dir, "人工评分.yaml")
	if err := writeInputs(scores, demoInputs(prog.FW, ds, seed)); err != nil {
		return nil, "", err
	}
	fmt.Fprintf(e.stdout, "示范数据：%s（%d个区县、%d所学校、%d个年度）\n人工评分：%s\n", data, len(ds.Units), schools, len(ds.Periods), scores)
	return ds, scores, nil
}

// demoDatabase puts the demo province into the store with one user per role and
// prints their passwords.
func demoDatabase(e *env, svc *services, ds *engine.Dataset, data string) error {
	ctx := e.ctx
	if _, err := svc.Data.AddUnit(ctx, ziping.System, demoProvince, "示范省", ziping.LevelProvince, ""); err != nil {
		return err
	}
	if _, err := svc.Data.ImportDataset(ctx, ziping.System, ds, dataset.ImportSource{File: filepath.Base(data)}); err != nil {
		return err
	}
	county := ds.Units[0]
	schools, err := demoSchools(ds)
	if err != nil {
		return err
	}
	school := schools[0] // a compulsory school, which self-evaluates against 学校办学质量
	users := []account.NewUser{
		{Username: "admin", Name: "系统管理员", Role: ziping.RoleAdmin},
		{Username: "duxue", Name: "市督学", Role: ziping.RoleReviewer, Scope: county.ParentCode},
		{Username: "county", Name: county.Name + "督导室", Role: ziping.RoleFiller, Scope: county.Code},
		{Username: "school", Name: "学校填报员", Role: ziping.RoleFiller, Scope: school},
		{Username: "viewer", Name: "查看人员", Role: ziping.RoleViewer, Scope: ds.Units[len(ds.Units)-1].Code},
	}
	t := &textTable{}
	fmt.Fprintln(e.stdout, "\n示范账号（密码仅显示这一次）：")
	t.add("用户名", "密码", "角色", "范围")
	for _, nu := range users {
		nu.Password = randomPassword()
		if _, err := svc.Accounts.AddUser(ctx, ziping.System, nu); err != nil {
			return err
		}
		scope := nu.Scope
		if scope == "" {
			scope = "全部"
		}
		t.add(nu.Username, nu.Password, nu.Name, scope)
	}
	t.write(e.stdout, "  ")
	return nil
}

// demoServe serves the demo database, on another port when addr is taken.
func demoServe(e *env, svc *services, addr string) error {
	log, err := newLogger(e.stderr, "text")
	if err != nil {
		return err
	}
	app, err := web.New(svc.web(), log, web.Options{ScoreSheet: xlsx.WriteScoreSheet, Sheets: xlsx.WriteSheet, Letter: docx.WriteLetter, ReadExport: exportSheet})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "\n示范系统已启动：%s ，用上面的账号登录；按 Ctrl+C 停止\n", serverURL(ln.Addr()))
	return serve(e.ctx, ln, app, svc, log)
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

// demoDueDate sets the city's due date of this year's 履职评价 self-evaluations two
// weeks from today, so that the county's home counts the days to it.
func demoDueDate(e *env, svc *services, ds *engine.Dataset) error {
	city, err := svc.Store.UnitByCode(e.ctx, ds.Units[0].ParentCode)
	if err != nil {
		return err
	}
	periods := ds.PeriodList()
	cur := periods[len(periods)-1]
	due := ziping.DateOnly(ziping.LocalDay(time.Now())).AddDate(0, 0, 14)
	if _, err := svc.Assess.SetDueDate(e.ctx, ziping.System, city, "lxzz-county", cur, assess.DueDateInput{Date: due}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "  自评截止日期：%s设定%d年度履职评价自评于%s截止（duxue 可在工作台或评价排名页修改）\n", city.Name, cur, due.Format(time.DateOnly))
	return nil
}
