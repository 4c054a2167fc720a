-- How long a case's documents are kept after the case ends (one row, changed by administrators),
-- an index for finding the documents not yet destroyed, and one for the reminder sweep's read of
-- what was already claimed about recent days.
CREATE TABLE retention_policy (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    document_days INTEGER NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
INSERT INTO retention_policy (id, document_days, changed_by, changed_at)
VALUES (1, 365, 'system', CURRENT_TIMESTAMP);
CREATE INDEX documents_live ON documents (destroyed_at, case_id);
CREATE INDEX reminders_about_key ON reminders (about_on, key);
