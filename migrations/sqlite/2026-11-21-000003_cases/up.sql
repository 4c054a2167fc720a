-- Requests ("cases"). Personal data never sits in these columns in the clear: the person's
-- identity and the content of the request live in separate tables, each sealed (AES-256-GCM)
-- under its own record id. Searching by e-mail or name uses keyed hashes (HMAC), not decryption.

CREATE TABLE receipt_counters (
    year INTEGER PRIMARY KEY NOT NULL,
    last_number BIGINT NOT NULL
);

CREATE TABLE cases (
    id TEXT PRIMARY KEY NOT NULL,
    receipt_number TEXT UNIQUE,
    profile TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('online', 'post', 'counter', 'email')),
    lang TEXT NOT NULL CHECK (lang IN ('ja', 'en')),
    requester_type TEXT NOT NULL,
    -- The state machine's view of the case (domain::lifecycle::CaseFacts as JSON): ids and codes only.
    facts TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    received_at TIMESTAMP,
    -- Last office day by which the decision is due; kept for sorting the queue, recomputed on change.
    due_on DATE,
    assignee_id TEXT REFERENCES staff (id),
    email_index TEXT NOT NULL,
    name_index TEXT NOT NULL,
    access_token_hash TEXT UNIQUE,
    confirm_code_hash TEXT,
    confirm_attempts INTEGER NOT NULL DEFAULT 0,
    confirm_expires_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX cases_state_due ON cases (state, due_on);
CREATE INDEX cases_email_index ON cases (email_index);
CREATE INDEX cases_name_index ON cases (name_index);
CREATE INDEX cases_created_at ON cases (created_at);

CREATE TABLE case_parties (
    case_id TEXT PRIMARY KEY NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    sealed BLOB NOT NULL
);

CREATE TABLE case_contents (
    case_id TEXT PRIMARY KEY NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    sealed BLOB NOT NULL
);

CREATE TABLE case_events (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    event TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    sealed_note BLOB
);
CREATE INDEX case_events_case ON case_events (case_id, at);

CREATE TABLE case_pauses (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    started_on DATE NOT NULL,
    reply_by DATE,
    ended_on DATE
);
CREATE INDEX case_pauses_case ON case_pauses (case_id);

CREATE TABLE consents (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    notice_version TEXT NOT NULL,
    agreed_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP
);

CREATE TABLE documents (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    uploaded_at TIMESTAMP NOT NULL,
    uploaded_by TEXT NOT NULL,
    purpose TEXT NOT NULL,
    declared_type TEXT NOT NULL,
    mime TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    -- NULL once destroyed: without its data key the encrypted file is unreadable.
    wrapped_key BLOB,
    status TEXT NOT NULL,
    reviewed_by TEXT,
    reviewed_at TIMESTAMP,
    sealed_review BLOB,
    destroyed_at TIMESTAMP
);
CREATE INDEX documents_case ON documents (case_id);

CREATE TABLE messages (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at TIMESTAMP NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('to_requester', 'from_requester', 'internal')),
    author TEXT NOT NULL,
    sealed_body BLOB NOT NULL
);
CREATE INDEX messages_case ON messages (case_id, at);

-- A request being filled in, step by step: kept server-side (sealed) so nothing typed is lost
-- between steps or instances; the browser holds only a random token.
CREATE TABLE drafts (
    token_hash TEXT PRIMARY KEY NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    -- Set when the draft is submitted: a second submit of the same draft (a double click)
    -- finds it here instead of creating a second case.
    submitted_case_id TEXT,
    sealed BLOB NOT NULL
);
