package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ziping"
	"ziping/frameworks"
	"ziping/postgres"
	"ziping/sqlite"
	"ziping/synth"
)

// TestMigrationsMatch: both dialects carry the same numbered migrations, so that a
// deployment can move between them.
func TestMigrationsMatch(t *testing.T) {
	s, p := sqlite.Migrations(), postgres.Migrations()
	if len(s) == 0 || !slices.Equal(s, p) {
		t.Errorf("sqlite migrations %v, postgres %v", s, p)
	}
}

func TestAdminCommands(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "z.db")
	data := fixture(t)
	step := func(want string, args ...string) string {
		t.Helper()
		out, errs, code := runCLI(t, append(args, "--db", db)...)
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("%v: exit %d\n%s%s\nwant %q", args, code, out, errs, want)
		}
		return out
	}
	step("数据库结构版本", "migrate")
	step("已添加单位 990000 示范省（province）", "unit", "add", "990000", "示范省", "--level", "province")
	step("已导入 2024 年度", "import", data)
	out := step("初始密码：", "user", "add", "wang", "--role", "filler", "--scope", "990102", "--name", "王老师")
	if pw := out[strings.Index(out, "：")+len("："):]; len(strings.TrimSpace(pw)) != 14 {
		t.Errorf("generated password %q", pw)
	}
	step("wang", "user", "list")
	step("审计记录完整", "audit", "verify")

	// A filler's scope must exist; a bad role is refused; nothing half-written.
	_, errs, code := runCLI(t, "user", "add", "zhao", "--role", "filler", "--scope", "123456", "--db", db)
	if code != 1 || !strings.Contains(errs, "没有代码为 123456 的单位") {
		t.Errorf("unknown scope: %d %s", code, errs)
	}
	_, errs, code = runCLI(t, "user", "add", "zhao", "--role", "boss", "--scope", "990102", "--db", db)
	if code != 1 || !strings.Contains(errs, "角色应为") {
		t.Errorf("bad role: %d %s", code, errs)
	}
}

func TestImportRefusedWhole(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "z.db")
	// No database yet: refused, and none made.
	if _, errs, code := runCLI(t, "import", fixture(t), "--db", db); code != 1 || !strings.Contains(errs, "数据库文件不存在") {
		t.Fatalf("import into no database: %d %s", code, errs)
	}
	if _, errs, code := runCLI(t, "migrate", "--db", db); code != 0 {
		t.Fatal(errs)
	}
	// No province unit yet: the import is refused and writes nothing.
	_, errs, code := runCLI(t, "import", fixture(t), "--db", db)
	if code != 1 || !strings.Contains(errs, "系统中没有省级单位 990000") {
		t.Fatalf("import without province: %d %s", code, errs)
	}
	// The only audit entries are the switch to the audit key and the built-in
	// frameworks seeded on opening.
	out, _, _ := runCLI(t, "audit", "verify", "--db", db)
	if !strings.Contains(out, fmt.Sprintf("共%d条", 1+len(frameworks.IDs()))) {
		t.Errorf("a refused import left audit entries: %s", out)
	}
}

func TestBuiltinFrameworksSeeded(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "z.db")
	for i := 0; i < 2; i++ { // seeding twice writes once
		if _, errs, code := runCLI(t, "migrate", "--db", db); code != 0 {
			t.Fatal(errs)
		}
	}
	svc, done, err := service(&env{ctx: context.Background(), getenv: func(string) string { return "" }}, db)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	fws, err := svc.Store.Frameworks(context.Background())
	if err != nil || len(fws) != len(frameworks.IDs()) {
		t.Fatalf("stored frameworks %v %v", fws, err)
	}
	for _, f := range fws {
		if !f.Builtin || len(f.Source) == 0 {
			t.Errorf("%s: %+v", f.ID, f)
		}
	}
	es, _ := svc.Store.Audit(context.Background(), ziping.AuditQuery{})
	if n := len(es); n != 1+len(fws) || es[n-1].Action != ziping.AuditActionKey {
		t.Errorf("%d audit entries, want %d (the key switch, then one framework_save each)", n, 1+len(fws))
	}
}

