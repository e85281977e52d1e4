-- 0012: the pruning of a batch's superseded rows walks the batch's rows in key
-- order, a chunk at a time (issue 12.4). With an index on batch_id alone each
-- chunk read and sorted every row of the batch, and the delete scanned them all:
-- quadratic, 32 of the 60 CPU seconds of a 235,000-row import. This index serves
-- both as a range, and whatever looked rows up by batch_id alone.
CREATE INDEX schools_batch_key ON schools (batch_id, period, code, stage);
DROP INDEX schools_batch_id;

-- The county page's school table sorted by name or stage (issue 12.4):
-- without these every page sorted all of the county's rows of the year, 0.5 s at
-- 35,000 rows on a loaded machine; with them a page is read in index order and
-- stops at its end. (An index on the students' expression did not make those
-- pages faster: each row's vals must be read anyway.)
CREATE INDEX schools_unit_period_name ON schools (unit_id, period, name, code, stage);
CREATE INDEX schools_unit_period_stage ON schools (unit_id, period, stage, code);
