package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"ziping"
	"ziping/pgtest"
	"ziping/storetest"
)

func TestStore(t *testing.T) {
	// The tamper hook needs the database behind a store the suite hands it.
	var dsns sync.Map // ziping.Store → DSN
	open := func(t *testing.T) ziping.Store {
		dsn := pgtest.DSN(t)
		db := openDSN(t, dsn)
		dsns.Store(ziping.Store(db), dsn)
		return db
	}
	tamper := func(t *testing.T, st ziping.Store, seq int64) {
		dsn, ok := dsns.Load(st)
		if !ok {
			t.Fatal("tamper: a store open did not make")
		}
		tamperAudit(t, dsn.(string), seq)
	}
	storetest.Run(t, open, tamper)
}

// tamperAudit changes entry seq's New text with raw SQL, the way an intruder with
// the database's owner password would: the append-only trigger does not stop the
// owner, who can switch it off.
func tamperAudit(t *testing.T, dsn string, seq int64) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `ALTER TABLE audit DISABLE TRIGGER audit_no_update`); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE audit SET new = new || ' ' WHERE seq = $1`, seq)
		if err == nil && tag.RowsAffected() != 1 {
			t.Fatalf("tamper: no audit entry %d", seq)
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `ALTER TABLE audit ENABLE TRIGGER audit_no_update`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
