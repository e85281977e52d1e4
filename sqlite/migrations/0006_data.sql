-- 0006: crash-safe, chunked imports; durable jobs; uploads kept in the database
-- (issue 9). Conventions as in 0001.
--
-- Batches. An import is written in short transactions so that it never holds the
-- one SQLite writer for long: its batch is 'pending' while its rows go in, and only
-- its last transaction, which also writes the facts, the audit entry and the jobs,
-- makes it 'done'. Readers see the rows of done batches only. A batch whose writer
-- died is 'abandoned' and its rows are deleted by a job. version is the data
-- version the batch was made visible at (DataVersion is the greatest); existing
-- batches keep their id. touched_at is when the writer last wrote a chunk: a
-- pending batch untouched for long is taken for dead. upload_id is the web upload
-- the batch imported, so that a second confirmation of it finds the first import.
ALTER TABLE batches ADD COLUMN state TEXT NOT NULL DEFAULT 'done'
    CHECK (state IN ('pending', 'done', 'abandoned'));
ALTER TABLE batches ADD COLUMN version INTEGER;
ALTER TABLE batches ADD COLUMN touched_at TEXT;
ALTER TABLE batches ADD COLUMN upload_id TEXT;
UPDATE batches SET version = id;
CREATE INDEX batches_state ON batches (state) WHERE state <> 'done';
CREATE INDEX batches_upload_id ON batches (upload_id) WHERE upload_id IS NOT NULL;

-- School rows. A row is now one version of a school row (period, code, stage): the
-- batch that wrote it is part of the key, so a pending batch's rows stand beside
-- the rows they will replace, and readers take the newest version of a done batch.
-- A job deletes the versions a done batch superseded. SQLite cannot change a
-- primary key in place: the table is built again.
CREATE TABLE schools_v (
    unit_id  INTEGER NOT NULL REFERENCES units (id),
    period   INTEGER NOT NULL,
    code     TEXT    NOT NULL,
    stage    TEXT    NOT NULL,
    name     TEXT    NOT NULL,
    type     TEXT    NOT NULL,
    public   INTEGER NOT NULL CHECK (public IN (0, 1)),
    row      INTEGER NOT NULL,
    vals     TEXT    NOT NULL,
    batch_id INTEGER NOT NULL REFERENCES batches (id),
    PRIMARY KEY (period, code, stage, batch_id)
);
INSERT INTO schools_v (unit_id, period, code, stage, name, type, public, row, vals, batch_id)
    SELECT unit_id, period, code, stage, name, type, public, row, vals, batch_id FROM schools;
DROP TABLE schools;
ALTER TABLE schools_v RENAME TO schools;
CREATE INDEX schools_unit_period_code ON schools (unit_id, period, code, stage);
CREATE INDEX schools_batch_id ON schools (batch_id);
CREATE INDEX schools_code ON schools (code);

-- Durable jobs: work that must follow a committed write (recomputing the
-- summaries an import changed, deleting superseded rows). A job is written in the
-- same transaction as the write, run after commit, and run again at start-up by
-- any instance if the process died first. lease_until: a runner claimed it until
-- then.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    lease_until TEXT,
    last_error  TEXT    NOT NULL DEFAULT ''
);

-- Uploads waiting for their confirmation, in the database so that any instance can
-- confirm what another previewed. consumed_at is set by the import's own
-- transaction; the data is then dropped, the row kept until it expires.
CREATE TABLE uploads (
    id           TEXT    PRIMARY KEY,
    session_hash TEXT    NOT NULL,
    user_id      INTEGER NOT NULL,
    unit_code    TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    period       INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    size         INTEGER NOT NULL CHECK (size >= 0),
    data         BLOB    NOT NULL,
    created_at   TEXT    NOT NULL,
    consumed_at  TEXT
);
CREATE INDEX uploads_user_id ON uploads (user_id);
CREATE INDEX uploads_created_at ON uploads (created_at);
