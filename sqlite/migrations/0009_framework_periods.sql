-- 0009: which version of a framework applies from which period on (issue 13).
-- A choice applies to its period and every later one until a later choice; an
-- assessment keeps the version it was started with. set_by has no foreign key, as
-- frameworks.created_by: it records a person, 0/NULL for the system.
CREATE TABLE framework_periods (
    framework TEXT    NOT NULL,
    period    INTEGER NOT NULL CHECK (period BETWEEN 1900 AND 2200),
    version   TEXT    NOT NULL,
    set_by    INTEGER,
    set_at    TEXT    NOT NULL,
    PRIMARY KEY (framework, period),
    FOREIGN KEY (framework, version) REFERENCES frameworks (id, version)
);

-- How many assessments use a version (a version in use is shown as such, and a
-- choice that would mix versions within a period is refused).
CREATE INDEX assessments_framework_version ON assessments (framework, framework_version);
