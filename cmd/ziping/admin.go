package main

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"ziping"
	"ziping/frameworks"
)

func runMigrate(e *env, args []string) error {
	fs := newFlags(e, "migrate", "migrate [--db URL]")
	db := fs.String("db", "", "数据库：sqlite:文件 或 postgres://…（默认 ZIPING_DB 或 "+defaultDB+"）")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	url := dbURL(e, *db)
	svc, done, err := service(e, url)
	if err != nil {
		return err
	}
	defer done()
	v, err := svc.Store.SchemaVersion(e.ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s：数据库结构版本 %d，已是最新\n", redact(url), v)
	return nil
}

const unitUsage = "unit add CODE NAME --level province|city|county|school [--parent CODE] [--db URL]"

func runUnit(e *env, args []string) error {
	if len(args) < 3 || args[0] != "add" {
		return usagef("用法: ziping %s", unitUsage)
	}
	code, name := args[1], args[2]
	fs := newFlags(e, "unit add", unitUsage)
	level := fs.String("level", "", "层级：province、city、county 或 school")
	parent := fs.String("parent", "", "上级单位代码")
	db := fs.String("db", "", "数据库")
	if err := parseFlags(fs, args[3:]); err != nil {
		return err
	}
	svc, done, err := service(e, dbURL(e, *db))
	if err != nil {
		return err
	}
	defer done()
	u, err := svc.AddUnit(e.ctx, ziping.System, code, name, *level, *parent)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已添加单位 %s %s（%s）\n", u.Code, u.Name, u.Level)
	return nil
}

const userUsage = `user add USERNAME --role admin|reviewer|filler|viewer [--scope UNITCODE] [--name 姓名] [--password-stdin]
       user passwd USERNAME [--password-stdin]
       user list`

func runUser(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("用法: ziping %s", userUsage)
	}
	switch args[0] {
	case "add":
		return userAdd(e, args[1:])
	case "passwd":
		return userPasswd(e, args[1:])
	case "list":
		return userList(e, args[1:])
	}
	return usagef("用法: ziping %s", userUsage)
}

func userAdd(e *env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usagef("缺少用户名")
	}
	nu := ziping.NewUser{Username: args[0]}
	fs := newFlags(e, "user add", userUsage)
	fs.StringVar(&nu.Role, "role", "", "角色")
	fs.StringVar(&nu.Scope, "scope", "", "所属单位代码（管理员以外必填）")
	fs.StringVar(&nu.Name, "name", "", "姓名")
	stdin := fs.Bool("password-stdin", false, "从标准输入读取密码（否则随机生成并显示）")
	db := fs.String("db", "", "数据库")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	pw, shown, err := password(e, *stdin)
	if err != nil {
		return err
	}
	nu.Password = pw
	svc, done, err := service(e, dbURL(e, *db))
	if err != nil {
		return err
	}
	defer done()
	u, err := svc.AddUser(e.ctx, ziping.System, nu)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已添加用户 %s（%s）\n", u.Username, u.Role)
	if shown {
		fmt.Fprintf(e.stdout, "初始密码：%s\n", pw)
	}
	return nil
}

func userPasswd(e *env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usagef("缺少用户名")
	}
	fs := newFlags(e, "user passwd", userUsage)
	stdin := fs.Bool("password-stdin", false, "从标准输入读取新密码（否则随机生成并显示）")
	db := fs.String("db", "", "数据库")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	pw, shown, err := password(e, *stdin)
	if err != nil {
		return err
	}
	svc, done, err := service(e, dbURL(e, *db))
	if err != nil {
		return err
	}
	defer done()
	if err := svc.SetPassword(e.ctx, ziping.System, args[0], pw); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已修改用户 %s 的密码\n", args[0])
	if shown {
		fmt.Fprintf(e.stdout, "新密码：%s\n", pw)
	}
	return nil
}

func userList(e *env, args []string) error {
	fs := newFlags(e, "user list", userUsage)
	db := fs.String("db", "", "数据库")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	svc, done, err := service(e, dbURL(e, *db))
	if err != nil {
		return err
	}
	defer done()
	users, err := svc.Users(e.ctx, ziping.System)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "用户名\t姓名\t角色\t所属单位\t状态")
	for _, u := range users {
		scope := "—"
		if u.ScopeID != 0 {
			if unit, err := svc.Store.Unit(e.ctx, u.ScopeID); err == nil {
				scope = unit.Code + " " + unit.Name
			}
		}
		state := "正常"
		if u.Disabled {
			state = "停用"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.Name, u.Role, scope, state)
	}
	return tw.Flush()
}

// password reads a password from stdin, or makes a random one to show.
func password(e *env, fromStdin bool) (pw string, shown bool, err error) {
	if fromStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", false, err
		}
		return strings.TrimRight(line, "\r\n"), false, nil
	}
	return randomPassword(), true, nil
}

// randomPassword makes a 14-character password without look-alike characters,
// always with letters and digits.
func randomPassword() string {
	const letters, digits = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ", "23456789"
	pick := func(set string) byte {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
		return set[n.Int64()]
	}
	b := make([]byte, 14)
	for i := range b {
		if i%4 == 3 {
			b[i] = pick(digits)
		} else {
			b[i] = pick(letters)
		}
	}
	return string(b)
}

const importUsage = "import FILE... [--period YYYY] [--framework ID|FILE] [--db URL]"

// runImport reads spreadsheets with the engine's importer (all or nothing) and
// writes them to the store in one transaction with their audit entries.
func runImport(e *env, args []string) error {
	fs := newFlags(e, "import", importUsage)
	period := fs.Int("period", 0, "年度（数据没有年度列时必填）")
	fw := fs.String("framework", "yzjh-2017", "拆分一贯制学校时采用其权重的评价体系")
	db := fs.String("db", "", "数据库")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("缺少要导入的文件")
	}
	prog, err := frameworks.Resolve(*fw)
	if err != nil {
		return err
	}
	ds, err := readData(e.stderr, files, *period, prog)
	if err != nil {
		return err
	}
	svc, done, err := service(e, dbURL(e, *db))
	if err != nil {
		return err
	}
	defer done()
	sum, err := filesSHA256(files)
	if err != nil {
		return err
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = filepath.Base(f)
	}
	batches, err := svc.ImportDataset(e.ctx, ziping.System, ds, ziping.ImportSource{File: strings.Join(names, "、"), SHA256: sum})
	if err != nil {
		return err
	}
	for _, b := range batches {
		fmt.Fprintf(e.stdout, "已导入 %d 年度：%d 行学校数据、%d 个区县的区县数据（批次 %d）\n", b.Period, b.Schools, b.Facts, b.ID)
	}
	return nil
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments, which it returns.
func parseInterleaved(fs interface {
	Parse([]string) error
	Args() []string
}, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, &usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func filesSHA256(paths []string) (string, error) {
	h := sha256.New()
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return "", err
		}
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func runAudit(e *env, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return usagef("用法: ziping audit verify [--db URL]")
	}
	fs := newFlags(e, "audit verify", "audit verify [--db URL]")
	db := fs.String("db", "", "数据库")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	st, err := openStore(e.ctx, dbURL(e, *db))
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := ziping.VerifyAudit(e.ctx, st)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "审计记录完整：共%d条，逐条校验一致\n", n)
	return nil
}
