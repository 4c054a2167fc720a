DELETE FROM fee_entries WHERE entry LIKE 'reversal_%';
CREATE TABLE fee_entries_old (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at TIMESTAMP NOT NULL,
    entry TEXT NOT NULL CHECK (entry IN ('invoice', 'payment', 'refund', 'waiver')),
    amount BIGINT NOT NULL CHECK (amount > 0),
    recorded_by TEXT NOT NULL,
    sealed_entry BLOB NOT NULL
);
INSERT INTO fee_entries_old SELECT id, case_id, at, entry, amount, recorded_by, sealed_entry
    FROM fee_entries;
DROP TABLE fee_entries;
ALTER TABLE fee_entries_old RENAME TO fee_entries;
CREATE INDEX fee_entries_case ON fee_entries (case_id, at);
CREATE INDEX fee_entries_entry_at ON fee_entries (entry, at, amount);
