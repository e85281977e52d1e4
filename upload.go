package ziping

import (
	"context"
	"time"
)

// Upload is a spreadsheet kept between its preview and its confirmation, bound to
// the session that sent it and the unit it is for. It lives in the database, so
// that an instance behind a load balancer can confirm what another previewed.
type Upload struct {
	ID          string // 32 hex digits
	SessionHash string // the session's token hash
	UserID      int64
	Unit        string // unit code
	Name        string // file name as shown
	Period      int    // the form's 年度; 0 when none
	SHA256      string
	Size        int64
	Data        []byte // nil once consumed
	CreatedAt   time.Time
	ConsumedAt  time.Time // set by the import's own transaction; zero before
}

// UploadStore keeps uploads.
type UploadStore interface {
	// SaveUpload stores u (CreatedAt now when zero). Conflict when the id exists.
	SaveUpload(ctx context.Context, u *Upload) error
	// Upload returns an upload, with its data unless consumed. NotFound when none.
	Upload(ctx context.Context, id string) (*Upload, error)
	// ConsumeUpload marks the upload imported, at at, and drops its data; false
	// when it was consumed already (or does not exist). Call it in the import's Tx.
	ConsumeUpload(ctx context.Context, id string, at time.Time) (bool, error)
	// UploadUsage counts the user's unconsumed uploads made at or after since, and
	// their bytes.
	UploadUsage(ctx context.Context, userID int64, since time.Time) (int, int64, error)
	// DeleteUploads deletes the uploads made before the given instant.
	DeleteUploads(ctx context.Context, before time.Time) (int, error)
}
