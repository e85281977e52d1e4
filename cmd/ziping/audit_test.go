package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"ziping"
	"ziping/pgtest"
)

// auditDB is one database for the audit tests: its URL, the environment that
// points the CLI at its key and checkpoint files, and raw SQL behind the store's
// back, the way an intruder with the database's password would write.
type auditDB struct {
	url  string
	env  map[string]string
	exec func(t *testing.T, query string, args ...any)
	pg   bool
}

func (d *auditDB) run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	args = append(args, "--db", d.url)
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb, func(k string) string { return d.env[k] })
	return out.String(), errb.String(), code
}

// newAuditDB makes a database of the kind with a dozen audit entries written by
// the CLI (and so checkpoints, one as each command ends).
func newAuditDB(t *testing.T, pg bool) *auditDB {
	t.Helper()
	dir := t.TempDir()
	d := &auditDB{env: map[string]string{"ZIPING_AUDIT_KEY_FILE": filepath.Join(dir, "k.audit-key"),
		"ZIPING_AUDIT_CHECKPOINTS": filepath.Join(dir, "k.audit-checkpoints")}, pg: pg}
	if pg {
		d.url = pgtest.DSN(t)
		d.exec = func(t *testing.T, query string, args ...any) {
			t.Helper()
			conn, err := pgx.Connect(context.Background(), d.url)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(context.Background())
			if _, err := conn.Exec(context.Background(), dollars(query), args...); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
		}
	} else {
		path := filepath.Join(dir, "z.db")
		d.url = "sqlite:" + path
		d.exec = func(t *testing.T, query string, args ...any) {
			t.Helper()
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(query, args...); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
		}
	}
	d.mustRun(t, "unit", "add", "990000", "示范省", "--level", "province")
	for _, u := range []string{"wang", "lisi", "zhao"} {
		d.mustRun(t, "user", "add", u, "--role", "admin")
	}
	d.mustRun(t, "audit", "checkpoint")
	return d
}

func (d *auditDB) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errs, code := d.run(t, args...)
	if code != 0 {
		t.Fatalf("ziping %s: %d %s", strings.Join(args, " "), code, errs)
	}
	return out
}

