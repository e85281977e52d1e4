-- A county's school rows of a period in code order come straight from this index
-- (the county page's list, the snapshot of a submission).
CREATE INDEX schools_unit_period_code ON schools (unit_id, period, code, stage);
DROP INDEX schools_unit_id_period;
-- The counties of a subtree without reading its schools (schools are units too).
CREATE INDEX units_level_path ON units (level, path text_pattern_ops);
