-- 0002: assessments: the self-evaluation and its review, the evidence, the frozen
-- snapshots of each workflow step, and the problem list with its rectification.
--
-- Table and column names are the same in sqlite/migrations. As in 0001, times are
-- timestamptz, compared or sorted text is COLLATE "C", and a reference that may be
-- absent is NULL (the store reads it back as 0). Who did something (created_by,
-- updated_by, ...) has no foreign key, as frameworks.created_by: it records a
-- person, it does not depend on one. Rows are never deleted but point scores and
-- evidence links, so the other references do not cascade. No column has a default:
-- the store writes every one, and a default would hide one it forgot.

CREATE TABLE assessments (
    id                bigserial PRIMARY KEY,
    framework         text COLLATE "C" NOT NULL,
    framework_version text COLLATE "C" NOT NULL,
    unit_id           bigint NOT NULL REFERENCES units (id),
    period            integer NOT NULL,
    status            text NOT NULL CHECK (status IN
                          ('draft', 'submitted', 'returned', 'resubmitted', 'reviewed', 'published')),
    round             integer NOT NULL CHECK (round >= 0),
    from_id           bigint REFERENCES assessments (id),
    snapshot_id       bigint, -- REFERENCES snapshots (id), added below
    return_note       text NOT NULL,
    -- The service's JSON, kept byte for byte (jsonb would rewrite it); NULL for none.
    summary           bytea,
    version           bigint NOT NULL CHECK (version >= 1),
    created_by        bigint,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    submitted_by      bigint,
    submitted_at      timestamptz,
    reviewed_by       bigint,
    reviewed_at       timestamptz,
    published_at      timestamptz,
    -- unit_id first: the index also serves the unit's foreign key and the subtree join.
    UNIQUE (unit_id, framework, period)
);
CREATE INDEX assessments_framework_period ON assessments (framework, period);
CREATE INDEX assessments_from_id ON assessments (from_id);

-- One person's score of one point on one side. checked keeps the ticked checklist
-- items in the order given.
CREATE TABLE point_scores (
    assessment_id bigint NOT NULL REFERENCES assessments (id),
    side          text COLLATE "C" NOT NULL CHECK (side IN ('self', 'review')),
    code          text COLLATE "C" NOT NULL,
    -- NaN sorts above every number in PostgreSQL, so this refuses NaN and ±Infinity.
    score         double precision CHECK (score > '-Infinity' AND score < 'Infinity'),
    checked       text[] NOT NULL,
    triggered     boolean,
    justification text NOT NULL,
    to_confirm    boolean NOT NULL,
    version       bigint NOT NULL CHECK (version >= 1),
    updated_by    bigint,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (assessment_id, side, code)
);

-- Evidence files, kept once by their SHA-256 (lower-case hex), however many
-- assessments link to them.
CREATE TABLE evidence_files (
    sha256 text COLLATE "C" PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    data   bytea NOT NULL,
    size   bigint NOT NULL CHECK (size >= 0)
);

CREATE TABLE snapshots (
    id            bigserial PRIMARY KEY,
    assessment_id bigint NOT NULL REFERENCES assessments (id),
    stage         text NOT NULL CHECK (stage IN
                      ('submitted', 'returned', 'resubmitted', 'reviewed', 'published')),
    round         integer NOT NULL CHECK (round >= 0),
    data          bytea, -- the service's JSON, byte for byte; NULL for none
    created_by    bigint,
    created_at    timestamptz NOT NULL
);
CREATE INDEX snapshots_assessment_id ON snapshots (assessment_id);

ALTER TABLE assessments ADD FOREIGN KEY (snapshot_id) REFERENCES snapshots (id);
CREATE INDEX assessments_snapshot_id ON assessments (snapshot_id);

-- The problem list and rectification ledger. unit_id, framework and period repeat
-- the assessment's (as the caller gives them), so that the ledger of a subtree, a
-- framework or a period is one indexed query.
CREATE TABLE problems (
    id            bigserial PRIMARY KEY,
    assessment_id bigint NOT NULL REFERENCES assessments (id),
    unit_id       bigint NOT NULL REFERENCES units (id),
    framework     text COLLATE "C" NOT NULL,
    period        integer NOT NULL,
    point         text COLLATE "C" NOT NULL,
    source        text NOT NULL CHECK (source IN ('deduction', 'finding')),
    description   text NOT NULL,
    measures      text NOT NULL,
    owner         text NOT NULL,
    deadline      date, -- NULL when not set; comes back as midnight UTC
    status        text NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'verified')),
    note          text NOT NULL,
    carried_from  bigint REFERENCES problems (id),
    version       bigint NOT NULL CHECK (version >= 1),
    created_by    bigint,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX problems_assessment_id ON problems (assessment_id);
CREATE INDEX problems_unit_id ON problems (unit_id);
CREATE INDEX problems_framework_period ON problems (framework, period);
CREATE INDEX problems_carried_from ON problems (carried_from);

-- A link from an assessment (and a point, or a problem it shows done) to a kept file.
CREATE TABLE evidence (
    id            bigserial PRIMARY KEY,
    assessment_id bigint NOT NULL REFERENCES assessments (id),
    point         text COLLATE "C" NOT NULL,
    problem_id    bigint REFERENCES problems (id),
    title         text NOT NULL,
    doc_number    text NOT NULL,
    period        integer NOT NULL,
    file_name     text NOT NULL,
    content_type  text NOT NULL,
    sha256        text COLLATE "C" NOT NULL REFERENCES evidence_files (sha256),
    to_confirm    boolean NOT NULL,
    created_by    bigint,
    created_at    timestamptz NOT NULL
);
CREATE INDEX evidence_assessment_id ON evidence (assessment_id);
CREATE INDEX evidence_problem_id ON evidence (problem_id);
CREATE INDEX evidence_sha256 ON evidence (sha256);
