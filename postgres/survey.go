package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"ziping"
)

// The survey's store (ziping.SurveyStore): questionnaires, rounds, links, tokens,
// responses and exclusions.

const questionnaireColumns = `id, version, name, framework, source, builtin, created_at, COALESCE(created_by, 0)`

func scanQuestionnaire(r pgx.Row, q *ziping.StoredQuestionnaire) error {
	return r.Scan(&q.ID, &q.Version, &q.Name, &q.Framework, &q.Source, &q.Builtin, stamp{&q.CreatedAt}, &q.CreatedBy)
}

// SaveQuestionnaire keeps a questionnaire version; Conflict when it exists.
func (db *DB) SaveQuestionnaire(ctx context.Context, q *ziping.StoredQuestionnaire) error {
	created := nowIfZero(q.CreatedAt)
	source := q.Source
	if source == nil {
		source = []byte{}
	}
	_, err := db.exec(ctx, "save questionnaire", fmt.Sprintf("问卷「%s」版本「%s」", q.ID, q.Version),
		`INSERT INTO questionnaires (id, version, name, framework, source, builtin, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		q.ID, q.Version, q.Name, q.Framework, source, q.Builtin, created, nullID(q.CreatedBy))
	if err != nil {
		return err
	}
	q.CreatedAt = created
	return nil
}

// Questionnaire returns a version, or the one saved last when version is "".
func (db *DB) Questionnaire(ctx context.Context, id, version string) (*ziping.StoredQuestionnaire, error) {
	query := `SELECT ` + questionnaireColumns + ` FROM questionnaires WHERE id = $1 AND version = $2`
	args := []any{id, version}
	what := fmt.Sprintf("问卷「%s」版本「%s」", id, version)
	if version == "" {
		query = `SELECT ` + questionnaireColumns + ` FROM questionnaires WHERE id = $1 ORDER BY ` + latestFirst + ` LIMIT 1`
		args, what = args[:1], fmt.Sprintf("问卷「%s」", id)
	}
	var q ziping.StoredQuestionnaire
	if err := scanQuestionnaire(db.q.QueryRow(ctx, query, args...), &q); err != nil {
		return nil, storeError(err, "questionnaire", what)
	}
	return &q, nil
}

// Questionnaires lists the latest version of each questionnaire, by id.
func (db *DB) Questionnaires(ctx context.Context) ([]ziping.StoredQuestionnaire, error) {
	rows, err := db.q.Query(ctx, `SELECT DISTINCT ON (id) `+questionnaireColumns+` FROM questionnaires
		ORDER BY id, `+latestFirst)
	return collect(rows, err, "questionnaires", scanQuestionnaire)
}

const roundColumns = `r.id, r.unit_id, r.period, r.framework, r.questionnaire, r.questionnaire_version, r.status,
	r.setup, r.salt, r.changes, r.dirty, r.version, COALESCE(r.created_by, 0), r.created_at, r.updated_at`

func scanRound(row pgx.Row, r *ziping.SurveyRound) error {
	return row.Scan(&r.ID, &r.UnitID, &r.Period, &r.Framework, &r.Questionnaire, &r.QuestionnaireVersion, &r.Status,
		&r.Setup, &r.Salt, &r.Changes, &r.Dirty, &r.Version, &r.CreatedBy, stamp{&r.CreatedAt}, stamp{&r.UpdatedAt})
}

func roundWhat(id int64) string { return fmt.Sprintf("调查（编号 %d）", id) }

// CreateSurveyRound inserts r with Version 1 and sets its ID and times.
func (db *DB) CreateSurveyRound(ctx context.Context, r *ziping.SurveyRound) error {
	created := nowIfZero(r.CreatedAt)
	updated := created
	if !r.UpdatedAt.IsZero() {
		updated = storedTime(r.UpdatedAt)
	}
	err := db.guarded(ctx, func(q querier) error {
		return q.QueryRow(ctx, `INSERT INTO survey_rounds (unit_id, period, framework, questionnaire,
			questionnaire_version, status, setup, salt, version, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $11) RETURNING id`,
			r.UnitID, r.Period, r.Framework, r.Questionnaire, r.QuestionnaireVersion, r.Status, blob(r.Setup), r.Salt,
			nullID(r.CreatedBy), created, updated).Scan(&r.ID)
	})
	if err != nil {
		return storeError(err, "create survey round", fmt.Sprintf("该单位「%s」%d 年的调查", r.Framework, r.Period))
	}
	r.Version, r.CreatedAt, r.UpdatedAt, r.Changes, r.Dirty = 1, created, updated, 0, false
	return nil
}

// SurveyRound returns a round.
func (db *DB) SurveyRound(ctx context.Context, id int64) (*ziping.SurveyRound, error) {
	var r ziping.SurveyRound
	if err := scanRound(db.q.QueryRow(ctx, `SELECT `+roundColumns+` FROM survey_rounds r WHERE r.id = $1`, id), &r); err != nil {
		return nil, storeError(err, "survey round", roundWhat(id))
	}
	return &r, nil
}

// SurveyRoundFor returns the unit's round of the framework and period.
func (db *DB) SurveyRoundFor(ctx context.Context, framework string, unitID int64, period int) (*ziping.SurveyRound, error) {
	var r ziping.SurveyRound
	err := scanRound(db.q.QueryRow(ctx, `SELECT `+roundColumns+` FROM survey_rounds r
		WHERE r.unit_id = $1 AND r.framework = $2 AND r.period = $3`, unitID, framework, period), &r)
	if err != nil {
		return nil, storeError(err, "survey round for", fmt.Sprintf("「%s」%d 年的调查", framework, period))
	}
	return &r, nil
}

// SurveyRounds lists the rounds q selects by unit path, period and framework.
func (db *DB) SurveyRounds(ctx context.Context, q ziping.SurveyRoundQuery) ([]ziping.SurveyRound, error) {
	var f filter
	f.subtree(q.UnitPath)
	if q.Period != 0 {
		f.add(`r.period = $?`, q.Period)
	}
	if q.Framework != "" {
		f.add(`r.framework = $?`, q.Framework)
	}
	if len(q.UnitIDs) > 0 {
		f.add(`r.unit_id = ANY ($?::bigint[])`, q.UnitIDs)
	}
	rows, err := db.q.Query(ctx, `SELECT `+roundColumns+` FROM survey_rounds r
		JOIN units ON units.id = r.unit_id`+f.sql()+` ORDER BY units.path, r.period, r.framework`, f.args...)
	return collect(rows, err, "survey rounds", scanRound)
}

// UpdateSurveyRound writes Status, Setup and UpdatedAt when the version matches.
func (db *DB) UpdateSurveyRound(ctx context.Context, r *ziping.SurveyRound) error {
	updated := nowIfZero(r.UpdatedAt)
	v, err := db.versioned(ctx, "update survey round", roundWhat(r.ID),
		`UPDATE survey_rounds SET status = $3, setup = $4, updated_at = $5, version = version + 1
		WHERE id = $1 AND version = $2 RETURNING version`,
		`SELECT 1 FROM survey_rounds WHERE id = $1`, r.ID, r.Version, r.Status, blob(r.Setup), updated)
	if err != nil {
		return err
	}
	r.Version, r.UpdatedAt = v, updated
	return nil
}

// TouchSurveyRound counts a change and marks the round dirty; true when it was clean.
func (db *DB) TouchSurveyRound(ctx context.Context, id int64) (bool, error) {
	var was bool
	err := db.guarded(ctx, func(q querier) error {
		return q.QueryRow(ctx, `UPDATE survey_rounds r SET changes = r.changes + 1, dirty = true
			FROM (SELECT id, dirty FROM survey_rounds WHERE id = $1 FOR UPDATE) old
			WHERE r.id = old.id RETURNING old.dirty`, id).Scan(&was)
	})
	if err != nil {
		return false, storeError(err, "touch survey round", roundWhat(id))
	}
	return !was, nil
}

// CleanSurveyRound clears the dirty mark.
func (db *DB) CleanSurveyRound(ctx context.Context, id int64) error {
	tag, err := db.exec(ctx, "clean survey round", roundWhat(id), `UPDATE survey_rounds SET dirty = false WHERE id = $1`, id)
	if err == nil && tag.RowsAffected() == 0 {
		return noRow("clean survey round", roundWhat(id))
	}
	return err
}

const linkColumns = `id, round_id, key, form, grp, school, school_name, area, tokens, disabled,
	COALESCE(created_by, 0), created_at`

func scanLink(r pgx.Row, l *ziping.SurveyLink) error {
	return r.Scan(&l.ID, &l.RoundID, &l.Key, &l.Form, &l.Group, &l.School, &l.SchoolName, &l.Area, &l.Tokens,
		&l.Disabled, &l.CreatedBy, stamp{&l.CreatedAt})
}

// CreateSurveyLink inserts l and sets its ID.
func (db *DB) CreateSurveyLink(ctx context.Context, l *ziping.SurveyLink) error {
	created := nowIfZero(l.CreatedAt)
	err := db.guarded(ctx, func(q querier) error {
		return q.QueryRow(ctx, `INSERT INTO survey_links (round_id, key, form, grp, school, school_name, area,
			tokens, disabled, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			l.RoundID, l.Key, l.Form, l.Group, l.School, l.SchoolName, l.Area, l.Tokens, l.Disabled, nullID(l.CreatedBy),
			created).Scan(&l.ID)
	})
	if err != nil {
		return storeError(err, "create survey link", "调查链接")
	}
	l.CreatedAt = created
	return nil
}

