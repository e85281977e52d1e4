package ziping

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// AuditAppender is the part of a store that appends to the audit trail: the store
// itself, or the store of a transaction (Store.Tx).
type AuditAppender interface {
	// AppendAudit fills Seq, PrevHash and Hash (e.Seal(key): keyed when key is not
	// nil) and appends the entry. Concurrent appends from several instances are
	// serialised so that the chain stays linear.
	AppendAudit(ctx context.Context, e *AuditEntry, key []byte) error
}

// AuditStore is the part of Store the audit trail needs.
type AuditStore interface {
	AuditAppender
	Audit(ctx context.Context, q AuditQuery) ([]AuditEntry, error)      // newest first
	AuditChain(ctx context.Context, fn func(e *AuditEntry) error) error // oldest first, all
}

// Auditor appends entries to the audit trail under the audit key and writes the
// chain's checkpoints. cmd/ziping makes one per process and hands it to every
// service, so that CheckpointEvery counts the entries of them all.
type Auditor struct {
	Store AuditStore
	// Key keys the chain's HMAC (see audit.go); nil keeps the unkeyed SHA-256 chain
	// of older databases.
	Key []byte
	// Checkpoints receives the chain's head every CheckpointEvery entries (100 when
	// zero) and when Checkpoint is called; nil: none are written.
	Checkpoints     CheckpointLog
	CheckpointEvery int
	// Now stamps the auditor's own entries and checkpoints; time.Now when nil.
	Now func() time.Time

	appended       atomic.Int64 // entries appended since the last checkpoint
	mu             sync.Mutex
	lastCheckpoint int64
	loaded         bool
}

// NewAuditor returns an auditor of st's trail, unkeyed and without checkpoints.
func NewAuditor(st AuditStore) *Auditor { return &Auditor{Store: st} }

// NewAuditEntry is the entry of actor a doing action on object (in unit, 0 for
// none) at the instant at, with what it changed from old to new (any JSON value; nil
// for none).
func NewAuditEntry(at time.Time, a *Actor, action, object string, unit int64, old, new any) *AuditEntry {
	return &AuditEntry{At: AuditTime(at), UserID: a.UserID(), Username: a.username(), IP: a.IP, Action: action, Object: object,
		UnitID: unit, Old: jsonText(old), New: jsonText(new)}
}

func jsonText(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return string(b)
}

// Append seals e under the key and appends it through st: the store of the
// transaction whose writes it records, so that both are committed together or
// neither. Append it last in the transaction (Store.Tx says why).
func (au *Auditor) Append(ctx context.Context, st AuditAppender, e *AuditEntry) error {
	if err := st.AppendAudit(ctx, e, au.Key); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	au.appended.Add(1)
	return nil
}

func (au *Auditor) now() time.Time {
	if au.Now == nil {
		return AuditTime(time.Now())
	}
	return AuditTime(au.Now())
}

// Verify walks the audit trail with the auditor's key and checkpoints (VerifyAudit).
func (au *Auditor) Verify(ctx context.Context) (*AuditReport, error) {
	var cps []Checkpoint
	if au.Checkpoints != nil {
		var err error
		if cps, err = au.Checkpoints.Load(); err != nil {
			return &AuditReport{}, fmt.Errorf("read audit checkpoints: %w", err)
		}
	}
	return VerifyAudit(ctx, au.Store, au.Key, cps)
}

// EnsureKey switches the chain to keyed hashes when Key is set and the chain has not
// been switched yet: it appends the audit_key entry, keyed, naming the key. A chain
// switched under another key is an error.
func (au *Auditor) EnsureKey(ctx context.Context) error {
	if au.Key == nil {
		return nil
	}
	id := AuditKeyID(au.Key)
	prior, err := au.Store.Audit(ctx, AuditQuery{Action: AuditActionKey, Limit: 1000})
	if err != nil {
		return err
	}
	if len(prior) > 0 {
		first := prior[len(prior)-1]
		if first.Seal(au.Key) != first.Hash {
			return Errorf(Invalid, "审计密钥与数据库中的审计链不符（链中第%d条启用了另一个密钥）。请使用原来的审计密钥文件", first.Seq)
		}
		return nil
	}
	return au.Append(ctx, au.Store, NewAuditEntry(au.now(), System, AuditActionKey, "audit", 0, nil, map[string]string{"key_id": id}))
}

// Head returns the chain's newest entry as a checkpoint, with where the chain
// switched to keyed hashes.
func (au *Auditor) Head(ctx context.Context) (Checkpoint, error) {
	last, err := au.Store.Audit(ctx, AuditQuery{Limit: 1})
	if err != nil || len(last) == 0 {
		return Checkpoint{}, err
	}
	c := Checkpoint{Seq: last[0].Seq, Hash: last[0].Hash, At: au.now()}
	if au.Key != nil {
		c.KeyID = AuditKeyID(au.Key)
		keys, err := au.Store.Audit(ctx, AuditQuery{Action: AuditActionKey, Limit: 1000})
		if err != nil {
			return Checkpoint{}, err
		}
		if len(keys) > 0 {
			c.KeyedFrom = keys[len(keys)-1].Seq
		}
	}
	return c, nil
}

// Checkpoint appends the chain's head to the checkpoint log when the head moved
// since the last checkpoint this auditor wrote. No log, nothing to do.
func (au *Auditor) Checkpoint(ctx context.Context) (Checkpoint, error) {
	if au.Checkpoints == nil {
		return Checkpoint{}, nil
	}
	au.mu.Lock()
	defer au.mu.Unlock()
	au.appended.Store(0)
	if !au.loaded { // a head another process checkpointed already is not repeated
		cps, err := au.Checkpoints.Load()
		if err != nil {
			return Checkpoint{}, fmt.Errorf("read audit checkpoints: %w", err)
		}
		for _, c := range cps {
			au.lastCheckpoint = max(au.lastCheckpoint, c.Seq)
		}
		au.loaded = true
	}
	c, err := au.Head(ctx)
	if err != nil || c.Seq == 0 || c.Seq == au.lastCheckpoint {
		return c, err
	}
	if err := au.Checkpoints.Append(c); err != nil {
		return c, fmt.Errorf("write audit checkpoint: %w", err)
	}
	au.lastCheckpoint = c.Seq
	return c, nil
}

// CheckpointDue reports whether CheckpointEvery entries were appended since the
// last checkpoint.
func (au *Auditor) CheckpointDue() bool {
	every := au.CheckpointEvery
	if every <= 0 {
		every = 100
	}
	return au.Checkpoints != nil && au.appended.Load() >= int64(every)
}

// RunCheckpoints writes a checkpoint whenever one is due, looking every interval,
// until ctx ends; then it writes a last one (on shutdown).
func (au *Auditor) RunCheckpoints(ctx context.Context, interval time.Duration, logErr func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if _, err := au.Checkpoint(context.WithoutCancel(ctx)); err != nil {
				logErr(err)
			}
			return
		case <-t.C:
			if !au.CheckpointDue() {
				continue
			}
			if _, err := au.Checkpoint(ctx); err != nil && ctx.Err() == nil {
				logErr(err)
			}
		}
	}
}
