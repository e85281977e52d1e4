package ziping

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"strconv"
	"time"
)

// The audit chain. Each entry carries the hash of the one before it and a hash of
// its own fields and that link, so that a change to any entry breaks the chain from
// there on. Since issue 9 the hash is an HMAC-SHA256 under a key kept outside the
// database (Auditor.Key): whoever can write to the database but has not the
// key cannot re-hash the entries after one they changed. Checkpoints of the head,
// written to a file outside the database (CheckpointLog), show a cut tail or an
// emptied table, which a chain alone cannot.
//
// Databases older than the key keep their unkeyed SHA-256 entries: the first time a
// key is used, an "audit_key" entry is appended, keyed, naming the key; entries
// before it verify with the old rule, it and every entry after with the key. The
// checkpoint file records where the switch happened, so that the switch entry
// cannot be moved or dropped unseen.

// AuditActionKey is the action of the entry that switches a chain to keyed hashes.
const AuditActionKey = "audit_key"

// ComputeHash returns the entry's unkeyed chain hash: SHA-256 over the previous hash
// and every field of the entry, each length-prefixed so that no two entries can
// encode the same. Times are hashed in UTC with nanoseconds truncated to
// microseconds, the precision both databases keep.
func (e *AuditEntry) ComputeHash() string { return e.Seal(nil) }