// SurveyLink returns a link by id.
func (db *DB) SurveyLink(ctx context.Context, id int64) (*ziping.SurveyLink, error) {
	var l ziping.SurveyLink
	if err := scanLink(db.q.QueryRow(ctx, `SELECT `+linkColumns+` FROM survey_links WHERE id = $1`, id), &l); err != nil {
		return nil, storeError(err, "survey link", "调查链接")
	}
	return &l, nil
}

// SurveyLinkByKey returns the link of a public URL.
func (db *DB) SurveyLinkByKey(ctx context.Context, key string) (*ziping.SurveyLink, error) {
	var l ziping.SurveyLink
	if err := scanLink(db.q.QueryRow(ctx, `SELECT `+linkColumns+` FROM survey_links WHERE key = $1`, key), &l); err != nil {
		return nil, storeError(err, "survey link by key", "调查链接")
	}
	return &l, nil
}

// SurveyLinks lists a round's links by id.
func (db *DB) SurveyLinks(ctx context.Context, roundID int64) ([]ziping.SurveyLink, error) {
	rows, err := db.q.Query(ctx, `SELECT `+linkColumns+` FROM survey_links WHERE round_id = $1 ORDER BY id`, roundID)
	return collect(rows, err, "survey links", scanLink)
}

// SetSurveyLinkDisabled turns a link off or on again.
func (db *DB) SetSurveyLinkDisabled(ctx context.Context, id int64, disabled bool) error {
	tag, err := db.exec(ctx, "disable survey link", "调查链接", `UPDATE survey_links SET disabled = $2 WHERE id = $1`, id, disabled)
	if err == nil && tag.RowsAffected() == 0 {
		return noRow("disable survey link", "调查链接")
	}
	return err
}

