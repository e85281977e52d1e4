package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"ziping"
)

// Backup writes a consistent copy of the database to path with VACUUM INTO, while
// other connections go on reading and writing: it reads one snapshot, on a
// connection of its own, and never takes the write lock. The copy is written under a temporary
// name, synced, then renamed, so that path never holds half a backup. An existing
// path is a Conflict.
func (db *DB) Backup(ctx context.Context, path string) (err error) {
	if _, err := os.Lstat(path); err == nil {
		return ziping.Errorf(ziping.Conflict, "备份文件 %s 已存在", path)
	}
	tmp, err := tempName(path)
	if err != nil {
		return err
	}
	defer os.Remove(tmp) // gone after the rename; only a failure leaves it
	// VACUUM INTO writes a new file, which query_only forbids on the read pool; a
	// connection of its own without it keeps the writer free for the application.
	c, err := openPool(ctx, db.path, "", 1)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := c.Close(); cerr != nil && err == nil {
			err = internal("close backup connection", cerr)
		}
	}()
	if _, err := c.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return &ziping.Error{Kind: ziping.Internal, Msg: "备份失败", Err: fmt.Errorf("vacuum into %s: %w", tmp, err)}
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return &ziping.Error{Kind: ziping.Internal, Msg: "备份失败", Err: err}
	}
	return syncDir(filepath.Dir(path))
}

// Restore replaces the database at dbPath with the backup at backupPath. It first
// checks the backup: a copy of it must open, pass SQLite's quick check and migrate
// to this program's schema (so a backup from a newer ziping is refused). A dbPath
// that exists and is not empty is refused (Conflict) unless overwrite is set. Stop
// every process using dbPath first: replacing a file under an open connection
// corrupts what it writes next.
func Restore(ctx context.Context, backupPath, dbPath string, overwrite bool) error {
	if !overwrite {
		if fi, err := os.Stat(dbPath); err == nil && fi.Size() > 0 {
			return ziping.Errorf(ziping.Conflict, "数据库文件 %s 已有数据，恢复会覆盖它；确认覆盖请加上覆盖选项", dbPath)
		}
	}
	tmp, err := tempName(dbPath)
	if err != nil {
		return err
	}
	defer removeDB(tmp)
	if err := copyFile(backupPath, tmp); err != nil {
		return err
	}
	if err := checkBackup(ctx, tmp); err != nil {
		return err
	}
	// A WAL left by the old database would be replayed into the restored one.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dbPath + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return &ziping.Error{Kind: ziping.Internal, Msg: "恢复失败", Err: err}
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return &ziping.Error{Kind: ziping.Internal, Msg: "恢复失败", Err: err}
	}
	return syncDir(filepath.Dir(dbPath))
}

// checkBackup opens the database at path, checks it and migrates it; closing it
// checkpoints the WAL back into the file.
func checkBackup(ctx context.Context, path string) error {
	db, err := Open(ctx, path)
	if err != nil {
		return &ziping.Error{Kind: ziping.ErrorKind(err), Msg: "备份文件无法使用: " + msgOf(err), Err: err}
	}
	var result string
	err = db.write.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&result)
	if err == nil && result != "ok" {
		err = errors.New(result)
	}
	if err == nil {
		err = db.Migrate(ctx)
	}
	if err != nil {
		return &ziping.Error{Kind: ziping.Invalid, Msg: "备份文件已损坏或不是 ziping 的数据库", Err: errors.Join(err, db.Close())}
	}
	return db.Close()
}

// msgOf is the message of a domain error, or a generic one.
func msgOf(err error) string {
	var de *ziping.Error
	if errors.As(err, &de) && de.Msg != "" {
		return de.Msg
	}
	return "无法打开"
}

// tempName is a name next to path for a file that is renamed to path when complete.
func tempName(path string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", &ziping.Error{Kind: ziping.Internal, Msg: "无法在 " + filepath.Dir(path) + " 中写文件", Err: err}
	}
	name := f.Name()
	if err := errors.Join(f.Close(), os.Remove(name)); err != nil {
		return "", internal("temp file", err)
	}
	return name, nil
}

// removeDB removes a database file and its WAL and shared-memory files.
func removeDB(path string) error {
	var errs []error
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return &ziping.Error{Kind: ziping.NotFound, Msg: "无法读取备份文件 " + from, Err: err}
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return internal("create "+to, err)
	}
	_, err = io.Copy(dst, src)
	if err = errors.Join(err, dst.Sync(), dst.Close()); err != nil {
		return internal("copy backup", err)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return internal("open "+path, err)
	}
	if err := errors.Join(f.Sync(), f.Close()); err != nil {
		return internal("sync "+path, err)
	}
	return nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return internal("open "+dir, err)
	}
	if err := errors.Join(d.Sync(), d.Close()); err != nil {
		return internal("sync "+dir, err)
	}
	return nil
}
