-- A wrong ledger entry is taken back by a reversal, never edited or deleted (docs/fees.md §6).
-- The entry column names what a reversal takes back, so yearly figures can net it without
-- opening sealed entries. SQLite cannot change a CHECK constraint: the table is rebuilt.
CREATE TABLE fee_entries_new (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at TIMESTAMP NOT NULL,
    entry TEXT NOT NULL CHECK (entry IN ('invoice', 'payment', 'refund', 'waiver',
        'reversal_invoice', 'reversal_payment', 'reversal_refund', 'reversal_waiver')),
    amount BIGINT NOT NULL CHECK (amount > 0),
    recorded_by TEXT NOT NULL,
    sealed_entry BLOB NOT NULL
);
INSERT INTO fee_entries_new SELECT id, case_id, at, entry, amount, recorded_by, sealed_entry
    FROM fee_entries;
DROP TABLE fee_entries;
ALTER TABLE fee_entries_new RENAME TO fee_entries;
CREATE INDEX fee_entries_case ON fee_entries (case_id, at);
CREATE INDEX fee_entries_entry_at ON fee_entries (entry, at, amount);
