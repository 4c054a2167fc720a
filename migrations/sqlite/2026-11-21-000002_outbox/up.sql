-- Outgoing mail, written in the same transaction as the change that causes it and sent by a
-- worker, so an SMTP outage loses nothing. The message (recipient and body) is sealed under the
-- master key: only the purpose and case id are readable here.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TIMESTAMP NOT NULL,
    purpose TEXT NOT NULL,
    case_id TEXT,
    sealed_message BLOB NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_by TEXT,
    claim_expires_at TIMESTAMP,
    sent_at TIMESTAMP,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);
