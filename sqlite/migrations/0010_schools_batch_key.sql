-- 0010: the pruning of a batch's superseded rows walks the batch's rows in key
-- order, a chunk at a time (issue 12.4). With an index on batch_id alone each
-- chunk read and sorted every row of the batch, and the delete scanned them all:
-- quadratic, 32 of the 60 CPU seconds of a 235,000-row import. This index serves
-- both as a range, and whatever looked rows up by batch_id alone.
CREATE INDEX schools_batch_key ON schools (batch_id, period, code, stage);
DROP INDEX schools_batch_id;
