package sqlite

import (
	"context"
	"time"

	"ziping"
)

// SaveUpload stores an upload; see ziping.UploadStore.
func (c conn) SaveUpload(ctx context.Context, u *ziping.Upload) error {
	created := nowIfZero(u.CreatedAt)
	_, err := c.q.ExecContext(ctx, `INSERT INTO uploads (id, session_hash, user_id, unit_code, name, period, sha256,
		size, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.SessionHash, u.UserID, u.Unit, u.Name, u.Period, u.SHA256, len(u.Data), u.Data, dbTime(created))
	if err != nil {
		return storeError(err, "save upload", "上传的文件")
	}
	u.CreatedAt, u.Size = created, int64(len(u.Data))
	return nil
}

// Upload returns an upload with its data (none once consumed).
func (c conn) Upload(ctx context.Context, id string) (*ziping.Upload, error) {
	var u ziping.Upload
	err := c.q.QueryRowContext(ctx, `SELECT id, session_hash, user_id, unit_code, name, period, sha256, size, data,
		created_at, consumed_at FROM uploads WHERE id = ?`, id).Scan(&u.ID, &u.SessionHash, &u.UserID, &u.Unit, &u.Name,
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
func (c conn) ConsumeUpload(ctx context.Context, id string, at time.Time) (bool, error) {
	res, err := c.q.ExecContext(ctx, `UPDATE uploads SET consumed_at = ?, data = x'' WHERE id = ? AND consumed_at IS NULL`,
		dbTime(storedTime(at)), id)
	if err != nil {
		return false, storeError(err, "consume upload", "")
	}
	n, err := res.RowsAffected()
	return n == 1, storeError(err, "consume upload", "")
}

// UploadUsage counts a user's unconsumed uploads since an instant, and their bytes.
func (c conn) UploadUsage(ctx context.Context, userID int64, since time.Time) (int, int64, error) {
	var n int
	var bytes int64
	err := c.q.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(size), 0) FROM uploads
		WHERE user_id = ? AND consumed_at IS NULL AND created_at >= ?`, userID, dbTime(storedTime(since))).Scan(&n, &bytes)
	return n, bytes, storeError(err, "upload usage", "")
}

// DeleteUploads deletes the uploads made before an instant.
func (c conn) DeleteUploads(ctx context.Context, before time.Time) (int, error) {
	res, err := c.q.ExecContext(ctx, `DELETE FROM uploads WHERE created_at < ?`, dbTime(storedTime(before)))
	if err != nil {
		return 0, storeError(err, "delete uploads", "")
	}
	n, err := res.RowsAffected()
	return int(n), storeError(err, "delete uploads", "")
}
