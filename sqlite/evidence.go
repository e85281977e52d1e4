package sqlite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"ziping"
)

const evidenceColumns = `e.id, e.assessment_id, e.point, COALESCE(e.problem_id, 0), e.title, e.doc_number,
	e.period, e.file_name, e.content_type, f.size, e.sha256, e.to_confirm, COALESCE(e.created_by, 0), e.created_at`

const evidenceFrom = ` FROM evidence e JOIN evidence_files f ON f.sha256 = e.sha256`

func scanEvidence(s scanner, e *ziping.Evidence) error {
	return s.Scan(&e.ID, &e.AssessmentID, &e.Point, &e.ProblemID, &e.Title, &e.DocNumber, &e.Period,
		&e.FileName, &e.ContentType, &e.Size, &e.SHA256, &e.ToConfirm, &e.CreatedBy, stamp{&e.CreatedAt})
}

// CreateEvidence records e and sets its ID, its Size to the kept file's and a zero
// CreatedAt to now. data is kept under e.SHA256 unless a file with that hash is kept
// already (Invalid when data does not hash to e.SHA256); data nil links to the kept
// file, NotFound when there is none. NotFound too when the assessment or problem
// does not exist.
func (c conn) CreateEvidence(ctx context.Context, e *ziping.Evidence, data []byte) error {
	created := nowIfZero(e.CreatedAt)
	size, err := c.keepFile(ctx, e.SHA256, data, created)
	if err != nil {
		return err
	}
	var id int64
	err = c.q.QueryRowContext(ctx, `INSERT INTO evidence (assessment_id, point, problem_id, title, doc_number,
		period, file_name, content_type, sha256, to_confirm, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.AssessmentID, e.Point, nullID(e.ProblemID), e.Title, e.DocNumber, e.Period, e.FileName, e.ContentType,
		e.SHA256, e.ToConfirm, nullID(e.CreatedBy), dbTime(created)).Scan(&id)
	if err != nil {
		return storeError(err, "create evidence", "佐证材料")
	}
	e.ID, e.Size, e.CreatedAt = id, size, created
	return nil
}

// keepFile stores data under sum unless it is kept already, and returns the kept
// file's size. data nil only looks the file up.
func (c conn) keepFile(ctx context.Context, sum string, data []byte, now time.Time) (int64, error) {
	if data != nil {
		h := sha256.Sum256(data)
		if hex.EncodeToString(h[:]) != sum {
			return 0, invalid("文件的校验值与内容不符")
		}
		_, err := c.q.ExecContext(ctx, `INSERT INTO evidence_files (sha256, data, size, created_at)
			VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, sum, data, len(data), dbTime(now))
		if err != nil {
			return 0, storeError(err, "keep evidence file", "文件")
		}
		return int64(len(data)), nil
	}
	var size int64
	err := c.q.QueryRowContext(ctx, `SELECT size FROM evidence_files WHERE sha256 = ?`, sum).Scan(&size)
	if err != nil {
		return 0, storeError(err, "evidence file size", fmt.Sprintf("文件（校验值 %.12s…）", sum))
	}
	return size, nil
}

// Evidence returns the evidence with the given id.
func (c conn) Evidence(ctx context.Context, id int64) (*ziping.Evidence, error) {
	var e ziping.Evidence
	err := scanEvidence(c.q.QueryRowContext(ctx, `SELECT `+evidenceColumns+evidenceFrom+` WHERE e.id = ?`, id), &e)
	if err != nil {
		return nil, storeError(err, "evidence", fmt.Sprintf("佐证材料（编号 %d）", id))
	}
	return &e, nil
}

