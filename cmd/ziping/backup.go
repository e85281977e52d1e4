package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"ziping/sqlite"
)

// runBackup writes a consistent copy of an SQLite database while it is in use
// (VACUUM INTO: other connections keep reading and writing).
func runBackup(e *env, args []string) error {
	fs := newFlags(e, "backup", "backup -o FILE [--db URL]")
	out := fs.String("o", "", "备份文件（不能已存在）")
	db := fs.String("db", "", "数据库")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("缺少 -o 备份文件")
	}
	path, err := sqlitePath(dbURL(e, *db), "backup")
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("数据库文件不存在：%s", path)
	}
	st, err := sqlite.Open(e.ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(e.ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已备份到 %s\n", *out)
	return nil
}

// runRestore puts a backup in place of a database; the server must be stopped.
func runRestore(e *env, args []string) error {
	fs := newFlags(e, "restore", "restore BACKUP [--db URL] [--force]")
	db := fs.String("db", "", "要恢复到的数据库（须为空或不存在，除非 --force）")
	force := fs.Bool("force", false, "覆盖已有数据的数据库（请先停止 ziping serve）")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usagef("用法: ziping restore BACKUP [--db URL] [--force]")
	}
	path, err := sqlitePath(dbURL(e, *db), "restore")
	if err != nil {
		return err
	}
	release, err := lockOutServers(path)
	if err != nil {
		return err
	}
	defer release()
	if err := sqlite.Restore(e.ctx, files[0], path, *force); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已从 %s 恢复到 %s\n", files[0], path)
	return nil
}

// sqlitePath returns the file of an SQLite URL; PostgreSQL has its own tools.
func sqlitePath(url, cmd string) (string, error) {
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		return strings.TrimPrefix(url, "sqlite:"), nil
	case strings.HasSuffix(url, ".db"):
		return url, nil
	}
	return "", usagef("ziping %s 只用于 SQLite 数据库；PostgreSQL 请用 pg_dump / pg_restore（数据库在服务运行时也能一致地备份）", cmd)
}
