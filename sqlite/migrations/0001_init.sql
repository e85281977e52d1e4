-- 0001: the first schema.
--
-- Times are TEXT in UTC with six fractional digits, "2006-01-02T15:04:05.000000Z":
-- the precision PostgreSQL keeps too, and fixed width, so that text order is time
-- order and range filters need no date functions. Booleans are 0/1 integers.
-- Table and column names are the same in postgres/migrations.

-- AUTOINCREMENT so that an id is never handed out twice: the audit trail names
-- units, users and batches by id.
CREATE TABLE units (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    code      TEXT    NOT NULL UNIQUE,
    name      TEXT    NOT NULL,
    level     TEXT    NOT NULL CHECK (level IN ('province', 'city', 'county', 'school')),
    parent_id INTEGER REFERENCES units (id),
    path      TEXT    NOT NULL UNIQUE -- "/1/4/17/"; its unique index serves subtree range scans
);
CREATE INDEX units_parent_id ON units (parent_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'reviewer', 'filler', 'viewer')),
    scope_id      INTEGER REFERENCES units (id),
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT    NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL,
    ip         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE frameworks (
    id         TEXT    NOT NULL,
    version    TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    source     BLOB    NOT NULL,
    builtin    INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    created_at TEXT    NOT NULL,
    created_by INTEGER,
    PRIMARY KEY (id, version)
);

CREATE TABLE batches (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    period     INTEGER NOT NULL,
    file       TEXT    NOT NULL,
    sha256     TEXT    NOT NULL,
    schools    INTEGER NOT NULL,
    facts      INTEGER NOT NULL,
    user_id    INTEGER REFERENCES users (id),
    created_at TEXT    NOT NULL
);

-- vals is a JSON object of element id → number (engine.SchoolElements).
CREATE TABLE schools (
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
    PRIMARY KEY (period, code, stage)
);
CREATE INDEX schools_unit_id_period ON schools (unit_id, period);

-- vals is a JSON object of element id → number (engine.UnitElements).
CREATE TABLE facts (
    unit_id  INTEGER NOT NULL REFERENCES units (id),
    period   INTEGER NOT NULL,
    vals     TEXT    NOT NULL,
    batch_id INTEGER NOT NULL REFERENCES batches (id),
    PRIMARY KEY (unit_id, period)
);

-- The audit trail has no foreign keys: it must be able to name anything, and
-- nothing else may stop it from being written.
CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,
    at        TEXT    NOT NULL,
    user_id   INTEGER,
    username  TEXT    NOT NULL,
    ip        TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    object    TEXT    NOT NULL,
    unit_id   INTEGER,
    old       TEXT    NOT NULL,
    new       TEXT    NOT NULL,
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL
);
CREATE INDEX audit_unit_id ON audit (unit_id);
CREATE INDEX audit_user_id ON audit (user_id);
CREATE INDEX audit_at ON audit (at);

-- Append-only: an UPDATE or DELETE through the application's own connection is a
-- bug, so it fails loudly. (The hash chain is what catches changes made around it.)
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit is append-only');
END;
