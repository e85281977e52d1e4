package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/jackc/pgx/v5"

	"ziping"
)

// The size of evidence is its file's: evidence rows hold only the link.
const evidenceColumns = `e.id, e.assessment_id, e.point, COALESCE(e.problem_id, 0), e.title, e.doc_number,
	e.period, e.file_name, e.content_type, f.size, e.sha256, e.to_confirm, COALESCE(e.created_by, 0),
	e.created_at`

const evidenceFrom = ` FROM evidence e JOIN evidence_files f ON f.sha256 = e.sha256`

func scanEvidence(r pgx.Row, e *ziping.Evidence) error {
	return r.Scan(&e.ID, &e.AssessmentID, &e.Point, &e.ProblemID, &e.Title, &e.DocNumber,
		&e.Period, &e.FileName, &e.ContentType, &e.Size, &e.SHA256, &e.ToConfirm, &e.CreatedBy,
		stamp{&e.CreatedAt})
}

// CreateEvidence records e and sets its ID, and its Size to the kept file's. It keeps
// data under e.SHA256 unless a file with that hash is kept already (Invalid when
// data does not hash to e.SHA256); with data nil it links to the kept file, NotFound
// when there is none.
// A zero CreatedAt becomes now (set in e as stored). The file and the link are
// written together or not at all.
func (db *DB) CreateEvidence(ctx context.Context, e *ziping.Evidence, data []byte) error {
	if data != nil {
		if h := sha256.Sum256(data); hex.EncodeToString(h[:]) != e.SHA256 {
			return ziping.Errorf(ziping.Invalid, "文件的校验值与内容不符")
		}
	}
	created := nowIfZero(e.CreatedAt)
	var id, size int64
	err := db.atomic(ctx, func(q querier) error {
		if data != nil {
			_, err := q.Exec(ctx, `INSERT INTO evidence_files (sha256, data, size)
				VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING`, e.SHA256, data, len(data))
			if err != nil {
				return err
			}
		}
		return q.QueryRow(ctx, `WITH f AS (SELECT sha256, size FROM evidence_files WHERE sha256 = $1),
			i AS (INSERT INTO evidence (assessment_id, point, problem_id, title, doc_number, period,
				file_name, content_type, sha256, to_confirm, created_by, created_at)
				SELECT $2::bigint, $3::text, $4::bigint, $5::text, $6::text, $7::integer, $8::text, $9::text,
				f.sha256, $10::boolean, $11::bigint, $12::timestamptz FROM f RETURNING id)
			SELECT i.id, f.size FROM i, f`,
			e.SHA256, e.AssessmentID, e.Point, nullID(e.ProblemID), e.Title, e.DocNumber, e.Period,
			e.FileName, e.ContentType, e.ToConfirm, nullID(e.CreatedBy), created).Scan(&id, &size)
	})
	if err != nil {
		err = storeError(err, "create evidence", fmt.Sprintf("文件（校验值 %.12s…）", e.SHA256))
		return refError(err, "佐证材料所属的评估或问题不存在")
	}
	e.ID, e.Size, e.CreatedAt = id, size, created
	return nil
}

// Evidence returns the evidence with the given id (without the file).
func (db *DB) Evidence(ctx context.Context, id int64) (*ziping.Evidence, error) {
	var e ziping.Evidence
	err := scanEvidence(db.q.QueryRow(ctx, `SELECT `+evidenceColumns+evidenceFrom+` WHERE e.id = $1`, id), &e)
	if err != nil {
		return nil, storeError(err, "evidence", fmt.Sprintf("佐证材料（编号 %d）", id))
	}
	return &e, nil
}

// EvidenceOf returns the evidence of an assessment, ordered by id.
func (db *DB) EvidenceOf(ctx context.Context, assessmentID int64) ([]ziping.Evidence, error) {
	rows, err := db.q.Query(ctx, `SELECT `+evidenceColumns+evidenceFrom+`
		WHERE e.assessment_id = $1 ORDER BY e.id`, assessmentID)
	return collect(rows, err, "evidence of", scanEvidence)
}

// EvidenceFile returns the bytes of the kept file with the given SHA-256.
func (db *DB) EvidenceFile(ctx context.Context, sum string) ([]byte, error) {
	var data []byte
	err := db.q.QueryRow(ctx, `SELECT data FROM evidence_files WHERE sha256 = $1`, sum).Scan(&data)
	if err != nil {
		return nil, storeError(err, "evidence file", fmt.Sprintf("文件（校验值 %.12s…）", sum))
	}
	if data == nil {
		data = []byte{} // an empty file is still a file
	}
	return data, nil
}

// DeleteEvidence deletes the link; the file stays, for other links and for the
// snapshots that name it. NotFound when there is no such evidence.
func (db *DB) DeleteEvidence(ctx context.Context, id int64) error {
	tag, err := db.exec(ctx, "delete evidence", "", `DELETE FROM evidence WHERE id = $1`, id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return noRow("delete evidence", fmt.Sprintf("佐证材料（编号 %d）", id))
	}
	return nil
}
