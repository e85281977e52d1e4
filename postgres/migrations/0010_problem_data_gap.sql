-- 0010: missing data is not a duty (issue 11). A problem made, before missing data
-- blocked submission and acceptance, from a point the data could not compute is
-- marked data_gap: shown as 数据缺失, never overdue, not to rectify.
ALTER TABLE problems ADD COLUMN data_gap boolean NOT NULL DEFAULT false;
