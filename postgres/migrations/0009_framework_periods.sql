-- 0009: which version of a framework applies from which period on (issue 13). See
-- sqlite/migrations/0009_framework_periods.sql for what each part is for.
CREATE TABLE framework_periods (
    framework text COLLATE "C" NOT NULL,
    period    integer NOT NULL CHECK (period BETWEEN 1900 AND 2200),
    version   text COLLATE "C" NOT NULL,
    set_by    bigint,
    set_at    timestamptz NOT NULL,
    PRIMARY KEY (framework, period),
    FOREIGN KEY (framework, version) REFERENCES frameworks (id, version)
);

CREATE INDEX assessments_framework_version ON assessments (framework, framework_version);
