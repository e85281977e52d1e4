-- 0001: the first schema.
--
-- Table and column names are the same in sqlite/migrations. Times are timestamptz
-- (microseconds, the precision the audit hash covers). Text that is sorted, compared
-- or prefix-matched is COLLATE "C": byte order, as in SQLite, whatever the server's
-- locale, and a plain btree index then serves LIKE 'prefix%'.

CREATE TABLE units (
    id        bigserial PRIMARY KEY,
    code      text COLLATE "C" NOT NULL UNIQUE,
    name      text NOT NULL,
    level     text NOT NULL CHECK (level IN ('province', 'city', 'county', 'school')),
    parent_id bigint REFERENCES units (id),
    path      text COLLATE "C" NOT NULL UNIQUE -- "/1/4/17/"
);
-- Subtrees are path LIKE '/1/4/%'. The unique index above serves that too (the
-- column is COLLATE "C"); text_pattern_ops says so whatever the column's collation.
CREATE INDEX units_path ON units (path text_pattern_ops);
CREATE INDEX units_parent_id ON units (parent_id);

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text COLLATE "C" NOT NULL UNIQUE,
    name          text NOT NULL,
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'reviewer', 'filler', 'viewer')),
    scope_id      bigint REFERENCES units (id),
    failed_logins integer NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL
);

CREATE TABLE sessions (
    token_hash text PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    ip         text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE frameworks (
    id         text COLLATE "C" NOT NULL,
    version    text COLLATE "C" NOT NULL,
    name       text NOT NULL,
    source     bytea NOT NULL,
    builtin    boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    created_by bigint,
    PRIMARY KEY (id, version)
);

CREATE TABLE batches (
    id         bigserial PRIMARY KEY,
    period     integer NOT NULL,
    file       text NOT NULL,
    sha256     text NOT NULL,
    schools    integer NOT NULL,
    facts      integer NOT NULL,
    user_id    bigint REFERENCES users (id),
    created_at timestamptz NOT NULL
);

-- vals is a JSON object of element id → number (engine.SchoolElements).
CREATE TABLE schools (
    unit_id  bigint NOT NULL REFERENCES units (id),
    period   integer NOT NULL,
    code     text COLLATE "C" NOT NULL,
    stage    text COLLATE "C" NOT NULL,
    name     text COLLATE "C" NOT NULL,
    type     text NOT NULL,
    public   boolean NOT NULL,
    "row"    integer NOT NULL,
    vals     jsonb NOT NULL,
    batch_id bigint NOT NULL REFERENCES batches (id),
    PRIMARY KEY (period, code, stage)
);
CREATE INDEX schools_unit_id_period ON schools (unit_id, period);

-- vals is a JSON object of element id → number (engine.UnitElements).
CREATE TABLE facts (
    unit_id  bigint NOT NULL REFERENCES units (id),
    period   integer NOT NULL,
    vals     jsonb NOT NULL,
    batch_id bigint NOT NULL REFERENCES batches (id),
    PRIMARY KEY (unit_id, period)
);

-- The audit trail has no foreign keys: it must be able to name anything, and
-- nothing else may stop it from being written. old and new are text, not jsonb:
-- the hash covers them byte for byte and jsonb would rewrite them.
CREATE TABLE audit (
    seq       bigint PRIMARY KEY,
    at        timestamptz NOT NULL,
    user_id   bigint,
    username  text NOT NULL,
    ip        text NOT NULL,
    action    text NOT NULL,
    object    text NOT NULL,
    unit_id   bigint,
    old       text NOT NULL,
    new       text NOT NULL,
    prev_hash text NOT NULL,
    hash      text NOT NULL
);
CREATE INDEX audit_unit_id ON audit (unit_id);
CREATE INDEX audit_user_id ON audit (user_id);
CREATE INDEX audit_at ON audit (at);

-- Append-only: an UPDATE, DELETE or TRUNCATE through the application's own
-- connection is a bug, so it fails loudly. (The hash chain is what catches changes
-- made around it.)
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
