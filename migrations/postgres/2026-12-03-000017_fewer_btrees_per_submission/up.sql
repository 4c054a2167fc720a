-- The unique indexes of receipt_number and access_token_hash held an entry for every unconfirmed
-- case (every new case, for access_token_hash): they now hold only the values they keep unique, as
-- on SQLite. SQLite's other changes of this step (tables without a rowid, case events keyed by
-- case and time) have no counterpart here: PostgreSQL keeps every table as a heap beside its
-- primary-key index, and finds a case's events through case_events_case.
ALTER TABLE cases DROP CONSTRAINT cases_receipt_number_key;
CREATE UNIQUE INDEX cases_receipt_number ON cases (receipt_number) WHERE receipt_number IS NOT NULL;
ALTER TABLE cases DROP CONSTRAINT cases_access_token_hash_key;
CREATE UNIQUE INDEX cases_access_token_hash ON cases (access_token_hash)
    WHERE access_token_hash IS NOT NULL;
