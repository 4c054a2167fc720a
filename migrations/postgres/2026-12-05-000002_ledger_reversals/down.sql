DELETE FROM fee_entries WHERE entry LIKE 'reversal_%';
ALTER TABLE fee_entries DROP CONSTRAINT fee_entries_entry_check;
ALTER TABLE fee_entries ADD CONSTRAINT fee_entries_entry_check CHECK (entry IN ('invoice',
    'payment', 'refund', 'waiver'));
