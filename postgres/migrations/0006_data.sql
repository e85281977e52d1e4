-- 0006: crash-safe, chunked imports; durable jobs; uploads kept in the database
-- (issue 9). See sqlite/migrations/0006_data.sql for what each part is for.
ALTER TABLE batches ADD COLUMN state text NOT NULL DEFAULT 'done'
    CHECK (state IN ('pending', 'done', 'abandoned'));
ALTER TABLE batches ADD COLUMN version bigint;
ALTER TABLE batches ADD COLUMN touched_at timestamptz;
ALTER TABLE batches ADD COLUMN upload_id text;
UPDATE batches SET version = id;
CREATE INDEX batches_state ON batches (state) WHERE state <> 'done';
CREATE INDEX batches_upload_id ON batches (upload_id) WHERE upload_id IS NOT NULL;

ALTER TABLE schools DROP CONSTRAINT schools_pkey;
ALTER TABLE schools ADD PRIMARY KEY (period, code, stage, batch_id);
CREATE INDEX schools_batch_id ON schools (batch_id);
CREATE INDEX schools_code ON schools (code);

CREATE TABLE jobs (
    id          bigserial PRIMARY KEY,
    kind        text NOT NULL,
    payload     text NOT NULL,
    created_at  timestamptz NOT NULL,
    attempts    integer NOT NULL DEFAULT 0,
    lease_until timestamptz,
    last_error  text NOT NULL DEFAULT ''
);

CREATE TABLE uploads (
    id           text PRIMARY KEY,
    session_hash text NOT NULL,
    user_id      bigint NOT NULL,
    unit_code    text NOT NULL,
    name         text NOT NULL,
    period       integer NOT NULL,
    sha256       text NOT NULL,
    size         bigint NOT NULL CHECK (size >= 0),
    data         bytea NOT NULL,
    created_at   timestamptz NOT NULL,
    consumed_at  timestamptz
);
CREATE INDEX uploads_user_id ON uploads (user_id);
CREATE INDEX uploads_created_at ON uploads (created_at);
