-- 0003: report drafts: the narrative of an assessment's self-evaluation report, one
-- per assessment.
--
-- Table and column names are the same in sqlite/migrations. Conventions as in 0002:
-- updated_by records a person and has no foreign key; no column has a default.

CREATE TABLE report_drafts (
    assessment_id bigint PRIMARY KEY REFERENCES assessments (id),
    -- The Markdown as written, kept byte for byte; NULL for none.
    narrative     bytea,
    -- The generated sections (存在问题, 改进措施) as last accepted.
    generated     text NOT NULL,
    version       bigint NOT NULL CHECK (version >= 1),
    updated_by    bigint,
    updated_at    timestamptz NOT NULL
);