// CreateSurveyTokens keeps a batch of tokens, all or none.
func (db *DB) CreateSurveyTokens(ctx context.Context, tokens []ziping.SurveyToken) error {
	err := db.atomic(ctx, func(q querier) error {
		for i := range tokens {
			t := &tokens[i]
			t.CreatedAt = nowIfZero(t.CreatedAt)
			if _, err := q.Exec(ctx, `INSERT INTO survey_tokens (hash, link_id, batch, created_at) VALUES ($1, $2, $3, $4)`,
				t.Hash, t.LinkID, t.Batch, t.CreatedAt); err != nil {
				return err
			}
		}
		return nil
	})
	return storeError(err, "create survey tokens", "口令")
}

// UseSurveyToken marks a link's token used by a response.
func (db *DB) UseSurveyToken(ctx context.Context, hash string, linkID, responseID int64, at time.Time) error {
	var used, found bool
	err := db.guarded(ctx, func(q querier) error {
		return q.QueryRow(ctx, `WITH w AS (UPDATE survey_tokens SET used_at = $4, response_id = $3
			WHERE hash = $1 AND link_id = $2 AND used_at IS NULL RETURNING 1)
			SELECT EXISTS (SELECT 1 FROM w), EXISTS (SELECT 1 FROM survey_tokens WHERE hash = $1 AND link_id = $2)`,
			hash, linkID, responseID, nowIfZero(at)).Scan(&used, &found)
	})
	switch {
	case err != nil:
		return storeError(err, "use survey token", "该口令")
	case !found:
		return noRow("use survey token", "该口令")
	case !used:
		return ziping.Errorf(ziping.Conflict, "该口令已经使用过")
	}
	return nil
}

// SurveyTokenCounts counts the tokens of each link of a round.
func (db *DB) SurveyTokenCounts(ctx context.Context, roundID int64) (map[int64]ziping.SurveyTokenCount, error) {
	type row struct {
		link        int64
		total, used int
	}
	rows, err := db.q.Query(ctx, `SELECT t.link_id, count(*), count(t.used_at) FROM survey_tokens t
		JOIN survey_links l ON l.id = t.link_id WHERE l.round_id = $1 GROUP BY t.link_id`, roundID)
	list, err := collect(rows, err, "survey token counts", func(r pgx.Row, v *row) error { return r.Scan(&v.link, &v.total, &v.used) })
	if err != nil {
		return nil, err
	}
	out := map[int64]ziping.SurveyTokenCount{}
	for _, r := range list {
		out[r.link] = ziping.SurveyTokenCount{Total: r.total, Used: r.used}
	}
	return out, nil
}

