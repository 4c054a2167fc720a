DROP INDEX fee_entries_entry_value_date;
ALTER TABLE fee_entries DROP COLUMN value_date;
