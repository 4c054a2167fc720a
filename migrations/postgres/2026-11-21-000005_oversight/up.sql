-- Oversight: the operator's own calendar days (closures and openings), a revision number every
-- instance compares to know its cached calendar is current, and the reminders already sent
-- (their key is the claim: a second instance inserting the same key inserts nothing).

CREATE TABLE calendar_days (
    day DATE PRIMARY KEY NOT NULL,
    -- 'closed': an extra closed day; 'open': an office day on a normally closed day.
    status TEXT NOT NULL CHECK (status IN ('closed', 'open')),
    note TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);

CREATE TABLE calendar_revision (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO calendar_revision (id, revision) VALUES (1, 0);

CREATE TABLE reminders (
    key TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    instance TEXT NOT NULL
);
CREATE INDEX reminders_case ON reminders (case_id);
