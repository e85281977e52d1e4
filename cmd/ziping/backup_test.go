package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"ziping/synth"
)

// dump lists every row of every table of an SQLite file, in a fixed order, so that
// two databases can be compared for identity.
func dump(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tables, err := db.Query("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for tables.Next() {
		var n string
		tables.Scan(&n)
		names = append(names, n)
	}
	tables.Close()
	var b strings.Builder
	for _, n := range names {
		rows, err := db.Query("SELECT * FROM " + n + " ORDER BY 1, 2")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			rows.Scan(ptrs...)
			fmt.Fprintf(&b, "%s %v\n", n, vals)
		}
		rows.Close()
	}
	return b.String()
}

func TestBackupRestoresIdentical(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "z.db")
	db := "sqlite:" + src
	for _, args := range [][]string{
		{"unit", "add", "990000", "示范省", "--level", "province"},
		{"import", fixture(t)},
		{"user", "add", "admin1", "--role", "admin"},
	} {
		if _, errs, code := runCLI(t, append(args, "--db", db)...); code != 0 {
			t.Fatalf("%v: %s", args, errs)
		}
	}
	bak := filepath.Join(dir, "z.bak")
	if out, errs, code := runCLI(t, "backup", "-o", bak, "--db", db); code != 0 {
		t.Fatalf("backup: %s %s", out, errs)
	}
	dst := filepath.Join(dir, "restored.db")
	if out, errs, code := runCLI(t, "restore", bak, "--db", "sqlite:"+dst); code != 0 {
		t.Fatalf("restore: %s %s", out, errs)
	}
	if a, b := dump(t, src), dump(t, dst); a != b || !strings.Contains(a, "audit") {
		t.Errorf("the restored database differs from the original (%d vs %d bytes of rows)", len(a), len(b))
	}
	// Restoring over a database with data is refused without --force.
	if _, errs, code := runCLI(t, "restore", bak, "--db", db); code == 0 || errs == "" {
		t.Errorf("restore over live data: exit %d", code)
	}
	if _, errs, code := runCLI(t, "backup", "-o", bak, "--db", "postgres://x@localhost/db"); code != 2 || !strings.Contains(errs, "pg_dump") {
		t.Errorf("postgres backup: %d %s", code, errs)
	}
}

// TestKilledImportLeavesNoPartialBatch kills `ziping import` with SIGKILL while it
// writes a large file, several times at different moments: each time the database
// holds either the whole batch or none of it.
func TestKilledImportLeavesNoPartialBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and imports 20,000 schools")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "ziping")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v %s", err, out)
	}
	data := filepath.Join(dir, "big.csv")
	if _, err := writeDemoData(synth.Config{Counties: 60, Schools: 20000, Seed: 3, Periods: []int{2024}}, data); err != nil {
		t.Fatal(err)
	}
	files := []string{data, strings.TrimSuffix(data, ".csv") + ".区县.csv"}
	start := func(db string) *exec.Cmd {
		if _, errs, code := runCLI(t, "unit", "add", "990000", "示范省", "--level", "province", "--db", "sqlite:"+db); code != 0 {
			t.Fatal(errs)
		}
		cmd := exec.Command(bin, append([]string{"import", "--db", "sqlite:" + db}, files...)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	// A whole import first: how long it takes, and that the check sees a full batch.
	full := filepath.Join(dir, "full.db")
	t0 := time.Now()
	if err := start(full).Wait(); err != nil {
		t.Fatal(err)
	}
	took := time.Since(t0)
	if n := checkBatches(t, full); n != 1 {
		t.Fatalf("the uninterrupted import wrote %d batches", n)
	}
	// Then kill it at half, four fifths and nineteen twentieths of that time: late
	// kills land while the transaction is writing.
	for i, frac := range []float64{0.5, 0.8, 0.95} {
		db := filepath.Join(dir, fmt.Sprintf("k%d.db", i))
		cmd := start(db)
		time.Sleep(time.Duration(frac * float64(took)))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		checkBatches(t, db)
	}
}

// checkBatches asserts that every done batch in the database has exactly the rows it
// declares, that no row belongs to a missing batch, and that whatever a killed
// import left is a pending batch, which readers never see (issue 9: imports are
// written in chunks, made visible by their last transaction). It returns the done
// batches.
func checkBatches(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	var batches, declared, rows, orphans, pending, hidden int
	db.QueryRowContext(ctx, "SELECT count(*), coalesce(sum(schools),0) FROM batches WHERE state = 'done'").Scan(&batches, &declared)
	db.QueryRowContext(ctx, "SELECT count(*) FROM schools WHERE batch_id IN (SELECT id FROM batches WHERE state = 'done')").Scan(&rows)
	db.QueryRowContext(ctx, "SELECT count(*) FROM schools WHERE batch_id NOT IN (SELECT id FROM batches)").Scan(&orphans)
	db.QueryRowContext(ctx, "SELECT count(*) FROM batches WHERE state <> 'done'").Scan(&pending)
	db.QueryRowContext(ctx, "SELECT count(*) FROM schools WHERE batch_id NOT IN (SELECT id FROM batches WHERE state = 'done')").Scan(&hidden)
	if rows != declared || orphans != 0 || batches > 1 || (batches == 1 && pending > 0) {
		t.Errorf("%s: %d done batches declaring %d rows, %d rows present, %d orphans, %d pending", filepath.Base(path), batches, declared, rows, orphans, pending)
	}
	t.Logf("%s: %d done batch(es), %d rows; %d pending batch(es) with %d rows nobody sees", filepath.Base(path), batches, rows, pending, hidden)
	os.Remove(path)
	return batches
}

// TestRestoreRefusedUnderServer: restore refuses while a server has the SQLite
// database open, naming the process to stop, and works once it is stopped. Before
// issue 9 `restore --force` replaced the file under a running server, which went on
// writing to the old one: a score saved afterwards was silently lost.
func TestRestoreRefusedUnderServer(t *testing.T) {
	bin := zipingBinary(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "z.db")
	db := "sqlite:" + path
	if _, errs, code := runCLI(t, "unit", "add", "990000", "示范省", "--level", "province", "--db", db); code != 0 {
		t.Fatal(errs)
	}
	bak := filepath.Join(dir, "z.bak")
	if _, errs, code := runCLI(t, "backup", "-o", bak, "--db", db); code != 0 {
		t.Fatal(errs)
	}
	var stderr bytes.Buffer
	cmd, _ := startServe(t, bin, []string{"ZIPING_DB=" + db}, &stderr)
	_, errs, code := runCLI(t, "restore", bak, "--db", db, "--force")
	if code != 1 || !strings.Contains(errs, "正由运行中的 ziping serve 使用") || !strings.Contains(errs, fmt.Sprintf("kill %d", cmd.Process.Pid)) {
		t.Errorf("restore under a running server: %d %s", code, errs)
	}
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	if _, errs, code := runCLI(t, "restore", bak, "--db", db, "--force"); code != 0 {
		t.Errorf("restore once the server stopped: %d %s", code, errs)
	}
	// A server killed with SIGKILL holds nothing either: the kernel lets the lock go.
	cmd, _ = startServe(t, bin, []string{"ZIPING_DB=" + db}, &stderr)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if _, errs, code := runCLI(t, "restore", bak, "--db", db, "--force"); code != 0 {
		t.Errorf("restore after the server was killed: %d %s", code, errs)
	}
}
