-- 0011: the particulars of a results notice (评价结果通报) that whoever publishes
-- sets: 发文机关, 主送机关, 发文字号 and 成文日期, one row per area (a province or
-- city), framework and period. Table and column names are the same in
-- sqlite/migrations; updated_by records a person and has no foreign key.
CREATE TABLE result_notices (
    unit_id    bigint  NOT NULL REFERENCES units (id),
    framework  text    NOT NULL,
    period     integer NOT NULL CHECK (period BETWEEN 1900 AND 2200),
    issuer     text    NOT NULL,
    recipient  text    NOT NULL,
    number     text    NOT NULL,
    issued_on  date, -- NULL when not set; comes back as midnight UTC
    version    bigint  NOT NULL CHECK (version >= 1),
    updated_by bigint,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (unit_id, framework, period)
);
