PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE cases_rebuilt (
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
    updated_at TIMESTAMP NOT NULL,
    link_digest TEXT
);
INSERT INTO cases_rebuilt (id, receipt_number, profile, kind, state, channel, lang, requester_type,
        facts, created_at, received_at, due_on, assignee_id, email_index, name_index,
        access_token_hash, confirm_code_hash, confirm_attempts, confirm_expires_at, version,
        updated_at, link_digest)
    SELECT id, receipt_number, profile, kind, state, channel, lang, requester_type,
        facts, created_at, received_at, due_on, assignee_id, email_index, name_index,
        access_token_hash, confirm_code_hash, confirm_attempts, confirm_expires_at, version,
        updated_at, link_digest
    FROM cases;
DROP TABLE cases;
ALTER TABLE cases_rebuilt RENAME TO cases;
CREATE INDEX cases_state_queue ON cases (state, due_on, received_at, id);
CREATE INDEX cases_state_kind_assignee ON cases (state, kind, assignee_id);
CREATE INDEX cases_queue ON cases (due_on, received_at, id) WHERE received_at IS NOT NULL;
CREATE INDEX cases_received ON cases (received_at, id) WHERE received_at IS NOT NULL;
CREATE INDEX cases_received_kind ON cases (received_at, kind) WHERE received_at IS NOT NULL;
CREATE INDEX cases_email_index ON cases (email_index) WHERE received_at IS NOT NULL;
CREATE INDEX cases_name_index ON cases (name_index) WHERE received_at IS NOT NULL;

CREATE TABLE case_parties_rebuilt (
    case_id TEXT PRIMARY KEY NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    sealed BLOB NOT NULL
);
INSERT INTO case_parties_rebuilt (case_id, sealed) SELECT case_id, sealed FROM case_parties;
DROP TABLE case_parties;
ALTER TABLE case_parties_rebuilt RENAME TO case_parties;

CREATE TABLE case_contents_rebuilt (
    case_id TEXT PRIMARY KEY NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    sealed BLOB NOT NULL
);
INSERT INTO case_contents_rebuilt (case_id, sealed) SELECT case_id, sealed FROM case_contents;
DROP TABLE case_contents;
ALTER TABLE case_contents_rebuilt RENAME TO case_contents;

CREATE TABLE case_events_rebuilt (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    event TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    sealed_note BLOB
);
INSERT INTO case_events_rebuilt (id, case_id, at, actor, event, from_state, to_state, sealed_note)
    SELECT id, case_id, at, actor, event, from_state, to_state, sealed_note FROM case_events;
DROP TABLE case_events;
ALTER TABLE case_events_rebuilt RENAME TO case_events;
CREATE INDEX case_events_case ON case_events (case_id, at);
CREATE INDEX case_events_state_at ON case_events (to_state, at);
CREATE INDEX case_events_event_at ON case_events (event, at);

COMMIT;
PRAGMA foreign_keys = ON;
