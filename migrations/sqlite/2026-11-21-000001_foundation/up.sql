-- Staff accounts. Email is stored lower-cased; roles are TEXT with a CHECK (no enum types, so the
-- schema stays in the subset both backends share).
CREATE TABLE staff (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('staff', 'approver', 'admin', 'auditor')),
    password_hash TEXT NOT NULL,
    auth_epoch BIGINT NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    disabled_at TIMESTAMP
);

-- One-time links that let the first administrator create their account in the browser.
CREATE TABLE setup_links (
    token_hash TEXT PRIMARY KEY NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);

-- Append-only record of who did what. Ids and codes only: never names, addresses or documents.
CREATE TABLE audit_events (
    id TEXT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    client_ip TEXT,
    request_id TEXT
);
CREATE INDEX audit_events_at ON audit_events (at);
