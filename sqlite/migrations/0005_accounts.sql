-- 0005: sign-in hardening (issue 9).
--
-- A browser that signed in to an account before carries a signed device cookie
-- (OWASP, "Slow down online guessing attacks with device cookies"). Its failed
-- attempts are counted here, apart from the account's counter for every other
-- client, so that a lockout caused by others does not hold it. A row is written only
-- when such a browser gets a password wrong. Conventions as in 0001.
CREATE TABLE login_devices (
    nonce         TEXT    PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    created_at    TEXT    NOT NULL
);
CREATE INDEX login_devices_user_id ON login_devices (user_id);

-- The audit trail is looked up by action once at start-up (has the chain been
-- switched to keyed hashes yet?).
CREATE INDEX audit_action ON audit (action);
