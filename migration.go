package ziping

import (
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Migration is one numbered schema change of a store, from a file named
// NNNN_name.sql. Both stores carry the same numbers (a test holds them to it), each
// in its own SQL dialect.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// ReadMigrations reads the *.sql files of dir in fsys, ordered by version. The files
// are embedded in the binary, so a malformed name is a build mistake: it panics.
func ReadMigrations(fsys fs.FS, dir string) []Migration {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		panic(err)
	}
	var ms []Migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			panic("ziping: migration file " + base + " is not named NNNN_name.sql")
		}
		text, err := fs.ReadFile(fsys, name)
		if err != nil {
			panic(err)
		}
		ms = append(ms, Migration{Version: v, Name: base, SQL: string(text)})
	}
	slices.SortFunc(ms, func(a, b Migration) int { return a.Version - b.Version })
	return ms
}

// MigrationVersions lists the versions of ms, in order.
func MigrationVersions(ms []Migration) []int {
	vs := make([]int, len(ms))
	for i, m := range ms {
		vs[i] = m.Version
	}
	return vs
}

// LatestMigration is the newest version of ms (which ReadMigrations orders).
func LatestMigration(ms []Migration) int { return ms[len(ms)-1].Version }

// SchemaTooNew is a store's answer to a database whose schema is newer than the
// newest migration this program carries: an older binary must not write to it.
func SchemaTooNew(have, newest int) error {
	return Errorf(Internal, "数据库结构版本 %d 比本程序支持的 %d 新，请升级 ziping", have, newest)
}
