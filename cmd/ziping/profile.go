package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfiles writes a CPU profile of the whole process to $ZIPING_CPUPROFILE and a
// heap profile at exit to $ZIPING_MEMPROFILE, when set: the whole process, flag
// parsing to the last byte written, is what users wait for, so that is what
// docs/BENCHMARKS.md profiles. The returned function stops and writes them.
func startProfiles(getenv func(string) string) (stop func()) {
	var stops []func()
	if path := getenv("ZIPING_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "ziping: 无法写 CPU 剖析文件: %v\n", err)
		} else {
			stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	if path := getenv("ZIPING_MEMPROFILE"); path != "" {
		runtime.MemProfileRate = 64 << 10
		stops = append(stops, func() {
			// The profile counts allocations up to the last collection: one more
			// brings in those since.
			runtime.GC()
			f, err := os.Create(path)
			if err == nil {
				err = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "ziping: 无法写内存剖析文件: %v\n", err)
			}
		})
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}
