package sqlite

import (
	"context"
	"time"

	"ziping"
)

// The survey's writes on the DB: each runs the conn method in a write transaction of
// its own on the writer connection (see write.go).

// SaveQuestionnaire keeps a questionnaire version; see conn.SaveQuestionnaire.
func (db *DB) SaveQuestionnaire(ctx context.Context, q *ziping.StoredQuestionnaire) error {
	return db.inTx(ctx, func(c conn) error { return c.SaveQuestionnaire(ctx, q) })
}

// CreateSurveyRound inserts a round; see conn.CreateSurveyRound.
func (db *DB) CreateSurveyRound(ctx context.Context, r *ziping.SurveyRound) error {
	return db.inTx(ctx, func(c conn) error { return c.CreateSurveyRound(ctx, r) })
}

// UpdateSurveyRound writes a round if nobody wrote it since; see conn.UpdateSurveyRound.
func (db *DB) UpdateSurveyRound(ctx context.Context, r *ziping.SurveyRound) error {
	return db.inTx(ctx, func(c conn) error { return c.UpdateSurveyRound(ctx, r) })
}

// TouchSurveyRound counts a change of a round; see conn.TouchSurveyRound.
func (db *DB) TouchSurveyRound(ctx context.Context, id int64) (clean bool, err error) {
	err = db.inTx(ctx, func(c conn) error {
		clean, err = c.TouchSurveyRound(ctx, id)
		return err
	})
	return clean, err
}

// CleanSurveyRound clears a round's dirty mark; see conn.CleanSurveyRound.
func (db *DB) CleanSurveyRound(ctx context.Context, id int64) error {
	return db.inTx(ctx, func(c conn) error { return c.CleanSurveyRound(ctx, id) })
}

// CreateSurveyLink inserts a link; see conn.CreateSurveyLink.
func (db *DB) CreateSurveyLink(ctx context.Context, l *ziping.SurveyLink) error {
	return db.inTx(ctx, func(c conn) error { return c.CreateSurveyLink(ctx, l) })
}

// SetSurveyLinkDisabled turns a link off or on; see conn.SetSurveyLinkDisabled.
func (db *DB) SetSurveyLinkDisabled(ctx context.Context, id int64, disabled bool) error {
	return db.inTx(ctx, func(c conn) error { return c.SetSurveyLinkDisabled(ctx, id, disabled) })
}

// CreateSurveyTokens keeps a batch of tokens, all or none; see conn.CreateSurveyTokens.
func (db *DB) CreateSurveyTokens(ctx context.Context, tokens []ziping.SurveyToken) error {
	return db.inTx(ctx, func(c conn) error { return c.CreateSurveyTokens(ctx, tokens) })
}

// UseSurveyToken marks a token used; see conn.UseSurveyToken.
func (db *DB) UseSurveyToken(ctx context.Context, hash string, linkID, responseID int64, at time.Time) error {
	return db.inTx(ctx, func(c conn) error { return c.UseSurveyToken(ctx, hash, linkID, responseID, at) })
}

// AddSurveyResponse appends a response; see conn.AddSurveyResponse.
func (db *DB) AddSurveyResponse(ctx context.Context, r *ziping.SurveyResponse) (added bool, err error) {
	err = db.inTx(ctx, func(c conn) error {
		added, err = c.AddSurveyResponse(ctx, r)
		return err
	})
	return added, err
}

// AddSurveyExclusion appends an exclusion decision; see conn.AddSurveyExclusion.
func (db *DB) AddSurveyExclusion(ctx context.Context, e *ziping.SurveyExclusion) error {
	return db.inTx(ctx, func(c conn) error { return c.AddSurveyExclusion(ctx, e) })
}
