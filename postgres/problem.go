package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"ziping"
)

const problemColumns = `p.id, p.assessment_id, p.unit_id, p.framework, p.period, p.point, p.source,
	p.description, p.measures, p.owner, p.deadline, p.status, p.note, COALESCE(p.carried_from, 0),
	p.version, COALESCE(p.created_by, 0), p.created_at, p.updated_at, p.data_gap`

func scanProblem(r pgx.Row, p *ziping.Problem) error {
	return r.Scan(&p.ID, &p.AssessmentID, &p.UnitID, &p.Framework, &p.Period, &p.Point, &p.Source,
		&p.Description, &p.Measures, &p.Owner, stamp{&p.Deadline}, &p.Status, &p.Note, &p.CarriedFrom,
		&p.Version, &p.CreatedBy, stamp{&p.CreatedAt}, stamp{&p.UpdatedAt}, &p.DataGap)
}

// CreateProblem inserts p and sets its ID and Version 1. UnitID, Framework and
// Period are kept as given (they repeat the assessment's; the service sees to that).
// A zero CreatedAt or UpdatedAt becomes now; Deadline is kept as a date, midnight
// UTC of its UTC day; the times in p are set to what is stored. An assessment, unit
// or carried-from problem that does not exist is NotFound.
func (db *DB) CreateProblem(ctx context.Context, p *ziping.Problem) error {
	created := nowIfZero(p.CreatedAt)
	updated := created
	if !p.UpdatedAt.IsZero() {
		updated = storedTime(p.UpdatedAt)
	}
	var id int64
	err := db.guarded(ctx, func(q querier) error {
		return q.QueryRow(ctx, `INSERT INTO problems (assessment_id, unit_id, framework, period, point,
			source, description, measures, owner, deadline, status, note, carried_from, version,
			created_by, created_at, updated_at, data_gap)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $15, $16, $17) RETURNING id`,
			p.AssessmentID, p.UnitID, p.Framework, p.Period, p.Point, p.Source, p.Description, p.Measures,
			p.Owner, dbDate(p.Deadline), p.Status, p.Note, nullID(p.CarriedFrom), nullID(p.CreatedBy),
			created, updated, p.DataGap).Scan(&id)
	})
	if err != nil {
		return refError(storeError(err, "create problem", "问题"), "问题所属的评估、单位或所延续的问题不存在")
	}
	p.ID, p.Version, p.CreatedAt, p.UpdatedAt, p.Deadline = id, 1, created, updated, day(p.Deadline)
	return nil
}

// dbDate is a deadline as stored: the date of t's UTC day; NULL for the zero time.
func dbDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return day(t)
}

// day is midnight UTC starting t's UTC day, as a date column comes back; zero for
// zero.
func day(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Problem returns the problem with the given id.
func (db *DB) Problem(ctx context.Context, id int64) (*ziping.Problem, error) {
	var p ziping.Problem
	err := scanProblem(db.q.QueryRow(ctx, `SELECT `+problemColumns+` FROM problems p WHERE p.id = $1`, id), &p)
	if err != nil {
		return nil, storeError(err, "problem", fmt.Sprintf("问题（编号 %d）", id))
	}
	return &p, nil
}

// Problems returns the problems q selects, ordered by id.
func (db *DB) Problems(ctx context.Context, q ziping.ProblemQuery) ([]ziping.Problem, error) {
	var f filter
	f.subtree(q.UnitPath)
	if q.AssessmentID != 0 {
		f.add(`p.assessment_id = $?`, q.AssessmentID)
	}
	if q.Framework != "" {
		f.add(`p.framework = $?`, q.Framework)
	}
	if q.Period != 0 {
		f.add(`p.period = $?`, q.Period)
	}
	if len(q.Statuses) > 0 {
		f.add(`p.status = ANY ($?::text[])`, q.Statuses)
	}
	query := `SELECT ` + problemColumns + ` FROM problems p`
	if q.UnitPath != "" {
		query += ` JOIN units ON units.id = p.unit_id`
	}
	rows, err := db.q.Query(ctx, query+f.sql()+` ORDER BY p.id`, f.args...)
	return collect(rows, err, "problems", scanProblem)
}

// UpdateProblem writes every field of p but ID, AssessmentID, UnitID, Framework,
// Period and CreatedAt, when the stored version is p.Version, and sets p.Version to
// the new one. A zero UpdatedAt becomes now. Conflict when another write came
// first, NotFound when there is no such problem.
func (db *DB) UpdateProblem(ctx context.Context, p *ziping.Problem) error {
	updated := nowIfZero(p.UpdatedAt)
	v, err := db.versioned(ctx, "update problem", fmt.Sprintf("问题（编号 %d）", p.ID),
		`UPDATE problems SET point = $3, source = $4, description = $5, measures = $6, owner = $7,
		deadline = $8, status = $9, note = $10, carried_from = $11, created_by = $12, updated_at = $13,
		data_gap = $14, version = version + 1 WHERE id = $1 AND version = $2 RETURNING version`,
		`SELECT 1 FROM problems WHERE id = $1`,
		p.ID, p.Version, p.Point, p.Source, p.Description, p.Measures, p.Owner, dbDate(p.Deadline),
		p.Status, p.Note, nullID(p.CarriedFrom), nullID(p.CreatedBy), updated, p.DataGap)
	if err != nil {
		return refError(err, "所延续的问题不存在")
	}
	p.Version, p.UpdatedAt, p.Deadline = v, updated, day(p.Deadline)
	return nil
}
