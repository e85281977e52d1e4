-- 0013: the self-evaluation due dates (自评截止日期) supervision offices set, one row
-- per unit, framework and period; a date applies to the unit's whole subtree, the
-- nearest ancestor's winning. Conventions as in 0011: due a date (midnight UTC),
-- NULL for a date cleared; updated_by a user id without a foreign key, 0 as NULL.
CREATE TABLE due_dates (
    unit_id    INTEGER NOT NULL REFERENCES units (id),
    framework  TEXT    NOT NULL,
    period     INTEGER NOT NULL CHECK (period BETWEEN 1900 AND 2200),
    due        TEXT,
    version    INTEGER NOT NULL CHECK (version >= 1),
    updated_by INTEGER,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (unit_id, framework, period)
);
