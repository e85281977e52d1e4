package sqlite

import (
	"context"
	"fmt"
	"time"

	"ziping"
)

const problemColumns = `p.id, p.assessment_id, p.unit_id, p.framework, p.period, p.point, p.source,
	p.description, p.measures, p.owner, p.deadline, p.status, p.note, COALESCE(p.carried_from, 0), p.version,
	COALESCE(p.created_by, 0), p.created_at, p.updated_at, p.data_gap`

func scanProblem(s scanner, p *ziping.Problem) error {
	return s.Scan(&p.ID, &p.AssessmentID, &p.UnitID, &p.Framework, &p.Period, &p.Point, &p.Source,
		&p.Description, &p.Measures, &p.Owner, stamp{&p.Deadline}, &p.Status, &p.Note, &p.CarriedFrom,
		&p.Version, &p.CreatedBy, stamp{&p.CreatedAt}, stamp{&p.UpdatedAt}, &p.DataGap)
}

// CreateProblem inserts p with Version 1 and sets its ID. A zero CreatedAt or
// UpdatedAt becomes now; Deadline is kept as a date (midnight UTC of its UTC day); the
// times in p are set as stored. NotFound when the assessment, the unit or the
// problem carried from does not exist.
func (c conn) CreateProblem(ctx context.Context, p *ziping.Problem) error {
	now := time.Now()
	created, updated, deadline := nowIfZeroAt(p.CreatedAt, now), nowIfZeroAt(p.UpdatedAt, now), day(p.Deadline)
	var id int64
	err := c.q.QueryRowContext(ctx, `INSERT INTO problems (assessment_id, unit_id, framework, period, point,
		source, description, measures, owner, deadline, status, note, carried_from, version, created_by,
		created_at, updated_at, data_gap) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) RETURNING id`,
		p.AssessmentID, p.UnitID, p.Framework, p.Period, p.Point, p.Source, p.Description, p.Measures, p.Owner,
		dbTime(deadline), p.Status, p.Note, nullID(p.CarriedFrom), nullID(p.CreatedBy), dbTime(created),
		dbTime(updated), p.DataGap).Scan(&id)
	if err != nil {
		return storeError(err, "create problem", "问题")
	}
	p.ID, p.Version, p.CreatedAt, p.UpdatedAt, p.Deadline = id, 1, created, updated, deadline
	return nil
}

// day is the midnight UTC starting t's day in UTC, zero for zero.
func day(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(24 * time.Hour)
}

// Problem returns the problem with the given id.
func (c conn) Problem(ctx context.Context, id int64) (*ziping.Problem, error) {
	var p ziping.Problem
	err := scanProblem(c.q.QueryRowContext(ctx, `SELECT `+problemColumns+` FROM problems p WHERE p.id = ?`, id), &p)
	if err != nil {
		return nil, storeError(err, "problem", fmt.Sprintf("问题（编号 %d）", id))
	}
	return &p, nil
}

// Problems returns the problems q selects, ordered by id. Zero fields of q do not
// filter.
func (c conn) Problems(ctx context.Context, q ziping.ProblemQuery) ([]ziping.Problem, error) {
	query := `SELECT ` + problemColumns + ` FROM problems p`
	var f filter
	if q.UnitPath != "" {
		query += ` JOIN units u ON u.id = p.unit_id`
		if err := f.subtree(q.UnitPath); err != nil {
			return nil, err
		}
	}
	if q.AssessmentID != 0 {
		f.add(`p.assessment_id = ?`, q.AssessmentID)
	}
	if q.Framework != "" {
		f.add(`p.framework = ?`, q.Framework)
	}
	if q.Period != 0 {
		f.add(`p.period = ?`, q.Period)
	}
	addIn(&f, `p.status`, q.Statuses)
	rows, err := c.q.QueryContext(ctx, query+f.where()+` ORDER BY p.id`, f.args...)
	if err != nil {
		return nil, storeError(err, "problems", "")
	}
	defer rows.Close()
	var out []ziping.Problem
	for rows.Next() {
		var p ziping.Problem
		if err := scanProblem(rows, &p); err != nil {
			return nil, internal("scan problem", err)
		}
		out = append(out, p)
	}
	return out, storeError(rows.Err(), "problems", "")
}

// UpdateProblem writes every field of p but ID, AssessmentID, UnitID, Framework,
// Period and CreatedAt when the stored version is p.Version, and sets p.Version to
// the next one and UpdatedAt (now when zero) as stored. Conflict when the version
// moved on; NotFound when there is no such problem.
func (c conn) UpdateProblem(ctx context.Context, p *ziping.Problem) error {
	updated, deadline := nowIfZero(p.UpdatedAt), day(p.Deadline)
	what, op := fmt.Sprintf("问题（编号 %d）", p.ID), "update problem"
	res, err := c.q.ExecContext(ctx, `UPDATE problems SET point = ?, source = ?, description = ?, measures = ?,
		owner = ?, deadline = ?, status = ?, note = ?, carried_from = ?, version = version + 1, created_by = ?,
		updated_at = ?, data_gap = ? WHERE id = ? AND version = ?`,
		p.Point, p.Source, p.Description, p.Measures, p.Owner, dbTime(deadline), p.Status, p.Note,
		nullID(p.CarriedFrom), nullID(p.CreatedBy), dbTime(updated), p.DataGap, p.ID, p.Version)
	if err != nil {
		return storeError(err, op, what)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return c.missedWrite(ctx, err, op, what, `SELECT 1 FROM problems WHERE id = ?`, p.ID)
	}
	p.Version++
	p.UpdatedAt, p.Deadline = updated, deadline
	return nil
}
