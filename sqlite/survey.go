package sqlite

import (
	"context"
	"fmt"
	"time"

	"ziping"
)

// The survey's store (ziping.SurveyStore): questionnaires, rounds, links, tokens,
// responses and exclusions. The writes are conn methods; survey_write.go runs each in
// a write transaction of its own when called on the DB.

const questionnaireColumns = `id, version, name, framework, source, builtin, created_at, COALESCE(created_by, 0)`

func scanQuestionnaire(s scanner, q *ziping.StoredQuestionnaire) error {
	return s.Scan(&q.ID, &q.Version, &q.Name, &q.Framework, &q.Source, &q.Builtin, stamp{&q.CreatedAt}, &q.CreatedBy)
}

// SaveQuestionnaire keeps a questionnaire version; Conflict when it exists.
func (c conn) SaveQuestionnaire(ctx context.Context, q *ziping.StoredQuestionnaire) error {
	created := nowIfZero(q.CreatedAt)
	source := q.Source
	if source == nil {
		source = []byte{}
	}
	_, err := c.q.ExecContext(ctx, `INSERT INTO questionnaires (id, version, name, framework, source, builtin,
		created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		q.ID, q.Version, q.Name, q.Framework, source, q.Builtin, dbTime(created), nullID(q.CreatedBy))
	if err != nil {
		return storeError(err, "save questionnaire", fmt.Sprintf("问卷「%s」版本「%s」", q.ID, q.Version))
	}
	q.CreatedAt = created
	return nil
}

// Questionnaire returns a version, or the one saved last when version is "".
func (c conn) Questionnaire(ctx context.Context, id, version string) (*ziping.StoredQuestionnaire, error) {
	query := `SELECT ` + questionnaireColumns + ` FROM questionnaires WHERE id = ? AND version = ?`
	args := []any{id, version}
	what := fmt.Sprintf("问卷「%s」版本「%s」", id, version)
	if version == "" {
		query = `SELECT ` + questionnaireColumns + ` FROM questionnaires WHERE id = ? ORDER BY ` + latestFirst + ` LIMIT 1`
		args, what = args[:1], fmt.Sprintf("问卷「%s」", id)
	}
	var q ziping.StoredQuestionnaire
	if err := scanQuestionnaire(c.q.QueryRowContext(ctx, query, args...), &q); err != nil {
		return nil, storeError(err, "questionnaire", what)
	}
	return &q, nil
}

// Questionnaires lists the latest version of each questionnaire, by id.
func (c conn) Questionnaires(ctx context.Context) ([]ziping.StoredQuestionnaire, error) {
	return queryAll(ctx, c, "questionnaires", scanQuestionnaire, `SELECT `+questionnaireColumns+` FROM (
		SELECT *, row_number() OVER (PARTITION BY id ORDER BY `+latestFirst+`) AS n FROM questionnaires
	) WHERE n = 1 ORDER BY id`)
}

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, c conn, op string, scan func(scanner, *T) error, query string, args ...any) ([]T, error) {
	rows, err := c.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, storeError(err, op, "")
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, internal("scan "+op, err)
		}
		out = append(out, v)
	}
	return out, storeError(rows.Err(), op, "")
}

const roundColumns = `r.id, r.unit_id, r.period, r.framework, r.questionnaire, r.questionnaire_version, r.status,
	r.setup, r.salt, r.changes, r.dirty, r.version, COALESCE(r.created_by, 0), r.created_at, r.updated_at`

func scanRound(s scanner, r *ziping.SurveyRound) error {
	return s.Scan(&r.ID, &r.UnitID, &r.Period, &r.Framework, &r.Questionnaire, &r.QuestionnaireVersion, &r.Status,
		&r.Setup, &r.Salt, &r.Changes, &r.Dirty, &r.Version, &r.CreatedBy, stamp{&r.CreatedAt}, stamp{&r.UpdatedAt})
}

func roundWhat(id int64) string { return fmt.Sprintf("调查（编号 %d）", id) }

// CreateSurveyRound inserts r with Version 1 and sets its ID and times.
func (c conn) CreateSurveyRound(ctx context.Context, r *ziping.SurveyRound) error {
	now := time.Now()
	created, updated := nowIfZeroAt(r.CreatedAt, now), nowIfZeroAt(r.UpdatedAt, now)
	err := c.q.QueryRowContext(ctx, `INSERT INTO survey_rounds (unit_id, period, framework, questionnaire,
		questionnaire_version, status, setup, salt, version, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING id`,
		r.UnitID, r.Period, r.Framework, r.Questionnaire, r.QuestionnaireVersion, r.Status, blob(r.Setup), r.Salt,
		nullID(r.CreatedBy), dbTime(created), dbTime(updated)).Scan(&r.ID)
	if err != nil {
		return storeError(err, "create survey round", fmt.Sprintf("该单位「%s」%d 年的调查", r.Framework, r.Period))
	}
	r.Version, r.CreatedAt, r.UpdatedAt, r.Changes, r.Dirty = 1, created, updated, 0, false
	return nil
}

// SurveyRound returns a round.
func (c conn) SurveyRound(ctx context.Context, id int64) (*ziping.SurveyRound, error) {
	var r ziping.SurveyRound
	if err := scanRound(c.q.QueryRowContext(ctx, `SELECT `+roundColumns+` FROM survey_rounds r WHERE r.id = ?`, id), &r); err != nil {
		return nil, storeError(err, "survey round", roundWhat(id))
	}
	return &r, nil
}

// SurveyRoundFor returns the unit's round of the framework and period.
func (c conn) SurveyRoundFor(ctx context.Context, framework string, unitID int64, period int) (*ziping.SurveyRound, error) {
	var r ziping.SurveyRound
	err := scanRound(c.q.QueryRowContext(ctx, `SELECT `+roundColumns+` FROM survey_rounds r
		WHERE r.unit_id = ? AND r.framework = ? AND r.period = ?`, unitID, framework, period), &r)
	if err != nil {
		return nil, storeError(err, "survey round for", fmt.Sprintf("「%s」%d 年的调查", framework, period))
	}
	return &r, nil
}

// SurveyRounds lists the rounds q selects by unit path, period and framework.
func (c conn) SurveyRounds(ctx context.Context, q ziping.SurveyRoundQuery) ([]ziping.SurveyRound, error) {
	var f filter
	if err := f.subtree(q.UnitPath); err != nil {
		return nil, err
	}
	if q.Period != 0 {
		f.add(`r.period = ?`, q.Period)
	}
	if q.Framework != "" {
		f.add(`r.framework = ?`, q.Framework)
	}
	addIn(&f, `r.unit_id`, q.UnitIDs)
	return queryAll(ctx, c, "survey rounds", scanRound, `SELECT `+roundColumns+` FROM survey_rounds r
		JOIN units u ON u.id = r.unit_id`+f.where()+` ORDER BY u.path, r.period, r.framework`, f.args...)
}

// UpdateSurveyRound writes Status, Setup and UpdatedAt when the version matches.
func (c conn) UpdateSurveyRound(ctx context.Context, r *ziping.SurveyRound) error {
	updated := nowIfZero(r.UpdatedAt)
	what := roundWhat(r.ID)
	res, err := c.q.ExecContext(ctx, `UPDATE survey_rounds SET status = ?, setup = ?, updated_at = ?,
		version = version + 1 WHERE id = ? AND version = ?`, r.Status, blob(r.Setup), dbTime(updated), r.ID, r.Version)
	if err != nil {
		return storeError(err, "update survey round", what)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return c.missedWrite(ctx, err, "update survey round", what, `SELECT 1 FROM survey_rounds WHERE id = ?`, r.ID)
	}
	r.Version++
	r.UpdatedAt = updated
	return nil
}

// TouchSurveyRound counts a change and marks the round dirty; true when it was clean.
func (c conn) TouchSurveyRound(ctx context.Context, id int64) (bool, error) {
	// Both statements run on the one writer inside a write transaction: nobody
	// writes between them.
	var was bool
	if err := c.q.QueryRowContext(ctx, `SELECT dirty FROM survey_rounds WHERE id = ?`, id).Scan(&was); err != nil {
		return false, storeError(err, "touch survey round", roundWhat(id))
	}
	_, err := c.q.ExecContext(ctx, `UPDATE survey_rounds SET changes = changes + 1, dirty = 1 WHERE id = ?`, id)
	if err != nil {
		return false, storeError(err, "touch survey round", roundWhat(id))
	}
	return !was, nil
}

// CleanSurveyRound clears the dirty mark.
func (c conn) CleanSurveyRound(ctx context.Context, id int64) error {
	res, err := c.q.ExecContext(ctx, `UPDATE survey_rounds SET dirty = 0 WHERE id = ?`, id)
	if err != nil {
		return storeError(err, "clean survey round", roundWhat(id))
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return notFoundIfNone(err, "clean survey round", roundWhat(id))
	}
	return nil
}

const linkColumns = `id, round_id, key, form, grp, school, school_name, area, tokens, disabled,
	COALESCE(created_by, 0), created_at`

func scanLink(s scanner, l *ziping.SurveyLink) error {
	return s.Scan(&l.ID, &l.RoundID, &l.Key, &l.Form, &l.Group, &l.School, &l.SchoolName, &l.Area, &l.Tokens,
		&l.Disabled, &l.CreatedBy, stamp{&l.CreatedAt})
}

// CreateSurveyLink inserts l and sets its ID.
func (c conn) CreateSurveyLink(ctx context.Context, l *ziping.SurveyLink) error {
	created := nowIfZero(l.CreatedAt)
	err := c.q.QueryRowContext(ctx, `INSERT INTO survey_links (round_id, key, form, grp, school, school_name, area,
		tokens, disabled, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		l.RoundID, l.Key, l.Form, l.Group, l.School, l.SchoolName, l.Area, l.Tokens, l.Disabled, nullID(l.CreatedBy),
		dbTime(created)).Scan(&l.ID)
	if err != nil {
		return storeError(err, "create survey link", "调查链接")
	}
	l.CreatedAt = created
	return nil
}

// SurveyLink returns a link by id.
func (c conn) SurveyLink(ctx context.Context, id int64) (*ziping.SurveyLink, error) {
	var l ziping.SurveyLink
	if err := scanLink(c.q.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM survey_links WHERE id = ?`, id), &l); err != nil {
		return nil, storeError(err, "survey link", "调查链接")
	}
	return &l, nil
}

// SurveyLinkByKey returns the link of a public URL.
func (c conn) SurveyLinkByKey(ctx context.Context, key string) (*ziping.SurveyLink, error) {
	var l ziping.SurveyLink
	if err := scanLink(c.q.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM survey_links WHERE key = ?`, key), &l); err != nil {
		return nil, storeError(err, "survey link by key", "调查链接")
	}
	return &l, nil
}

// SurveyLinks lists a round's links by id.
func (c conn) SurveyLinks(ctx context.Context, roundID int64) ([]ziping.SurveyLink, error) {
	return queryAll(ctx, c, "survey links", scanLink, `SELECT `+linkColumns+` FROM survey_links WHERE round_id = ? ORDER BY id`, roundID)
}

// SetSurveyLinkDisabled turns a link off or on again.
func (c conn) SetSurveyLinkDisabled(ctx context.Context, id int64, disabled bool) error {
	res, err := c.q.ExecContext(ctx, `UPDATE survey_links SET disabled = ? WHERE id = ?`, disabled, id)
	if err != nil {
		return storeError(err, "disable survey link", "调查链接")
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return notFoundIfNone(err, "disable survey link", "调查链接")
	}
	return nil
}

// CreateSurveyTokens keeps a batch of tokens (atomically when called on the DB).
func (c conn) CreateSurveyTokens(ctx context.Context, tokens []ziping.SurveyToken) error {
	for i := range tokens {
		t := &tokens[i]
		t.CreatedAt = nowIfZero(t.CreatedAt)
		_, err := c.q.ExecContext(ctx, `INSERT INTO survey_tokens (hash, link_id, batch, created_at) VALUES (?, ?, ?, ?)`,
			t.Hash, t.LinkID, t.Batch, dbTime(t.CreatedAt))
		if err != nil {
			return storeError(err, "create survey tokens", "口令")
		}
	}
	return nil
}

// UseSurveyToken marks a link's token used by a response.
func (c conn) UseSurveyToken(ctx context.Context, hash string, linkID, responseID int64, at time.Time) error {
	var used *string
	err := c.q.QueryRowContext(ctx, `SELECT used_at FROM survey_tokens WHERE hash = ? AND link_id = ?`, hash, linkID).Scan(&used)
	if err != nil {
		return storeError(err, "survey token", "该口令")
	}
	if used != nil {
		return ziping.Errorf(ziping.Conflict, "该口令已经使用过")
	}
	_, err = c.q.ExecContext(ctx, `UPDATE survey_tokens SET used_at = ?, response_id = ? WHERE hash = ? AND used_at IS NULL`,
		dbTime(nowIfZero(at)), responseID, hash)
	return storeError(err, "use survey token", "")
}

// SurveyTokenCounts counts the tokens of each link of a round.
func (c conn) SurveyTokenCounts(ctx context.Context, roundID int64) (map[int64]ziping.SurveyTokenCount, error) {
	type row struct {
		link        int64
		total, used int
	}
	rows, err := queryAll(ctx, c, "survey token counts", func(s scanner, r *row) error { return s.Scan(&r.link, &r.total, &r.used) },
		`SELECT t.link_id, count(*), count(t.used_at) FROM survey_tokens t JOIN survey_links l ON l.id = t.link_id
		WHERE l.round_id = ? GROUP BY t.link_id`, roundID)
	if err != nil {
		return nil, err
	}
	out := map[int64]ziping.SurveyTokenCount{}
	for _, r := range rows {
		out[r.link] = ziping.SurveyTokenCount{Total: r.total, Used: r.used}
	}
	return out, nil
}

const responseColumns = `id, round_id, COALESCE(link_id, 0), client_id, form, grp, school, area, answers, started_at,
	network, device, source, created_at`

func scanResponse(s scanner, r *ziping.SurveyResponse) error {
	return s.Scan(&r.ID, &r.RoundID, &r.LinkID, &r.ClientID, &r.Form, &r.Group, &r.School, &r.Area, &r.Answers,
		stamp{&r.StartedAt}, &r.Network, &r.Device, &r.Source, stamp{&r.CreatedAt})
}

// AddSurveyResponse appends r unless the round has its client id already.
func (c conn) AddSurveyResponse(ctx context.Context, r *ziping.SurveyResponse) (bool, error) {
	created := nowIfZero(r.CreatedAt)
	answers := r.Answers
	if answers == nil {
		answers = []byte("{}")
	}
	// One writer: the look and the insert cannot be split by another submission.
	var first int64
	err := c.q.QueryRowContext(ctx, `SELECT id FROM survey_responses WHERE round_id = ? AND client_id = ?`, r.RoundID, r.ClientID).Scan(&first)
	if err == nil {
		r.ID = first
		return false, nil
	}
	if e := storeError(err, "add survey response", "答卷"); !ziping.IsNotFound(e) {
		return false, e
	}
	err = c.q.QueryRowContext(ctx, `INSERT INTO survey_responses (round_id, link_id, client_id, form, grp, school,
		area, answers, started_at, network, device, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		r.RoundID, nullID(r.LinkID), r.ClientID, r.Form, r.Group, r.School, r.Area, answers, dbTime(r.StartedAt),
		r.Network, r.Device, r.Source, dbTime(created)).Scan(&r.ID)
	if err != nil {
		return false, storeError(err, "add survey response", "答卷")
	}
	r.CreatedAt, r.StartedAt = created, storedTime(r.StartedAt)
	return true, nil
}

// SurveyResponses lists a round's responses by id.
func (c conn) SurveyResponses(ctx context.Context, roundID int64) ([]ziping.SurveyResponse, error) {
	return queryAll(ctx, c, "survey responses", scanResponse, `SELECT `+responseColumns+` FROM survey_responses
		WHERE round_id = ? ORDER BY id`, roundID)
}

// AddSurveyExclusion appends a decision about a response of the round.
func (c conn) AddSurveyExclusion(ctx context.Context, e *ziping.SurveyExclusion) error {
	at := nowIfZero(e.At)
	err := c.q.QueryRowContext(ctx, `INSERT INTO survey_exclusions (round_id, response_id, excluded, reason, by_user, at)
		SELECT ?, id, ?, ?, ?, ? FROM survey_responses WHERE id = ? AND round_id = ? RETURNING id`,
		e.RoundID, e.Excluded, e.Reason, nullID(e.By), dbTime(at), e.ResponseID, e.RoundID).Scan(&e.ID)
	if err != nil {
		return storeError(err, "add survey exclusion", fmt.Sprintf("答卷（编号 %d）", e.ResponseID))
	}
	e.At = at
	return nil
}

const exclusionColumns = `id, round_id, response_id, excluded, reason, COALESCE(by_user, 0), at`

func scanExclusion(s scanner, e *ziping.SurveyExclusion) error {
	return s.Scan(&e.ID, &e.RoundID, &e.ResponseID, &e.Excluded, &e.Reason, &e.By, stamp{&e.At})
}

// SurveyExclusions lists a round's exclusion decisions by id.
func (c conn) SurveyExclusions(ctx context.Context, roundID int64) ([]ziping.SurveyExclusion, error) {
	return queryAll(ctx, c, "survey exclusions", scanExclusion, `SELECT `+exclusionColumns+` FROM survey_exclusions
		WHERE round_id = ? ORDER BY id`, roundID)
}