// Seal returns the entry's chain hash: HMAC-SHA256 under key, or the unkeyed SHA-256
// of older chains when key is nil.
func (e *AuditEntry) Seal(key []byte) string {
	var h hash.Hash
	if key == nil {
		h = sha256.New()
	} else {
		h = hmac.New(sha256.New, key)
	}
	for _, f := range []string{
		e.PrevHash, strconv.FormatInt(e.Seq, 10), AuditTime(e.At).Format(time.RFC3339Nano),
		strconv.FormatInt(e.UserID, 10), e.Username, e.IP, e.Action, e.Object,
		strconv.FormatInt(e.UnitID, 10), e.Old, e.New,
	} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AuditKeyID names a key without giving it away: the first 16 hex digits of an HMAC
// of a fixed text under it.
func AuditKeyID(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("ziping-audit-key-id"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}

// AuditTime is the instant as the audit trail keeps it: UTC, microseconds.
func AuditTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// Checkpoint is the audit chain's head at an instant, kept outside the database.
type Checkpoint struct {
	Seq   int64     `json:"seq"`
	Hash  string    `json:"hash"`
	At    time.Time `json:"at"`
	KeyID string    `json:"key_id,omitempty"`
	// KeyedFrom is the seq of the chain's switch to keyed hashes (0: unkeyed).
	KeyedFrom int64 `json:"keyed_from,omitempty"`
}

// CheckpointLog is an append-only record of checkpoints (a file beside the
// database, by default).
type CheckpointLog interface {
	Append(c Checkpoint) error
	Load() ([]Checkpoint, error) // oldest first
}

// ChainError names the first entry where the audit chain breaks, or (Seq 0) what
// else does not fit.
type ChainError struct {
	Seq    int64
	Reason string
}

func (e *ChainError) Error() string {
	if e.Seq == 0 {
		return "审计记录不完整：" + e.Reason
	}
	return fmt.Sprintf("审计记录第%d条被改动或缺失：%s", e.Seq, e.Reason)
}

// AuditReport is what a verification found intact.
type AuditReport struct {
	Entries     int64
	Head        Checkpoint // the last entry
	KeyedFrom   int64      // seq of the switch to keyed hashes; 0 when unkeyed
	Checkpoints int        // checkpoints compared
}

// VerifyAudit walks the whole audit trail: consecutive sequence numbers, each entry
// linked to the one before, each hash right (under key from the switch entry on),
// and then the checkpoints: each one's entry still there with the same hash, and
// nothing cut after the latest. It returns what it checked and a *ChainError for
// the first thing that does not fit (the report then counts the entries found
// intact before it). key may be nil for a chain never keyed.
func VerifyAudit(ctx context.Context, s AuditStore, key []byte, cps []Checkpoint) (*AuditReport, error) {
	want := map[int64]Checkpoint{}
	var latest Checkpoint
	for _, c := range cps {
		want[c.Seq] = c
		if c.Seq >= latest.Seq {
			latest = c
		}
	}
	v := &chainWalk{key: key, want: want, rep: &AuditReport{}}
	if err := s.AuditChain(ctx, v.next); err != nil {
		return v.rep, err
	}
	return v.rep, v.finish(latest)
}

type chainWalk struct {
	key      []byte
	want     map[int64]Checkpoint
	rep      *AuditReport
	prevSeq  int64
	prevHash string
}

func (v *chainWalk) next(e *AuditEntry) error {
	keyed := v.rep.KeyedFrom > 0
	switch {
	case e.Seq != v.prevSeq+1:
		return &ChainError{Seq: e.Seq, Reason: fmt.Sprintf("序号不连续（上一条是第%d条），中间的记录被删除", v.prevSeq)}
	case e.PrevHash != v.prevHash:
		return &ChainError{Seq: e.Seq, Reason: "与上一条记录的校验值不衔接"}
	case !keyed && e.Action == AuditActionKey:
		if err := v.startKeyed(e); err != nil {
			return err
		}
	case keyed && e.Seal(v.key) != e.Hash:
		return &ChainError{Seq: e.Seq, Reason: "内容与密钥校验值不符：记录被改动，或有人在没有审计密钥的情况下重新计算了校验值"}
	case !keyed && e.ComputeHash() != e.Hash:
		return &ChainError{Seq: e.Seq, Reason: "内容与校验值不符"}
	}
	if c, ok := v.want[e.Seq]; ok && c.Hash != e.Hash {
		return &ChainError{Seq: e.Seq, Reason: fmt.Sprintf("校验值与%s的检查点不符：这条及其后的记录被重新计算过校验值",
			c.At.In(Zone()).Format("2006-01-02 15:04:05"))}
	}
	v.prevSeq, v.prevHash = e.Seq, e.Hash
	v.rep.Entries++
	v.rep.Head = Checkpoint{Seq: e.Seq, Hash: e.Hash, At: e.At}
	return nil
}

// startKeyed checks the entry that switches the chain to keyed hashes.
func (v *chainWalk) startKeyed(e *AuditEntry) error {
	if v.key == nil {
		return &ChainError{Seq: e.Seq, Reason: "自这条起审计记录用密钥签名，校验需要审计密钥（--audit-key 或 ZIPING_AUDIT_KEY_FILE）"}
	}
	var body struct {
		KeyID string `json:"key_id"`
	}
	_ = json.Unmarshal([]byte(e.New), &body)
	if body.KeyID != AuditKeyID(v.key) {
		return &ChainError{Seq: e.Seq, Reason: fmt.Sprintf("审计密钥与审计链不符（链中记录的密钥标识为 %s，所给密钥为 %s）", body.KeyID, AuditKeyID(v.key))}
	}
	if e.Seal(v.key) != e.Hash {
		return &ChainError{Seq: e.Seq, Reason: "启用密钥的记录与密钥校验值不符"}
	}
	v.rep.KeyedFrom = e.Seq
	return nil
}

// finish compares the end of the walk with the checkpoints.
func (v *chainWalk) finish(latest Checkpoint) error {
	when := latest.At.In(Zone()).Format("2006-01-02 15:04:05")
	switch {
	case latest.Seq > 0 && v.rep.Entries == 0:
		return &ChainError{Reason: fmt.Sprintf("审计记录已被全部删除：%s的检查点记录到第%d条，库中一条也没有", when, latest.Seq)}
	case latest.Seq > v.prevSeq:
		return &ChainError{Reason: fmt.Sprintf("审计记录被截断：%s的检查点记录到第%d条，库中只到第%d条", when, latest.Seq, v.prevSeq)}
	case latest.KeyedFrom > 0 && v.rep.KeyedFrom != latest.KeyedFrom:
		return &ChainError{Reason: fmt.Sprintf("检查点记录审计链自第%d条起用密钥签名，库中的启用记录不见了或位置不符", latest.KeyedFrom)}
	case v.key != nil && v.rep.KeyedFrom == 0 && v.rep.Entries > 0:
		return &ChainError{Reason: "有审计密钥，但审计链中没有启用密钥的记录：整条审计链可能被替换过"}
	}
	v.rep.Checkpoints = len(v.want)
	return nil
}
