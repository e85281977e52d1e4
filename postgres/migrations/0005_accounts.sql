-- 0005: sign-in hardening (issue 9). See sqlite/migrations/0005_accounts.sql.
CREATE TABLE login_devices (
    nonce         text PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    failed_logins integer NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    created_at    timestamptz NOT NULL
);
CREATE INDEX login_devices_user_id ON login_devices (user_id);

CREATE INDEX audit_action ON audit (action);
