-- 0013: the self-evaluation due dates (自评截止日期) supervision offices set, one row
-- per unit, framework and period; a date applies to the unit's whole subtree, the
-- nearest ancestor's winning. Table and column names are the same in
-- sqlite/migrations; updated_by records a person and has no foreign key.
CREATE TABLE due_dates (
    unit_id    bigint  NOT NULL REFERENCES units (id),
    framework  text    NOT NULL,
    period     integer NOT NULL CHECK (period BETWEEN 1900 AND 2200),
    due        date, -- NULL when cleared; comes back as midnight UTC
    version    bigint  NOT NULL CHECK (version >= 1),
    updated_by bigint,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (unit_id, framework, period)
);
