-- Staff find a case by any name it carries: the person's and the agent's, written or read in kana
-- (issue #26). One case has several such keys, so they leave `cases` for a table of their own,
-- keyed by the hash that is looked up; the case id beside it serves the deletes of a case's keys
-- (its re-indexing under a new key, the purge of unconfirmed submissions).
-- Keys are keyed hashes (HMAC of the normalised name), never names. Cases that exist when this
-- runs get theirs at the next start (`service::search_keys::backfill`, docs/operations.md §7),
-- which the maintenance row below asks for and which removes it once done: later starts look it
-- up and do nothing.
CREATE TABLE case_name_keys (
    name_key TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    PRIMARY KEY (name_key, case_id)
);
CREATE INDEX case_name_keys_case ON case_name_keys (case_id);
ALTER TABLE cases DROP COLUMN name_index;
INSERT INTO maintenance (name, started_at) VALUES ('name_search_keys', CURRENT_TIMESTAMP AT TIME ZONE 'UTC');