// dollars turns ? placeholders into PostgreSQL's $1, $2, …
func dollars(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// dropGuards removes the triggers that refuse UPDATE and DELETE on the audit table.
func (d *auditDB) dropGuards(t *testing.T) {
	t.Helper()
	if d.pg {
		d.exec(t, `DROP TRIGGER audit_no_update ON audit`)
		d.exec(t, `DROP TRIGGER audit_no_truncate ON audit`)
		return
	}
	d.exec(t, `DROP TRIGGER audit_no_update`)
	d.exec(t, `DROP TRIGGER audit_no_delete`)
}

// chain reads every entry through the store.
func (d *auditDB) chain(t *testing.T) []ziping.AuditEntry {
	t.Helper()
	st, err := openStore(context.Background(), d.url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out []ziping.AuditEntry
	if err := st.AuditChain(context.Background(), func(e *ziping.AuditEntry) error { out = append(out, *e); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// rehash rewrites entry from and every entry after it with its links and hashes
// recomputed under key (nil: the unkeyed SHA-256 of old chains), the entry from
// with its New text changed first.
func (d *auditDB) rehash(t *testing.T, from int64, key []byte) {
	t.Helper()
	es := d.chain(t)
	prev := ""
	for _, e := range es {
		if e.Seq < from {
			prev = e.Hash
			continue
		}
		if e.Seq == from {
			e.New = `{"role":"viewer"}`
		}
		e.PrevHash = prev
		e.Hash = e.Seal(key)
		prev = e.Hash
		d.exec(t, `UPDATE audit SET new = ?, prev_hash = ?, hash = ? WHERE seq = ?`, e.New, e.PrevHash, e.Hash, e.Seq)
	}
}

func (d *auditDB) key(t *testing.T) []byte {
	t.Helper()
	k, err := loadAuditKey(d.env["ZIPING_AUDIT_KEY_FILE"], false)
	if err != nil || k == nil {
		t.Fatalf("audit key: %v", err)
	}
	return k
}

// TestAuditTampering: every tampering the issue found undetected is now reported,
// in Chinese, by `ziping audit verify`, on both databases. Before issue 9 the chain
// was unkeyed SHA-256 with nothing outside the table: with the triggers dropped,
// cutting the tail, deleting everything, or editing a row and re-hashing the rest
// all verified as 完整.
func TestAuditTampering(t *testing.T) {
	for _, db := range []struct {
		name string
		pg   bool
	}{{"sqlite", false}, {"postgres", true}} {
		t.Run(db.name, func(t *testing.T) {
			for _, tc := range []struct {
				name   string
				tamper func(t *testing.T, d *auditDB)
				want   string
			}{
				{"a row edited", func(t *testing.T, d *auditDB) {
					d.dropGuards(t)
					d.exec(t, `UPDATE audit SET new = ? WHERE seq = 5`, `{"role":"viewer"}`)
				}, "审计记录第5条被改动或缺失：内容与密钥校验值不符"},
				{"the tail cut", func(t *testing.T, d *auditDB) {
					d.dropGuards(t)
					n := len(d.chain(t))
					d.exec(t, `DELETE FROM audit WHERE seq > ?`, n-3)
				}, "审计记录被截断"},
				{"everything deleted", func(t *testing.T, d *auditDB) {
					d.dropGuards(t)
					d.exec(t, `DELETE FROM audit`)
				}, "审计记录已被全部删除"},
				{"a row edited and the rest re-hashed without the key", func(t *testing.T, d *auditDB) {
					d.dropGuards(t)
					d.rehash(t, 5, nil)
				}, "审计记录第5条被改动或缺失：内容与密钥校验值不符"},
				{"a row edited and the rest re-hashed with a stolen key", func(t *testing.T, d *auditDB) {
					d.dropGuards(t)
					d.rehash(t, 5, d.key(t))
				}, "的检查点不符：这条及其后的记录被重新计算过校验值"},
				{"the whole chain rebuilt unkeyed", func(t *testing.T, d *auditDB) {
					d.dropGuards(t)
					d.exec(t, `UPDATE audit SET action = 'framework_save' WHERE action = 'audit_key'`)
					d.rehash(t, 1, nil)
				}, "这条及其后的记录被重新计算过校验值"},
				{"the whole chain rebuilt unkeyed and the checkpoints deleted", func(t *testing.T, d *auditDB) {
					d.dropGuards(t)
					d.exec(t, `UPDATE audit SET action = 'framework_save' WHERE action = 'audit_key'`)
					d.rehash(t, 1, nil)
					os.Remove(d.env["ZIPING_AUDIT_CHECKPOINTS"])
				}, "有审计密钥，但审计链中没有启用密钥的记录"},
				{"a row deleted from the middle", func(t *testing.T, d *auditDB) {
					d.dropGuards(t)
					d.exec(t, `DELETE FROM audit WHERE seq = 6`)
				}, "审计记录第7条被改动或缺失：序号不连续（上一条是第5条），中间的记录被删除"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					d := newAuditDB(t, db.pg)
					if out := d.mustRun(t, "audit", "verify"); !strings.Contains(out, "审计记录完整") || !strings.Contains(out, "用审计密钥签名") {
						t.Fatalf("before tampering: %s", out)
					}
					tc.tamper(t, d)
					_, errs, code := d.run(t, "audit", "verify")
					if code != 1 || !strings.Contains(errs, tc.want) {
						t.Errorf("verify after %s: %d %q; want %q", tc.name, code, errs, tc.want)
					}
				})
			}
		})
	}
}

// TestAuditKeySwitch: a database written before the audit key keeps its unkeyed
// entries; the first start with a key appends the switch, keyed, and from there on
// every entry is keyed. Verifying needs the key then, and the right one.
func TestAuditKeySwitch(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "old.db")
	st, err := createStore(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 { // an old binary's entries: no key
		e := &ziping.AuditEntry{Username: "system", IP: "cli", Action: "unit_add", Object: fmt.Sprintf("unit:%d", i)}
		if err := st.AppendAudit(context.Background(), e, nil); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	db := "sqlite:" + path
	out, errs, code := runCLI(t, "audit", "verify", "--db", db)
	if code != 0 || !strings.Contains(out, "未使用审计密钥") {
		t.Fatalf("the old chain before a key: %d %s %s", code, out, errs)
	}
	if _, errs, code := runCLI(t, "unit", "add", "990000", "示范省", "--level", "province", "--db", db); code != 0 {
		t.Fatal(errs)
	}
	if fi, err := os.Stat(path + ".audit-key"); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the key made at first start: %v, %v; want 0600", fi, err)
	}
	out, errs, code = runCLI(t, "audit", "verify", "--db", db)
	if code != 0 || !strings.Contains(out, "自第4条起用审计密钥签名") {
		t.Errorf("after the switch: %d %s %s", code, out, errs)
	}
	// Without the key, or with another, the keyed part cannot be verified.
	os.Rename(path+".audit-key", path+".away")
	if _, errs, code := runCLI(t, "audit", "verify", "--db", db); code != 1 || !strings.Contains(errs, "校验需要审计密钥") {
		t.Errorf("verify without the key: %d %s", code, errs)
	}
	os.WriteFile(path+".audit-key", []byte(strings.Repeat("ab", 32)+"\n"), 0o600)
	if _, errs, code := runCLI(t, "audit", "verify", "--db", db); code != 1 || !strings.Contains(errs, "审计密钥与审计链不符") {
		t.Errorf("verify with another key: %d %s", code, errs)
	}
	os.Chmod(path+".audit-key", 0o644)
	if _, errs, code := runCLI(t, "audit", "verify", "--db", db); code != 1 || !strings.Contains(errs, "权限过宽") {
		t.Errorf("a key file others can read: %d %s", code, errs)
	}
}
