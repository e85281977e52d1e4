package ziping

import (
	"context"
	"time"
)

// DueDate is the self-evaluation due date (自评截止日期) a supervision office sets on
// a unit for a framework and a period: it applies to every assessment of that
// framework and period in the unit's subtree, the nearest ancestor's date winning.
// A zero Due is a date cleared: the next ancestor's applies.
type DueDate struct {
	UnitID    int64
	Framework string
	Period    int
	Due       time.Time // a date, midnight UTC of the day; zero for cleared
	Version   int64
	UpdatedBy int64
	UpdatedAt time.Time
}

// DueDateStore keeps the due dates, one per unit, framework and period.
type DueDateStore interface {
	// DueDates returns the due dates of framework and period set on any of the
	// given units (cleared ones included), ordered by unit id.
	DueDates(ctx context.Context, framework string, period int, unitIDs []int64) ([]DueDate, error)
	// SaveDueDate creates the due date when d.Version is 0 (Conflict when it exists,
	// NotFound when the unit does not) or updates it when the stored version is
	// d.Version (Conflict when not, NotFound when there is none); it sets d.Version,
	// d.Due (as a date) and d.UpdatedAt (now when zero) as stored.
	SaveDueDate(ctx context.Context, d *DueDate) error
}
