package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"ziping"
)

// The audit key and the checkpoint file live outside the database: whoever can
// change the database cannot re-hash the audit chain without the key, nor cut its
// tail unseen past the checkpoints. By default both sit beside an SQLite file
// (DB.audit-key, DB.audit-checkpoints); for PostgreSQL, in the working directory
// (ziping.audit-key, ziping.audit-checkpoints). --audit-key or ZIPING_AUDIT_KEY_FILE
// and --audit-checkpoints or ZIPING_AUDIT_CHECKPOINTS put them elsewhere: several
// instances of one PostgreSQL database must share the key.

// auditPaths returns the key file and the checkpoint file for a database URL.
func auditPaths(e *env, url string) (key, checkpoints string) {
	key, checkpoints = e.auditKey, e.auditCheckpoints
	if key == "" {
		key = e.getenv("ZIPING_AUDIT_KEY_FILE")
	}
	if checkpoints == "" {
		checkpoints = e.getenv("ZIPING_AUDIT_CHECKPOINTS")
	}
	base := "ziping"
	if path, err := sqlitePath(url, ""); err == nil {
		base = path
	}
	if key == "" {
		key = base + ".audit-key"
	}
	if checkpoints == "" {
		if e.auditKey != "" || e.getenv("ZIPING_AUDIT_KEY_FILE") != "" {
			checkpoints = strings.TrimSuffix(key, ".audit-key") + ".audit-checkpoints"
		} else {
			checkpoints = base + ".audit-checkpoints"
		}
	}
	return key, checkpoints
}

// auditKeyLen is the key's length in bytes (stored as hex).
const auditKeyLen = 32

// loadAuditKey reads the key file, making one (0600) when there is none and create
// is set. A missing file without create is (nil, nil).
func loadAuditKey(path string, create bool) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		return newAuditKey(path)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("无法读取审计密钥文件 %s: %w", path, err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("审计密钥文件 %s 的权限过宽（%o）：只应由运行 ziping 的用户读写，请执行 chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("审计密钥文件 %s 格式不对：应为十六进制的随机密钥（至少16字节）", path)
	}
	return key, nil
}

func newAuditKey(path string) ([]byte, error) {
	key := make([]byte, auditKeyLen)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("无法建立审计密钥目录: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // another process made it first
		return loadAuditKey(path, false)
	}
	if err != nil {
		return nil, fmt.Errorf("无法建立审计密钥文件 %s: %w", path, err)
	}
	_, err = f.WriteString(hex.EncodeToString(key) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("无法写入审计密钥文件 %s: %w", path, err)
	}
	return key, nil
}

// deviceKey derives the key that signs device cookies from the audit key, so that
// every instance sharing the audit key trusts the same browsers.
func deviceKey(auditKey []byte) []byte {
	m := hmac.New(sha256.New, auditKey)
	m.Write([]byte("ziping-device-cookie-key"))
	return m.Sum(nil)
}

// checkpointFile is an append-only file of checkpoints, one JSON object a line.
type checkpointFile struct{ path string }

// Append writes c at the end of the file and syncs it. O_APPEND keeps lines whole
// when several processes write.
func (f checkpointFile) Append(c ziping.Checkpoint) error {
	line, err := json.Marshal(c)
	if err != nil {
		return err
	}
	file, err := os.OpenFile(f.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	_, err = file.Write(append(line, '\n'))
	if err == nil {
		err = file.Sync()
	}
	return errors.Join(err, file.Close())
}

// Load reads every checkpoint, oldest first. No file is no checkpoints; a line cut
// short by a crash is skipped.
func (f checkpointFile) Load() ([]ziping.Checkpoint, error) {
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []ziping.Checkpoint
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 4096), 1<<20)
	for sc.Scan() {
		var c ziping.Checkpoint
		if json.Unmarshal(sc.Bytes(), &c) == nil && c.Seq > 0 {
			out = append(out, c)
		}
	}
	return out, sc.Err()
}
