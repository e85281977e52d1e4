package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"ziping"
	"ziping/account"
	"ziping/synth"
)

// `bench import` (issue 12.4): a generated school file imported into a fresh SQLite
// database by `ziping import` and through the web (`ziping serve`, preview then
// confirm), each in its own process, whose peak memory and time are printed.

const benchImportUsage = `bench import [--rows 200000] [--format xlsx,csv] [--runs 3] [--web=true] [--cli=true] [--dir DIR]`

func runBenchImport(e *env, args []string) error {
	fs := newFlags(e, "bench import", benchImportUsage)
	rows := fs.Int("rows", 200000, "学校数（拆分一贯制学校后的学校数据行数略多）")
	formats := fs.String("format", "xlsx,csv", "文件格式，逗号分隔：xlsx、csv")
	runs := fs.Int("runs", 3, "每项重复次数，取中位数")
	web := fs.Bool("web", true, "测网页导入（预览、确认）")
	cli := fs.Bool("cli", true, "测命令行导入")
	dir := fs.String("dir", "", "放置生成数据和数据库的目录（默认临时目录，结束后删除）")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *rows < 1 || *runs < 1 {
		return usagef("--rows 和 --runs 应为正整数")
	}
	bin, err := os.Executable()
	if err != nil {
		return err
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "ziping-bench-import-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	for _, format := range strings.Split(*formats, ",") {
		format = strings.TrimSpace(format)
		if format != "xlsx" && format != "csv" {
			return usagef("--format 只能是 xlsx、csv")
		}
		files, err := importBenchFile(*dir, *rows, format)
		if err != nil {
			return err
		}
		st, _ := os.Stat(files[0])
		fmt.Fprintf(e.stdout, "%s：%d 所学校，%.1f MiB\n", filepath.Base(files[0]), *rows, float64(st.Size())/(1<<20))
		if *cli {
			var all []importMeasure
			for range *runs {
				m, err := measureCLIImport(bin, *dir, files)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "  命令行导入第%d次：%v，峰值内存 %d MiB\n", len(all)+1, m.took.Round(time.Millisecond), m.peak>>20)
				all = append(all, m)
			}
			m := medianImport(all)
			fmt.Fprintf(e.stdout, "  命令行导入 %d 行：%v，峰值内存 %d MiB（%d 次的中位数；峰值取最大）\n", m.rows, m.took.Round(time.Millisecond), m.peak>>20, *runs)
		}
		if *web {
			var all []importMeasure
			for range *runs {
				m, err := measureWebImport(bin, *dir, files)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "  网页导入第%d次：预览 %v、确认 %v，峰值内存 %d MiB\n", len(all)+1, m.preview.Round(time.Millisecond), m.took.Round(time.Millisecond), m.peak>>20)
				all = append(all, m)
			}
			m := medianImport(all)
			fmt.Fprintf(e.stdout, "  网页导入 %d 行：预览 %v、确认 %v，服务进程峰值内存 %d MiB（启动后空闲时 %d MiB；%d 次的中位数，峰值取最大）\n",
				m.rows, m.preview.Round(time.Millisecond), m.took.Round(time.Millisecond), m.peak>>20, m.idle>>20, *runs)
		}
	}
	return nil
}

// importMeasure is one measured import.
type importMeasure struct {
	rows       int           // school rows imported
	took       time.Duration // the import (CLI: the whole process; web: the confirmation)
	preview    time.Duration // web: the upload and its preview
	peak, idle int64         // bytes: the peak resident memory; web: the server's before the upload
}

// medianImport is the import of median time, with the largest peak of all.
func medianImport(ms []importMeasure) importMeasure {
	s := slices.Clone(ms)
	slices.SortFunc(s, func(a, b importMeasure) int { return int(a.took - b.took) })
	m := s[len(s)/2]
	for _, x := range ms {
		m.peak, m.idle = max(m.peak, x.peak), max(m.idle, x.idle)
	}
	return m
}

