-- Casework: who did what to which case (audit with role and case), the fee ledger, decision
-- drafts with their approval, and how long a delivered file stays downloadable.

ALTER TABLE audit_events ADD COLUMN role TEXT;
ALTER TABLE audit_events ADD COLUMN case_id TEXT;
CREATE INDEX audit_events_case ON audit_events (case_id, at);
CREATE INDEX audit_events_actor ON audit_events (actor, at);
CREATE INDEX audit_events_address ON audit_events (client_ip, action, at);

-- One row per ledger entry. Amount and kind stay readable for totals and statistics; the method,
-- reference and reason (a waiver's reason can reveal someone's circumstances) are sealed.
CREATE TABLE fee_entries (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at TIMESTAMP NOT NULL,
    entry TEXT NOT NULL CHECK (entry IN ('invoice', 'payment', 'refund', 'waiver')),
    amount BIGINT NOT NULL CHECK (amount > 0),
    recorded_by TEXT NOT NULL,
    sealed_entry BLOB NOT NULL
);
CREATE INDEX fee_entries_case ON fee_entries (case_id, at);

-- Decision drafts. A draft is pending until an approver other than its drafter approves it
-- (then it is the decision notice) or returns it with a comment.
CREATE TABLE decisions (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    outcome TEXT NOT NULL,
    sealed_text BLOB NOT NULL,
    drafted_by TEXT NOT NULL,
    drafted_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'returned', 'approved')),
    reviewed_by TEXT,
    reviewed_at TIMESTAMP,
    sealed_comment BLOB,
    issued_on DATE
);
CREATE INDEX decisions_case ON decisions (case_id, drafted_at);
CREATE INDEX decisions_status ON decisions (status);

ALTER TABLE documents ADD COLUMN available_until TIMESTAMP;

-- The queue walks these in order and stops after a page, instead of sorting every open case.
DROP INDEX cases_state_due;
CREATE INDEX cases_state_queue ON cases (state, due_on, received_at, id);
CREATE INDEX cases_queue ON cases (due_on, received_at, id);
CREATE INDEX cases_received ON cases (received_at, id);