// EvidenceOf returns the evidence of an assessment, ordered by id.
func (c conn) EvidenceOf(ctx context.Context, assessmentID int64) ([]ziping.Evidence, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+evidenceColumns+evidenceFrom+`
		WHERE e.assessment_id = ? ORDER BY e.id`, assessmentID)
	if err != nil {
		return nil, storeError(err, "evidence of", "")
	}
	defer rows.Close()
	var out []ziping.Evidence
	for rows.Next() {
		var e ziping.Evidence
		if err := scanEvidence(rows, &e); err != nil {
			return nil, internal("scan evidence", err)
		}
		out = append(out, e)
	}
	return out, storeError(rows.Err(), "evidence of", "")
}

// EvidenceFile returns the bytes kept under a SHA-256 (hex).
func (c conn) EvidenceFile(ctx context.Context, sum string) ([]byte, error) {
	var data []byte
	err := c.q.QueryRowContext(ctx, `SELECT data FROM evidence_files WHERE sha256 = ?`, sum).Scan(&data)
	if err != nil {
		return nil, storeError(err, "evidence file", fmt.Sprintf("文件（校验值 %.12s…）", sum))
	}
	if data == nil {
		data = []byte{} // an empty file is still a file
	}
	return data, nil
}

// DeleteEvidence deletes the evidence row; the file stays, for other rows and for
// snapshots that name it.
func (c conn) DeleteEvidence(ctx context.Context, id int64) error {
	res, err := c.q.ExecContext(ctx, `DELETE FROM evidence WHERE id = ?`, id)
	if err != nil {
		return storeError(err, "delete evidence", "")
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return notFoundIfNone(err, "delete evidence", fmt.Sprintf("佐证材料（编号 %d）", id))
	}
	return nil
}

// CreateSnapshot stores s and sets its ID and a zero CreatedAt to now. NotFound when
// the assessment does not exist.
func (c conn) CreateSnapshot(ctx context.Context, s *ziping.Snapshot) error {
	created := nowIfZero(s.CreatedAt)
	err := c.q.QueryRowContext(ctx, `INSERT INTO snapshots (assessment_id, stage, round, data, created_by,
		created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		s.AssessmentID, s.Stage, s.Round, s.Data, nullID(s.CreatedBy), dbTime(created)).Scan(&s.ID)
	if err != nil {
		return storeError(err, "create snapshot", "快照")
	}
	s.CreatedAt = created
	return nil
}

const snapshotColumns = `id, assessment_id, stage, round, COALESCE(created_by, 0), created_at`

func scanSnapshot(s scanner, sn *ziping.Snapshot, extra ...any) error {
	return s.Scan(append([]any{&sn.ID, &sn.AssessmentID, &sn.Stage, &sn.Round, &sn.CreatedBy,
		stamp{&sn.CreatedAt}}, extra...)...)
}

// Snapshot returns the snapshot with the given id, with its Data.
func (c conn) Snapshot(ctx context.Context, id int64) (*ziping.Snapshot, error) {
	var s ziping.Snapshot
	err := scanSnapshot(c.q.QueryRowContext(ctx, `SELECT `+snapshotColumns+`, data FROM snapshots WHERE id = ?`, id),
		&s, &s.Data)
	if err != nil {
		return nil, storeError(err, "snapshot", fmt.Sprintf("快照（编号 %d）", id))
	}
	return &s, nil
}

// Snapshots returns the snapshots of an assessment without their Data, oldest first
// (by id: CreatedAt is whatever the caller gave).
func (c conn) Snapshots(ctx context.Context, assessmentID int64) ([]ziping.Snapshot, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+snapshotColumns+` FROM snapshots
		WHERE assessment_id = ? ORDER BY id`, assessmentID)
	if err != nil {
		return nil, storeError(err, "snapshots", "")
	}
	defer rows.Close()
	var out []ziping.Snapshot
	for rows.Next() {
		var s ziping.Snapshot
		if err := scanSnapshot(rows, &s); err != nil {
			return nil, internal("scan snapshot", err)
		}
		out = append(out, s)
	}
	return out, storeError(rows.Err(), "snapshots", "")
}