// importBenchFile writes a generated province of n schools (one year, no
// kindergartens) as format into dir, unless there already; the school file first.
func importBenchFile(dir string, n int, format string) ([]string, error) {
	out := filepath.Join(dir, fmt.Sprintf("schools-%d.%s", n, format))
	files := []string{out}
	if format == "csv" {
		files = append(files, strings.TrimSuffix(out, ".csv")+".区县.csv")
	}
	if _, err := os.Stat(files[len(files)-1]); err == nil {
		return files, nil
	}
	cfg := synth.Config{Counties: max(2, n/2000), Schools: n, Seed: 3, Periods: []int{2024}}
	_, err := writeDemoData(cfg, out)
	return files, err
}

// importEnv is a fresh database under dir with the generated province's root unit.
func importEnv(dir string) (envMap map[string]string, cleanup func(), err error) {
	d, err := os.MkdirTemp(dir, "db-")
	if err != nil {
		return nil, nil, err
	}
	envMap = map[string]string{"ZIPING_DB": "sqlite:" + filepath.Join(d, "z.db"),
		"ZIPING_AUDIT_KEY_FILE": filepath.Join(d, "z.audit-key"), "ZIPING_AUDIT_CHECKPOINTS": filepath.Join(d, "z.cp")}
	e := &env{ctx: context.Background(), stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(k string) string { return envMap[k] }}
	svc, done, err := service(e, envMap["ZIPING_DB"])
	if err != nil {
		os.RemoveAll(d)
		return nil, nil, err
	}
	defer done()
	if _, err := svc.Data.AddUnit(e.ctx, ziping.System, "990000", "示范省", ziping.LevelProvince, ""); err != nil {
		os.RemoveAll(d)
		return nil, nil, err
	}
	if _, err := svc.Accounts.AddUser(e.ctx, ziping.System, account.NewUser{Username: "bench-admin", Password: benchImportPassword, Role: ziping.RoleAdmin}); err != nil {
		os.RemoveAll(d)
		return nil, nil, err
	}
	return envMap, func() { os.RemoveAll(d) }, nil
}

const benchImportPassword = "bench-import-secret"

func environ(envMap map[string]string) []string {
	out := os.Environ()
	for k, v := range envMap {
		out = append(out, k+"="+v)
	}
	return out
}

// measureCLIImport runs `ziping import files` into a fresh database.
func measureCLIImport(bin, dir string, files []string) (importMeasure, error) {
	envMap, cleanup, err := importEnv(dir)
	if err != nil {
		return importMeasure{}, err
	}
	defer cleanup()
	if _, err := os.Stat(gnuTime); err != nil {
		return importMeasure{}, fmt.Errorf("测峰值内存需要 %s（GNU time）", gnuTime)
	}
	peakFile := filepath.Join(filepath.Dir(strings.TrimPrefix(envMap["ZIPING_DB"], "sqlite:")), "peak")
	cmd := exec.Command(gnuTime, append([]string{"-f", "%M", "-o", peakFile, bin, "import"}, files...)...)
	cmd.Env = environ(envMap)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		return importMeasure{}, fmt.Errorf("ziping import: %v: %s", err, strings.TrimSpace(errb.String()))
	}
	m := importMeasure{took: time.Since(t0)}
	b, err := os.ReadFile(peakFile)
	if err != nil {
		return m, err
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return m, fmt.Errorf("GNU time 没有给出峰值内存")
	}
	kb, err := strconv.ParseInt(fields[len(fields)-1], 10, 64)
	m.peak = kb << 10
	m.rows = importedRows(out.String())
	return m, err
}

// importedRows adds up the school rows the import's output reports.
func importedRows(out string) int {
	n := 0
	for line := range strings.Lines(out) {
		if _, rest, ok := strings.Cut(line, "年度："); ok {
			var k int
			if _, err := fmt.Sscanf(rest, "%d", &k); err == nil {
				n += k
			}
		}
	}
	return n
}

