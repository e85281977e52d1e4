-- 0012: the pruning of a batch's superseded rows walks them in key order a chunk at
-- a time (issue 12.4); see sqlite/migrations/0012_schools_indexes.sql.
CREATE INDEX schools_batch_key ON schools (batch_id, period, code, stage);
DROP INDEX schools_batch_id;

-- The county page's school table sorted by name or stage (issue 12.4).
CREATE INDEX schools_unit_period_name ON schools (unit_id, period, name, code, stage);
CREATE INDEX schools_unit_period_stage ON schools (unit_id, period, stage, code);
