package main

import (
	"bufio"
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"strings"
	"text/tabwriter"
	"time"

	"ziping"
	"ziping/account"
)

func runMigrate(e *env, args []string) error {
	fs := newFlags(e, "migrate", "migrate [--db URL]")
	db := fs.String("db", "", "数据库：sqlite:文件 或 postgres://…（默认 ZIPING_DB 或 "+defaultDB+"）")
	auditFlags(e, fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	url := dbURL(e, *db)
	svc, done, err := creatingService(e, url)
	if err != nil {
		return err
	}
	defer done()
	v, err := svc.Store.SchemaVersion(e.ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s：数据库结构版本 %d，已是最新\n", redact(url), v)
	// Missing data is not a duty (issue 11): problems made from points the data
	// could not compute, before that blocked the acceptance, are marked 数据缺失.
	n, err := svc.Assess.MarkDataGaps(e.ctx, ziping.System)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(e.stdout, "已将%d个因数据缺失而生成的问题标为「数据缺失」（不属于整改问题，不计逾期）\n", n)
	}
	return nil
}

const unitUsage = `unit add CODE NAME --level province|city|county|school [--parent CODE] [--db URL]
       unit move SCHOOLCODE --to COUNTYCODE [--db URL]`

func runUnit(e *env, args []string) error {
	if len(args) >= 2 && args[0] == "move" {
		return unitMove(e, args[1:])
	}
	if len(args) < 3 || args[0] != "add" {
		return usagef("用法: ziping %s", unitUsage)
	}
	code, name := args[1], args[2]
	fs := newFlags(e, "unit add", unitUsage)
	level := fs.String("level", "", "层级：province、city、county 或 school")
	parent := fs.String("parent", "", "上级单位代码")
	db := fs.String("db", "", "数据库")
	auditFlags(e, fs)
	if err := parseFlags(fs, args[3:]); err != nil {
		return err
	}
	// The first unit, the root of the tree (no --parent), starts a new database;
	// any other unit goes into one that exists.
	open := service
	if *parent == "" {
		open = creatingService
	}
	svc, done, err := open(e, dbURL(e, *db))
	if err != nil {
		return err
	}
	defer done()
	u, err := svc.Data.AddUnit(e.ctx, ziping.System, code, name, *level, *parent)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已添加单位 %s %s（%s）\n", u.Code, u.Name, u.Level)
	return nil
}

// unitMove moves a school to another county: the one way a school changes units
// (an import never does), audited.
func unitMove(e *env, args []string) error {
	code := args[0]
	fs := newFlags(e, "unit move", unitUsage)
	to := fs.String("to", "", "调入的区县代码")
	db := fs.String("db", "", "数据库")
	auditFlags(e, fs)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *to == "" {
		return usagef("缺少 --to 调入的区县代码")
	}
	svc, done, err := service(e, dbURL(e, *db))
	if err != nil {
		return err
	}
	defer done()
	mv, err := svc.Data.MoveSchool(e.ctx, ziping.System, code, *to)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已将学校 %s 从 %s 调入 %s（%d 行数据随之调整）\n", code, mv.From.Name, mv.To.Name, mv.Rows)
	return nil
}

const userUsage = `user add USERNAME --role admin|reviewer|filler|viewer [--scope UNITCODE] [--name 姓名] [--password-stdin]
       user passwd USERNAME [--password-stdin]
       user disable|enable|unlock USERNAME
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
	case "disable", "enable", "unlock":
		return userState(e, args[0], args[1:])
	}
	return usagef("用法: ziping %s", userUsage)
}

func userAdd(e *env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usagef("缺少用户名")
	}
	nu := account.NewUser{Username: args[0]}
	fs := newFlags(e, "user add", userUsage)
	fs.StringVar(&nu.Role, "role", "", "角色")
	fs.StringVar(&nu.Scope, "scope", "", "所属单位代码（管理员以外必填）")
	fs.StringVar(&nu.Name, "name", "", "姓名")
	stdin := fs.Bool("password-stdin", false, "从标准输入读取密码（否则随机生成并显示）")
	db := fs.String("db", "", "数据库")
	auditFlags(e, fs)
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
	u, err := svc.Accounts.AddUser(e.ctx, ziping.System, nu)
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
	auditFlags(e, fs)
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
	if err := svc.Accounts.SetPassword(e.ctx, ziping.System, args[0], pw, ""); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已修改用户 %s 的密码，其已登录的会话全部结束\n", args[0])
	if shown {
		fmt.Fprintf(e.stdout, "新密码：%s\n", pw)
	}
	return nil
}

// userState disables, enables or unlocks a user. Disabling ends its sessions at
// once.
func userState(e *env, verb string, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usagef("缺少用户名")
	}
	fs := newFlags(e, "user "+verb, userUsage)
	db := fs.String("db", "", "数据库")
	auditFlags(e, fs)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	svc, done, err := service(e, dbURL(e, *db))
	if err != nil {
		return err
	}
	defer done()
	switch verb {
	case "disable", "enable":
		if _, err := svc.Accounts.SetDisabled(e.ctx, ziping.System, args[0], verb == "disable"); err != nil {
			return err
		}
		if verb == "disable" {
			fmt.Fprintf(e.stdout, "已停用用户 %s，其已登录的会话全部结束\n", args[0])
		} else {
			fmt.Fprintf(e.stdout, "已启用用户 %s\n", args[0])
		}
	default:
		if _, err := svc.Accounts.Unlock(e.ctx, ziping.System, args[0]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已解除用户 %s 因密码错误造成的锁定\n", args[0])
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
	users, err := svc.Accounts.Users(e.ctx, ziping.System)
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
		if u.LockedUntil.After(svc.Accounts.Now()) {
			state += "（锁定至" + u.LockedUntil.In(time.Local).Format("15:04") + "）"
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
