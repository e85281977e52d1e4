package ziping

import (
	"context"
	"time"
)

// ResultNotice is what whoever publishes gives the results notice (评价结果通报) of
// an area (a province or city), a framework and a period: the issuing body
// (发文机关), the 主送机关, the 发文字号 and the 成文日期. The notice's ranking
// itself is computed from the published results.
type ResultNotice struct {
	UnitID    int64 // the province or city whose counties it ranks
	Framework string
	Period    int
	Issuer    string    // 发文机关
	Recipient string    // 主送机关
	Number    string    // 发文字号: 「顺教督〔2025〕3号」
	IssuedOn  time.Time // 成文日期: a date, midnight UTC of the day; zero for none
	Version   int64
	UpdatedBy int64
	UpdatedAt time.Time
}

// NoticeStore keeps the results notices' particulars, one per area, framework and
// period.
type NoticeStore interface {
	// ResultNotice is NotFound when nobody has set the notice's particulars.
	ResultNotice(ctx context.Context, unitID int64, framework string, period int) (*ResultNotice, error)
	// SaveResultNotice creates the notice when n.Version is 0 (Conflict when it
	// exists) or updates it when the stored version is n.Version (Conflict when
	// not); it sets n.Version, and n.UpdatedAt (now when zero) as stored.
	SaveResultNotice(ctx context.Context, n *ResultNotice) error
}
