package main

import (
	"os"
	"runtime/debug"

	"ziping/dataset"
)

// serveLimits are the bounds `serve` puts on imports, uploads and memory.
type serveLimits struct {
	maxRows, perUser, previews, checkpointEvery, pageSlots int
	quotaMB, memoryMB, uploadMB, unzipMB                   int64
}

func (l serveLimits) check() error {
	switch {
	case l.maxRows < 1:
		return usagef("--max-rows 应为正整数")
	case l.quotaMB < 1 || l.quotaMB > 10240:
		return usagef("--upload-quota 应在1到10240（MB）之间")
	case l.perUser < 1 || l.perUser > 100:
		return usagef("--uploads-per-user 应在1到100之间")
	case l.previews < 1 || l.previews > 64:
		return usagef("--max-previews 应在1到64之间")
	case l.uploadMB < 1 || l.uploadMB > 1024:
		return usagef("--max-upload 应在1到1024（MB）之间")
	case l.unzipMB < 1 || l.unzipMB > 10240:
		return usagef("--max-unzip 应在1到10240（MB）之间")
	case l.memoryMB < 0:
		return usagef("--memory-limit 不能为负数")
	case l.pageSlots < 0 || l.pageSlots > 1024:
		return usagef("--page-slots 应在0到1024之间")
	case l.checkpointEvery < 1:
		return usagef("--checkpoint-every 应为正整数")
	}
	return nil
}

// apply sets the limits on the service and the Go runtime. The memory limit is soft:
// the collector works harder as the heap nears it, which keeps a burst of password
// hashes (64 MiB each, as many at once as cores) from growing the heap to twice what
// is live. GOMEMLIMIT, when set, wins.
func (l serveLimits) apply(svc *services) {
	svc.Data.Limits.MaxRows = l.maxRows
	svc.Data.Uploads = dataset.UploadLimits{PerUser: l.perUser, Bytes: l.quotaMB << 20}
	svc.Audit.CheckpointEvery = l.checkpointEvery
	if l.memoryMB > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(l.memoryMB << 20)
	}
}
