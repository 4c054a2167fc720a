-- Deleting a case (the purge of unconfirmed submissions) deletes its consents through the foreign
-- key; without an index on case_id, each deleted case scanned the whole consents table.
CREATE INDEX consents_case ON consents (case_id);
