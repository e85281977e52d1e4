package dataset

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"ziping"
)

// UploadLimits bound what one user may keep waiting for confirmation.
type UploadLimits struct {
	TTL      time.Duration // how long an upload waits; 30 minutes when zero
	PerUser  int           // uploads at once; 5 when zero
	Bytes    int64         // bytes at once; 60 MiB when zero
	MaxBytes int64         // one upload; no bound here when zero (the web checks its own)
}

func (l UploadLimits) withDefaults() UploadLimits {
	if l.TTL == 0 {
		l.TTL = 30 * time.Minute
	}
	if l.PerUser == 0 {
		l.PerUser = 5
	}
	if l.Bytes == 0 {
		l.Bytes = 60 << 20
	}
	return l
}

// ErrNoUpload answers a confirmation whose upload is unknown, expired, another
// session's or another unit's: they are not told apart.
var ErrNoUpload = ziping.Errorf(ziping.Invalid, "上传的文件不存在或已过期，请重新上传")

// SaveUpload keeps data for a later confirmation under a fresh id, within the user's
// quota (Busy when over it), and sweeps expired uploads.
func (s *Service) SaveUpload(ctx context.Context, a *ziping.Actor, sess *ziping.Session, unit, name string, period int, data []byte) (*ziping.Upload, error) {
	lim := s.Uploads.withDefaults()
	now := s.now()
	if _, err := s.Store.DeleteUploads(ctx, now.Add(-lim.TTL)); err != nil {
		return nil, err
	}
	n, bytes, err := s.Store.UploadUsage(ctx, a.UserID(), now.Add(-lim.TTL))
	if err != nil {
		return nil, err
	}
	if n >= lim.PerUser || bytes+int64(len(data)) > lim.Bytes {
		return nil, ziping.Errorf(ziping.Busy, "您已有%d个上传的文件（共%s）在等待确认导入，超过了上限（%d个、%s）。请先确认或放弃它们，或等待%d分钟后再上传",
			n, sizeWords(bytes), lim.PerUser, sizeWords(lim.Bytes), int(lim.TTL/time.Minute))
	}
	sum := sha256.Sum256(data)
	u := &ziping.Upload{ID: s.random(16), SessionHash: sess.TokenHash, UserID: a.UserID(), Unit: unit, Name: name, Period: period,
		SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), Data: data, CreatedAt: now}
	if err := s.Store.SaveUpload(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// LoadUpload returns the session's upload id for unit with its data. A consumed
// upload comes back with no data and the batches it was imported as (a second
// confirmation answers with the first import); anything else that does not fit is
// ErrNoUpload.
func (s *Service) LoadUpload(ctx context.Context, sess *ziping.Session, id, unit string) (*ziping.Upload, []ziping.Batch, error) {
	if !validUploadID(id) || sess == nil {
		return nil, nil, ErrNoUpload
	}
	u, err := s.Store.Upload(ctx, id)
	if ziping.IsNotFound(err) {
		return nil, nil, ErrNoUpload
	}
	if err != nil {
		return nil, nil, err
	}
	if u.SessionHash != sess.TokenHash || u.UserID != sess.UserID || u.Unit != unit {
		return nil, nil, ErrNoUpload
	}
	if !u.ConsumedAt.IsZero() {
		batches, err := s.Store.BatchesOfUpload(ctx, id)
		if err != nil || len(batches) == 0 {
			return nil, nil, cmpErr(err, ErrNoUpload)
		}
		return u, batches, nil
	}
	lim := s.Uploads.withDefaults()
	if s.now().Sub(u.CreatedAt) > lim.TTL {
		return nil, nil, ErrNoUpload
	}
	sum := sha256.Sum256(u.Data)
	if hex.EncodeToString(sum[:]) != u.SHA256 {
		return nil, nil, ErrNoUpload
	}
	return u, nil, nil
}

// validUploadID: 32 hex digits.
func validUploadID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// sizeWords is a byte count for people: "20 MB".
func sizeWords(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", max(1, n>>10))
}