// measureWebImport starts `ziping serve` on a fresh database, signs in as an admin,
// uploads the school file (and the counties' file of a CSV) for a preview at the
// province, confirms it, and reads the server's peak memory.
func measureWebImport(bin, dir string, files []string) (importMeasure, error) {
	envMap, cleanup, err := importEnv(dir)
	if err != nil {
		return importMeasure{}, err
	}
	defer cleanup()
	srv, err := startServer(bin, environ(envMap), "--max-upload", "100", "--max-unzip", "1024", "--max-rows", "1000000")
	if err != nil {
		return importMeasure{}, err
	}
	defer srv.stop()
	var m importMeasure
	c := &http.Client{Timeout: 30 * time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	session, err := webLogin(c, srv.base, "bench-admin", benchImportPassword)
	if err != nil {
		return m, err
	}
	// The sign-in's password hash takes 64 MiB: the peak is reset after it, so that
	// what is measured is the import's.
	pid := srv.cmd.Process.Pid
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		return m, fmt.Errorf("无法重置服务进程的峰值内存: %w", err)
	}
	if m.idle, err = vmHWM(pid); err != nil {
		return m, err
	}
	csrf, err := sessionCSRF(envMap, session)
	if err != nil {
		return m, err
	}
	for i, file := range files { // a CSV's counties' file is a second import
		data, err := os.ReadFile(file)
		if err != nil {
			return m, err
		}
		bw := &benchWeb{base: srv.base, client: c}
		t, err := bw.importOnceNamed(context.Background(), data, filepath.Base(file), session, csrf, "/units/990000")
		if err != nil {
			return m, fmt.Errorf("%s: %w\n%s", filepath.Base(file), err, srv.stderr.String())
		}
		if i == 0 {
			m.preview, m.took = t.preview, t.confirm
			if m.rows, err = schoolRowsOf(envMap, t.upload); err != nil {
				return m, err
			}
		}
	}
	m.peak, err = vmHWM(pid)
	return m, err
}

// schoolRowsOf counts the school rows an upload's import wrote.
func schoolRowsOf(envMap map[string]string, upload string) (int, error) {
	st, err := openStore(context.Background(), envMap["ZIPING_DB"])
	if err != nil {
		return 0, err
	}
	defer st.Close()
	bs, err := st.BatchesOfUpload(context.Background(), upload)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, b := range bs {
		n += b.Schools
	}
	return n, nil
}

func sessionCSRF(envMap map[string]string, session *http.Cookie) (string, error) {
	st, err := openStore(context.Background(), envMap["ZIPING_DB"])
	if err != nil {
		return "", err
	}
	defer st.Close()
	sess, err := st.Session(context.Background(), ziping.TokenHash(session.Value))
	if err != nil {
		return "", err
	}
	return sess.CSRF, nil
}

// server is a `ziping serve` child process.
type server struct {
	cmd    *exec.Cmd
	base   string
	stderr *bytes.Buffer
}

// startServer runs `ziping serve` on a free port of 127.0.0.1 and waits until it
// answers.
func startServer(bin string, env []string, flags ...string) (*server, error) {
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--log", "json"}, flags...)...)
	cmd.Env = env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, stderr: &bytes.Buffer{}}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	m := servingRE.FindStringSubmatch(line)
	if err != nil || m == nil {
		s.stop()
		return nil, fmt.Errorf("serve did not start: %q %v\n%s", line, err, s.stderr.String())
	}
	go io.Copy(io.Discard, stdout)
	s.base = m[1]
	for range 200 {
		if resp, err := http.Get(s.base + "/healthz"); err == nil {
			resp.Body.Close()
			return s, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("serve does not answer on %s", s.base)
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGINT)
	s.cmd.Wait()
}

// vmHWM is a live process's peak resident memory, in bytes.
func vmHWM(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}

// webLogin signs in and returns the session cookie.
func webLogin(c *http.Client, base, user, password string) (*http.Cookie, error) {
	resp, err := c.Get(base + "/login")
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	form := findCookie(resp.Cookies(), "ziping_login")
	if form == nil {
		return nil, fmt.Errorf("登录页没有给出表单令牌（%s）", resp.Status)
	}
	body := url.Values{"username": {user}, "password": {password}, "csrf": {form.Value}, "next": {"/"}}
	req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(body.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(form)
	resp, err = c.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	sess := findCookie(resp.Cookies(), "ziping_session")
	if sess == nil {
		return nil, fmt.Errorf("%s 登录失败：%s", user, resp.Status)
	}
	return &http.Cookie{Name: sess.Name, Value: sess.Value}, nil
}

// servingRE finds the address in serve's first line.
var servingRE = regexp.MustCompile(`(http://[^/]+)/`)
