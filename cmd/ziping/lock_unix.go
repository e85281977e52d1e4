//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// serveLock is held, shared, by every `ziping serve` of an SQLite database for as
// long as it runs (the kernel lets it go when the process ends, even by kill -9), so
// that `restore` can tell that a server still has the database open: restoring under
// a running server would leave it writing to the file that was replaced.
type serveLock struct{ f *os.File }

func lockPath(db string) string { return db + ".serve-lock" }

// holdServeLock takes the shared lock of db's servers and writes this process's id
// into the lock file for restore's message.
func holdServeLock(db string) (*serveLock, error) {
	f, err := os.OpenFile(lockPath(db), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("无法建立服务锁文件: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("无法取得服务锁（%s）: %w", lockPath(db), err)
	}
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return &serveLock{f: f}, nil
}

func (l *serveLock) release() {
	if l != nil {
		l.f.Close() // closing lets the lock go
	}
}

// lockOutServers fails when a server holds db's lock, naming the process to stop;
// otherwise it holds the lock exclusively, so that no server starts on db until
// release is called.
func lockOutServers(db string) (release func(), err error) {
	f, err := os.OpenFile(lockPath(db), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("无法打开服务锁文件: %w", err)
	}
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		pid := ""
		if b, rerr := os.ReadFile(lockPath(db)); rerr == nil {
			pid = strings.TrimSpace(string(b))
		}
		how := "在运行 ziping serve 的终端按 Ctrl+C，或结束该进程"
		if pid != "" {
			how = fmt.Sprintf("在运行 ziping serve 的终端按 Ctrl+C，或执行 kill %s", pid)
		}
		f.Close()
		return nil, fmt.Errorf("数据库 %s 正由运行中的 ziping serve 使用，不能恢复：恢复后服务仍会写入被替换掉的旧文件，数据会丢失。请先停止服务（%s），再执行 restore", db, how)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("无法检查服务锁: %w", err)
	}
	return func() { f.Close() }, nil
}
