package postgres

import (
	"context"
	"time"

	"ziping"
)

// SaveUpload stores an upload; see ziping.UploadStore.
func (db *DB) SaveUpload(ctx context.Context, u *ziping.Upload) error {
	created := nowIfZero(u.CreatedAt)
	_, err := db.exec(ctx, "save upload", "上传的文件", `INSERT INTO uploads (id, session_hash, user_id, unit_code, name,
		period, sha256, size, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		u.ID, u.SessionHash, u.UserID, u.Unit, u.Name, u.Period, u.SHA256, len(u.Data), u.Data, created)
	if err != nil {
		return err
	}
	u.CreatedAt, u.Size = created, int64(len(u.Data))
	return nil
}

// Upload returns an upload with its data (none once consumed).
func (db *DB) Upload(ctx context.Context, id string) (*ziping.Upload, error) {
	var u ziping.Upload
	err := db.q.QueryRow(ctx, `SELECT id, session_hash, user_id, unit_code, name, period, sha256, size, data,
		created_at, consumed_at FROM uploads WHERE id = $1`, id).Scan(&u.ID, &u.SessionHash, &u.UserID, &u.Unit, &u.Name,
		&u.Period, &u.SHA256, &u.Size, &u.Data, stamp{&u.CreatedAt}, stamp{&u.ConsumedAt})
	if err != nil {
		return nil, storeError(err, "upload", "上传的文件")
	}
	if !u.ConsumedAt.IsZero() || len(u.Data) == 0 {
		u.Data = nil
	}
	return &u, nil
}

// ConsumeUpload marks an upload imported and drops its data.
func (db *DB) ConsumeUpload(ctx context.Context, id string, at time.Time) (bool, error) {
	tag, err := db.exec(ctx, "consume upload", "", `UPDATE uploads SET consumed_at = $1, data = ''::bytea
		WHERE id = $2 AND consumed_at IS NULL`, storedTime(at), id)
	return err == nil && tag.RowsAffected() == 1, err
}

// UploadUsage counts a user's unconsumed uploads since an instant, and their bytes.
func (db *DB) UploadUsage(ctx context.Context, userID int64, since time.Time) (int, int64, error) {
	var n int
	var bytes int64
	err := db.q.QueryRow(ctx, `SELECT count(*), coalesce(sum(size), 0)::bigint FROM uploads
		WHERE user_id = $1 AND consumed_at IS NULL AND created_at >= $2`, userID, storedTime(since)).Scan(&n, &bytes)
	return n, bytes, storeError(err, "upload usage", "")
}

// DeleteUploads deletes the uploads made before an instant.
func (db *DB) DeleteUploads(ctx context.Context, before time.Time) (int, error) {
	tag, err := db.exec(ctx, "delete uploads", "", `DELETE FROM uploads WHERE created_at < $1`, storedTime(before))
	return int(tag.RowsAffected()), err
}
