-- 0002: assessments, their point scores, evidence, snapshots and problems.
--
-- Conventions as in 0001 (times TEXT in UTC with six fractional digits, booleans 0/1).
-- People (created_by, updated_by, ...) are user ids without a foreign key, as
-- frameworks.created_by: users are never deleted, and a record must not fail to be
-- written over who wrote it. 0 is stored as NULL. JSON and frozen data the store does
-- not look inside are BLOBs, kept byte for byte.

CREATE TABLE assessments (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    framework         TEXT    NOT NULL,
    framework_version TEXT    NOT NULL,
    unit_id           INTEGER NOT NULL REFERENCES units (id),
    period            INTEGER NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'resubmitted',
                                                         'reviewed', 'published')),
    round             INTEGER NOT NULL CHECK (round >= 0),
    from_id           INTEGER REFERENCES assessments (id),
    -- The latest snapshot; snapshots is created below (SQLite resolves the reference
    -- when a row is written).
    snapshot_id       INTEGER REFERENCES snapshots (id),
    return_note       TEXT    NOT NULL,
    summary           BLOB,
    version           INTEGER NOT NULL CHECK (version >= 1),
    created_by        INTEGER,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    submitted_by      INTEGER,
    submitted_at      TEXT,
    reviewed_by       INTEGER,
    reviewed_at       TEXT,
    published_at      TEXT,
    -- unit_id first: the index also serves the unit's foreign key and AssessmentFor.
    UNIQUE (unit_id, framework, period)
);
CREATE INDEX assessments_framework_period ON assessments (framework, period);
CREATE INDEX assessments_from_id ON assessments (from_id);

-- checked is a JSON array of the ticked checklist items, '[]' when none.
CREATE TABLE point_scores (
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    side          TEXT    NOT NULL CHECK (side IN ('self', 'review')),
    code          TEXT    NOT NULL,
    score         REAL,
    checked       TEXT    NOT NULL,
    triggered     INTEGER CHECK (triggered IN (0, 1)),
    justification TEXT    NOT NULL,
    to_confirm    INTEGER NOT NULL CHECK (to_confirm IN (0, 1)),
    version       INTEGER NOT NULL CHECK (version >= 1),
    updated_by    INTEGER,
    updated_at    TEXT    NOT NULL,
    PRIMARY KEY (assessment_id, side, code)
);

-- Evidence files are kept once by their SHA-256 (lower-case hex), however many
-- evidence rows link to them.
CREATE TABLE evidence_files (
    sha256     TEXT    PRIMARY KEY CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    data       BLOB    NOT NULL,
    size       INTEGER NOT NULL CHECK (size >= 0),
    created_at TEXT    NOT NULL
);

CREATE TABLE snapshots (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    stage         TEXT    NOT NULL CHECK (stage IN ('draft', 'submitted', 'returned', 'resubmitted',
                                                    'reviewed', 'published')),
    round         INTEGER NOT NULL CHECK (round >= 0),
    data          BLOB    NOT NULL,
    created_by    INTEGER,
    created_at    TEXT    NOT NULL
);
CREATE INDEX snapshots_assessment_id ON snapshots (assessment_id);

-- unit_id, framework and period repeat the assessment's (as the caller gives them),
-- so that the ledger of a subtree, a framework or a period is one indexed query.
-- deadline is a date: midnight UTC.
CREATE TABLE problems (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    unit_id       INTEGER NOT NULL REFERENCES units (id),
    framework     TEXT    NOT NULL,
    period        INTEGER NOT NULL,
    point         TEXT    NOT NULL,
    source        TEXT    NOT NULL CHECK (source IN ('deduction', 'finding')),
    description   TEXT    NOT NULL,
    measures      TEXT    NOT NULL,
    owner         TEXT    NOT NULL,
    deadline      TEXT,
    status        TEXT    NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'verified')),
    note          TEXT    NOT NULL,
    carried_from  INTEGER REFERENCES problems (id),
    version       INTEGER NOT NULL CHECK (version >= 1),
    created_by    INTEGER,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX problems_assessment_id ON problems (assessment_id);
CREATE INDEX problems_unit_id ON problems (unit_id);
CREATE INDEX problems_framework_period ON problems (framework, period);
CREATE INDEX problems_carried_from ON problems (carried_from);

-- point is '' for evidence of the assessment as a whole; problem_id is set for
-- evidence of a problem's rectification.
CREATE TABLE evidence (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    point         TEXT    NOT NULL,
    problem_id    INTEGER REFERENCES problems (id),
    title         TEXT    NOT NULL,
    doc_number    TEXT    NOT NULL,
    period        INTEGER NOT NULL,
    file_name     TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    sha256        TEXT    NOT NULL REFERENCES evidence_files (sha256),
    to_confirm    INTEGER NOT NULL CHECK (to_confirm IN (0, 1)),
    created_by    INTEGER,
    created_at    TEXT    NOT NULL
);
CREATE INDEX evidence_assessment_id ON evidence (assessment_id);
CREATE INDEX evidence_problem_id ON evidence (problem_id);
CREATE INDEX evidence_sha256 ON evidence (sha256);
