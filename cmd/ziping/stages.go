package main

import (
	"fmt"
	"io"
	"time"
)

// stages times the stages of a command when ZIPING_TIMES is set: the wall time of
// each, the CPU time the process spent in it, how many cores that kept busy, and
// the page faults (first touches of fresh memory, which cost more here than the
// work done on it). docs/BENCHMARKS.md explains a whole process with them. A nil
// *stages, when not asked for, does nothing.
type stages struct {
	w     io.Writer
	t0, t time.Time
	use   usage
	first usage
}

// usage is the process's CPU time and page faults so far.
type usage struct {
	cpu    time.Duration
	faults int64
}

func newStages(getenv func(string) string, w io.Writer) *stages {
	if getenv("ZIPING_TIMES") == "" {
		return nil
	}
	now, u := time.Now(), processUsage()
	return &stages{w: w, t0: now, t: now, use: u, first: u}
}

// mark ends the stage called name.
func (s *stages) mark(name string) {
	if s == nil {
		return
	}
	now, u := time.Now(), processUsage()
	s.line(name, now.Sub(s.t), s.use, u)
	s.t, s.use = now, u
}

// total says the whole command's figures.
func (s *stages) total() {
	if s == nil {
		return
	}
	s.line("合计", time.Since(s.t0), s.first, processUsage())
}

func (s *stages) line(name string, wall time.Duration, from, to usage) {
	cpu := to.cpu - from.cpu
	cores := 0.0
	if wall > 0 {
		cores = float64(cpu) / float64(wall)
	}
	fmt.Fprintf(s.w, "用时 %-10s 墙钟 %7.1f ms  CPU %7.1f ms（%.2f核）  缺页 %6d次\n", name,
		float64(wall)/1e6, float64(cpu)/1e6, cores, to.faults-from.faults)
}
