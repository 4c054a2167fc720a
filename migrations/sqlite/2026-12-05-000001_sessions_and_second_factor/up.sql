-- Staff sessions live on the server: the cookie carries a random token whose digest names a row
-- here, so signing out, an idle time-out, a role change or a disabled account end a session on
-- every instance at once (the cookie alone cannot be revoked). `auth_epoch` is the account's
-- epoch when the session began; the account's epoch moving on ends all of its sessions.
CREATE TABLE staff_sessions (
    token_digest TEXT PRIMARY KEY NOT NULL,
    staff_id TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    auth_epoch BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    seen_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP
);
CREATE INDEX staff_sessions_by_staff ON staff_sessions (staff_id);

-- A password handed over by someone else (an administrator, the command line) must be changed
-- at the first sign-in. The TOTP secret is sealed under the master key; `totp_last_step` refuses
-- a code used twice.
ALTER TABLE staff ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN totp_secret TEXT;
ALTER TABLE staff ADD COLUMN totp_enabled_at TIMESTAMP;
ALTER TABLE staff ADD COLUMN totp_last_step BIGINT;

CREATE TABLE staff_recovery_codes (
    staff_id TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    code_digest TEXT NOT NULL,
    used_at TIMESTAMP,
    PRIMARY KEY (staff_id, code_digest)
);

-- Which roles must sign in with a second factor (comma-separated role names; empty: none).
CREATE TABLE security_settings (
    id INTEGER PRIMARY KEY NOT NULL,
    mfa_roles TEXT NOT NULL,
    changed_by TEXT,
    changed_at TIMESTAMP
);

-- Links to a case beyond the one stored on the case: a returning requester who asks for a link
-- gets a new one without ending the link they already hold; the requester ends links from the
-- case page.
CREATE TABLE case_links (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    link_digest TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, link_digest)
);
