package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"ziping/scripts"
)

// A whole process is what a user waits for: start-up, reading, evaluating, writing
// and exit, page faults of fresh memory included, none of which an in-process
// median sees. The bench runs `ziping evaluate` and the pandas reference as child
// processes, alternately, and compares their medians.

// procRun is one run of a child process.
type procRun struct {
	wall  time.Duration
	maxKB int64 // peak resident memory
}

// runProcess runs a command to completion and measures it; its output goes to out
// (stdout) and, on failure, into the error. The peak memory comes from GNU time
// (/usr/bin/time) when it is installed: a child's own rusage counts the peak of
// the process that started it (Linux carries the parent's high-water mark over fork
// and exec), and the bench's is large. Without it the peak is not measured (0).
func runProcess(name string, args []string, out *bytes.Buffer) (procRun, error) {
	var peak string
	if _, err := os.Stat(gnuTime); err == nil {
		f, err := os.CreateTemp("", "ziping-bench-time-")
		if err != nil {
			return procRun{}, err
		}
		f.Close()
		defer os.Remove(f.Name())
		peak = f.Name()
		args = append([]string{"-f", "%M", "-o", peak, name}, args...)
		name = gnuTime
	}
	cmd := exec.Command(name, args...)
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = out, &errb
	t := time.Now()
	err := cmd.Run()
	r := procRun{wall: time.Since(t)}
	if err != nil {
		return r, fmt.Errorf("%s %s: %v: %s", filepath.Base(name), strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	if peak != "" {
		b, _ := os.ReadFile(peak)
		fields := strings.Fields(string(b))
		if len(fields) > 0 {
			r.maxKB, _ = strconv.ParseInt(fields[len(fields)-1], 10, 64)
		}
	}
	return r, nil
}

// gnuTime measures a child's peak memory (its -f %M).
const gnuTime = "/usr/bin/time"

// medianRun is the run of median wall time, and the largest peak memory of all.
func medianRun(runs []procRun) procRun {
	if len(runs) == 0 {
		return procRun{}
	}
	s := slices.Clone(runs)
	slices.SortFunc(s, func(a, b procRun) int { return int(a.wall - b.wall) })
	m := s[len(s)/2]
	for _, r := range runs {
		m.maxKB = max(m.maxKB, r.maxKB)
	}
	return m
}

// pandas finds a Python with pandas and writes the reference script beside the data;
// ok is false, with the reason, when there is none.
func pandas(dir string) (python, script, why string) {
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		path, err := exec.LookPath(p)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import pandas").Run() == nil {
			python = path
			break
		}
	}
	if python == "" {
		return "", "", "未安装 pandas（Debian: apt-get install python3-pandas），不做对比"
	}
	script = filepath.Join(dir, "bench_pandas.py")
	if err := os.WriteFile(script, scripts.BenchPandas, 0o644); err != nil {
		return "", "", err.Error()
	}
	return python, script, ""
}