const responseColumns = `id, round_id, COALESCE(link_id, 0), client_id, form, grp, school, area, answers, started_at,
	network, device, source, created_at`

func scanResponse(row pgx.Row, r *ziping.SurveyResponse) error {
	return row.Scan(&r.ID, &r.RoundID, &r.LinkID, &r.ClientID, &r.Form, &r.Group, &r.School, &r.Area, &r.Answers,
		stamp{&r.StartedAt}, &r.Network, &r.Device, &r.Source, stamp{&r.CreatedAt})
}

// AddSurveyResponse appends r unless the round has its client id already.
func (db *DB) AddSurveyResponse(ctx context.Context, r *ziping.SurveyResponse) (bool, error) {
	created := nowIfZero(r.CreatedAt)
	answers := r.Answers
	if answers == nil {
		answers = []byte("{}")
	}
	var id int64
	var added bool
	err := db.guarded(ctx, func(q querier) error {
		return q.QueryRow(ctx, `WITH ins AS (INSERT INTO survey_responses (round_id, link_id, client_id, form, grp,
			school, area, answers, started_at, network, device, source, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
			ON CONFLICT (round_id, client_id) DO NOTHING RETURNING id)
			SELECT id, true FROM ins
			UNION ALL SELECT id, false FROM survey_responses WHERE round_id = $1 AND client_id = $3
			LIMIT 1`,
			r.RoundID, nullID(r.LinkID), r.ClientID, r.Form, r.Group, r.School, r.Area, answers, dbTime(r.StartedAt),
			r.Network, r.Device, r.Source, created).Scan(&id, &added)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		// A concurrent insert of the same client id committed while ours waited on
		// it: ours did nothing, and the statement's snapshot is older than that
		// row. A new statement sees it (READ COMMITTED).
		err = db.q.QueryRow(ctx, `SELECT id FROM survey_responses WHERE round_id = $1 AND client_id = $2`,
			r.RoundID, r.ClientID).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return false, ziping.Errorf(ziping.Busy, "同一份答卷正在提交，请稍候")
		}
	}
	if err != nil {
		return false, storeError(err, "add survey response", "答卷")
	}
	r.ID = id
	if added {
		r.CreatedAt, r.StartedAt = created, storedTime(r.StartedAt)
	}
	return added, nil
}

// SurveyResponses lists a round's responses by id.
func (db *DB) SurveyResponses(ctx context.Context, roundID int64) ([]ziping.SurveyResponse, error) {
	rows, err := db.q.Query(ctx, `SELECT `+responseColumns+` FROM survey_responses WHERE round_id = $1 ORDER BY id`, roundID)
	return collect(rows, err, "survey responses", scanResponse)
}

// AddSurveyExclusion appends a decision about a response of the round.
func (db *DB) AddSurveyExclusion(ctx context.Context, e *ziping.SurveyExclusion) error {
	at := nowIfZero(e.At)
	err := db.guarded(ctx, func(q querier) error {
		return q.QueryRow(ctx, `INSERT INTO survey_exclusions (round_id, response_id, excluded, reason, by_user, at)
			SELECT $1, id, $2, $3, $4, $5 FROM survey_responses WHERE id = $6 AND round_id = $1 RETURNING id`,
			e.RoundID, e.Excluded, e.Reason, nullID(e.By), at, e.ResponseID).Scan(&e.ID)
	})
	if err != nil {
		return storeError(err, "add survey exclusion", fmt.Sprintf("答卷（编号 %d）", e.ResponseID))
	}
	e.At = at
	return nil
}

const exclusionColumns = `id, round_id, response_id, excluded, reason, COALESCE(by_user, 0), at`

func scanExclusion(r pgx.Row, e *ziping.SurveyExclusion) error {
	return r.Scan(&e.ID, &e.RoundID, &e.ResponseID, &e.Excluded, &e.Reason, &e.By, stamp{&e.At})
}

// SurveyExclusions lists a round's exclusion decisions by id.
func (db *DB) SurveyExclusions(ctx context.Context, roundID int64) ([]ziping.SurveyExclusion, error) {
	rows, err := db.q.Query(ctx, `SELECT `+exclusionColumns+` FROM survey_exclusions WHERE round_id = $1 ORDER BY id`, roundID)
	return collect(rows, err, "survey exclusions", scanExclusion)
}
