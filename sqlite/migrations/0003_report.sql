-- 0003: report drafts: the narrative of an assessment's self-evaluation report.
--
-- Conventions as in 0001 and 0002 (times TEXT in UTC with six fractional digits;
-- updated_by a user id without a foreign key, 0 stored as NULL). narrative is the
-- Markdown as written, a BLOB kept byte for byte, NULL for none; generated is the
-- text of the generated sections as last accepted.

CREATE TABLE report_drafts (
    assessment_id INTEGER PRIMARY KEY REFERENCES assessments (id),
    narrative     BLOB,
    generated     TEXT    NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    updated_by    INTEGER,
    updated_at    TEXT    NOT NULL
);