// TestImportPeriodOnly: `import --period 2024` of a file with 2023 and 2024 rows
// imports 2024 only and says on stderr what it left out. Before issue 9 it imported
// the 2023 rows too.
func TestImportPeriodOnly(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "z.db")
	if _, errs, code := runCLI(t, "unit", "add", "990000", "示范省", "--level", "province", "--db", db); code != 0 {
		t.Fatal(errs)
	}
	out, errs, code := runCLI(t, "import", fixture(t), "--period", "2024", "--db", db)
	if code != 0 || !strings.Contains(out, "已导入 2024 年度") || strings.Contains(out, "2023 年度") ||
		!strings.Contains(errs, "只导入2024年度的数据") || !strings.Contains(errs, "2023年度") {
		t.Fatalf("import --period 2024: %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	out, errs, code = runCLI(t, "import", fixture(t), "--period", "2019", "--db", db)
	if code != 1 || !strings.Contains(errs, "文件中没有2019年度的数据") {
		t.Errorf("import --period of a year the file lacks: %d %s %s", code, out, errs)
	}
}

// TestImportRefusesPreSplitFraction: a CSV whose nine-year school comes as stage
// rows with a class count worked out as a fraction (15.02) is refused whole, the
// cell named by file, row, column and value with what to give instead; nothing of
// the file is written, and the same file with the whole count then imports.
func TestImportRefusesPreSplitFraction(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "z.db")
	if _, errs, code := runCLI(t, "unit", "add", "990000", "示范省", "--level", "province", "--db", db); code != 0 {
		t.Fatal(errs)
	}
	data := filepath.Join(dir, "学校.csv")
	if _, err := writeDemoData(synth.Config{Counties: 3, Schools: 90, Kindergartens: 0, Seed: 42, Periods: []int{2024}}, data); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(data)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	header := strings.Split(lines[0], ",")
	stage, typ, classes := slices.Index(header, "学段"), slices.Index(header, "学校类别"), slices.Index(header, "班级数")
	row, was := 0, ""
	for i, l := range lines[1:] {
		f := strings.Split(l, ",")
		if len(f) > classes && f[stage] == "小学" && f[typ] == "九年一贯制学校" {
			row, was = i+2, f[classes]
			f[classes] = "15.02"
			lines[i+1] = strings.Join(f, ",")
			break
		}
	}
	if row == 0 {
		t.Fatal("the generated data has no stage row of a nine-year school")
	}
	if err := os.WriteFile(data, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	audit := func() string {
		t.Helper()
		out, errs, code := runCLI(t, "audit", "verify", "--db", db)
		if code != 0 {
			t.Fatal(errs)
		}
		return out
	}
	before := audit()
	out, errs, code := runCLI(t, "import", data, "--db", db)
	want := fmt.Sprintf("学校.csv 第%d行 列「%s 班级数」 值「15.02」: 应为整数：一贯制学校", row, string(rune('A'+classes)))
	if code != 1 || out != "" || !strings.Contains(errs, "导入失败，共1处错误，未导入任何数据") || !strings.Contains(errs, want) {
		t.Fatalf("import of a fractional class count: exit %d\nstdout: %s\nstderr: %s\nwant %q", code, out, errs, want)
	}
	if after := audit(); after != before {
		t.Errorf("a refused import wrote audit entries: %s, was %s", after, before)
	}
	if err := os.WriteFile(data, []byte(strings.Replace(strings.Join(lines, "\n"), ",15.02,", ","+was+",", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, errs, code := runCLI(t, "import", data, "--db", db); code != 0 || !strings.Contains(out, "已导入 2024 年度") {
		t.Errorf("the corrected file: exit %d %s %s", code, out, errs)
	}
}
