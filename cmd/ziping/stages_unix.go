//go:build unix

package main

import (
	"syscall"
	"time"
)

func processUsage() usage {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return usage{}
	}
	return usage{cpu: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), faults: int64(ru.Minflt + ru.Majflt)}
}
