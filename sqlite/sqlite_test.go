package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ziping"
	"ziping/storetest"
)

// openTest opens a migrated store on a new file in a temporary directory of its own.
func openTest(t testing.TB) *DB {
	t.Helper()
	return openAt(t, filepath.Join(tempDir(t), "ziping.db"))
}

// tempDir is t.TempDir, except that its removal is retried for a while: database/sql
// may still be opening a pool connection in the background when DB.Close returns (its
// opener goroutine is not waited for), and that connection's -wal and -shm appear
// in the directory while it is being removed, which failed CI once
// ("unlinkat …: directory not empty").
func tempDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ziping-sqlite-*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		var err error
		for range 50 {
			if err = os.RemoveAll(dir); err == nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Errorf("removing %s: %v", dir, err)
	})
	return dir
}

func openAt(t testing.TB, path string) *DB {
	t.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// tamper rewrites an audit entry's New with raw SQL, as someone with the file could:
// the append-only triggers go first, as they would for them.
func tamper(t *testing.T, st ziping.Store, seq int64) {
	t.Helper()
	db := st.(*DB)
	_, err := db.write.ExecContext(t.Context(), `DROP TRIGGER audit_no_update;
		UPDATE audit SET new = new || ' ' WHERE seq = ?`, seq)
	if err != nil {
		t.Fatal(err)
	}
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) ziping.Store { return openTest(t) }, tamper)
}

func BenchmarkCreateBatch(b *testing.B) {
	storetest.BenchCreateBatch(b, func(b *testing.B) ziping.Store { return openTest(b) })
}
