package ziping

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// ComputeHash returns the entry's chain hash: SHA-256 over the previous hash and every
// field of the entry, each length-prefixed so that no two entries can encode the same.
// Times are hashed in UTC with nanoseconds truncated to microseconds, the precision
// both databases keep.
func (e *AuditEntry) ComputeHash() string {
	h := sha256.New()
	for _, f := range []string{
		e.PrevHash, strconv.FormatInt(e.Seq, 10), AuditTime(e.At).Format(time.RFC3339Nano),
		strconv.FormatInt(e.UserID, 10), e.Username, e.IP, e.Action, e.Object,
		strconv.FormatInt(e.UnitID, 10), e.Old, e.New,
	} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AuditTime is the instant as the audit trail keeps it: UTC, microseconds.
func AuditTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// ChainError names the first entry where the audit chain breaks.
type ChainError struct {
	Seq    int64
	Reason string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("审计记录第%d条被改动或缺失：%s", e.Seq, e.Reason)
}

// VerifyAudit walks the whole audit trail and checks that every entry follows the one
// before it (consecutive sequence numbers, PrevHash equal to the previous Hash) and
// that its Hash matches its content. It returns the number of entries checked and a
// *ChainError for the first broken entry.
func VerifyAudit(ctx context.Context, s Store) (int64, error) {
	var n, prevSeq int64
	prevHash := ""
	err := s.AuditChain(ctx, func(e *AuditEntry) error {
		switch {
		case e.Seq != prevSeq+1:
			return &ChainError{Seq: e.Seq, Reason: fmt.Sprintf("序号不连续（上一条是第%d条）", prevSeq)}
		case e.PrevHash != prevHash:
			return &ChainError{Seq: e.Seq, Reason: "与上一条记录的校验值不衔接"}
		case e.ComputeHash() != e.Hash:
			return &ChainError{Seq: e.Seq, Reason: "内容与校验值不符"}
		}
		prevSeq, prevHash = e.Seq, e.Hash
		n++
		return nil
	})
	return n, err
}
