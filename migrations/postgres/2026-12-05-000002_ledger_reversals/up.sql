-- A wrong ledger entry is taken back by a reversal, never edited or deleted (docs/fees.md §6).
-- The entry column names what a reversal takes back, so yearly figures can net it without
-- opening sealed entries.
ALTER TABLE fee_entries DROP CONSTRAINT fee_entries_entry_check;
ALTER TABLE fee_entries ADD CONSTRAINT fee_entries_entry_check CHECK (entry IN ('invoice',
    'payment', 'refund', 'waiver', 'reversal_invoice', 'reversal_payment', 'reversal_refund',
    'reversal_waiver'));
