package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"ziping"
	"ziping/storetest"
)

// openTest opens a migrated store on a new file in the test's temporary directory.
func openTest(t testing.TB) *DB {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "ziping.db"))
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
