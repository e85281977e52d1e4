-- 0011: the particulars of a results notice (评价结果通报) that whoever publishes
-- sets: 发文机关, 主送机关, 发文字号 and 成文日期, one row per area (a province or
-- city), framework and period. Conventions as in 0003: times TEXT in UTC with six
-- fractional digits; issued_on a date (midnight UTC), NULL for none; updated_by a
-- user id without a foreign key, 0 stored as NULL.
CREATE TABLE result_notices (
    unit_id    INTEGER NOT NULL REFERENCES units (id),
    framework  TEXT    NOT NULL,
    period     INTEGER NOT NULL CHECK (period BETWEEN 1900 AND 2200),
    issuer     TEXT    NOT NULL,
    recipient  TEXT    NOT NULL,
    number     TEXT    NOT NULL,
    issued_on  TEXT,
    version    INTEGER NOT NULL CHECK (version >= 1),
    updated_by INTEGER,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (unit_id, framework, period)
);
