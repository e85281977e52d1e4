-- 0007: the 社会认可度 survey (issue 14): its questionnaire files, a county's rounds
-- of a framework and period, their public links and single-use tokens. Conventions
-- as in 0001: times are TEXT in UTC at microseconds, booleans 0/1.
--
-- Questionnaire files, versioned like frameworks: the built-in ones and those an
-- administrator uploads.
CREATE TABLE questionnaires (
    id         TEXT    NOT NULL,
    version    TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    framework  TEXT    NOT NULL,
    source     BLOB    NOT NULL,
    builtin    INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    created_at TEXT    NOT NULL,
    created_by INTEGER,
    PRIMARY KEY (id, version)
);

-- A county's survey of one period for one framework. setup is the service's JSON
-- (the sample plan and its input), kept byte for byte. changes counts every
-- response and exclusion (what cached results key on); dirty: a recompute of the
-- assessment it feeds is queued. salt keys the round's network and device digests.
CREATE TABLE survey_rounds (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id               INTEGER NOT NULL REFERENCES units (id),
    period                INTEGER NOT NULL,
    framework             TEXT    NOT NULL,
    questionnaire         TEXT    NOT NULL,
    questionnaire_version TEXT    NOT NULL,
    status                TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
    setup                 BLOB,
    salt                  TEXT    NOT NULL,
    changes               INTEGER NOT NULL DEFAULT 0,
    dirty                 INTEGER NOT NULL DEFAULT 0 CHECK (dirty IN (0, 1)),
    version               INTEGER NOT NULL CHECK (version >= 1),
    created_by            INTEGER,
    created_at            TEXT    NOT NULL,
    updated_at            TEXT    NOT NULL,
    -- unit_id first: the index also serves the unit's foreign key.
    UNIQUE (unit_id, framework, period)
);

-- The public links (QR codes) of a round: key is the random part of the URL; grp ''
-- lets the respondent say; school is a school code, '' for none.
CREATE TABLE survey_links (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    round_id    INTEGER NOT NULL REFERENCES survey_rounds (id),
    key         TEXT    NOT NULL UNIQUE,
    form        TEXT    NOT NULL,
    grp         TEXT    NOT NULL,
    school      TEXT    NOT NULL,
    school_name TEXT    NOT NULL,
    area        TEXT    NOT NULL,
    tokens      INTEGER NOT NULL CHECK (tokens IN (0, 1)),
    disabled    INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_by  INTEGER,
    created_at  TEXT    NOT NULL
);
CREATE INDEX survey_links_round_id ON survey_links (round_id);

-- Single-use tokens, by the SHA-256 of the token only: a copy of the database
-- hands out no answers.
CREATE TABLE survey_tokens (
    hash        TEXT    PRIMARY KEY,
    link_id     INTEGER NOT NULL REFERENCES survey_links (id),
    batch       INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    used_at     TEXT,
    response_id INTEGER
);
CREATE INDEX survey_tokens_link_id ON survey_tokens (link_id);
