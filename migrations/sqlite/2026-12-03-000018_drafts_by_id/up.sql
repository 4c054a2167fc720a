-- A browser's draft token names its row once the draft is saved, so that a step and the submission
-- find the draft by the table's own key: before, each read went through the index of token
-- digests and then the table, page by page, and a read on SQLite starts from an empty cache
-- whenever another connection has written since its last read. The index stays for tokens that
-- name no row yet (those given before this change). Ids come from the table's rowid.
CREATE TABLE drafts_by_id (
    id INTEGER PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    -- Set when the draft is submitted: a second submit of the same draft (a double click)
    -- finds it here instead of creating a second case.
    submitted_case_id TEXT,
    sealed BLOB NOT NULL
);
INSERT INTO drafts_by_id (token_hash, created_at, expires_at, submitted_case_id, sealed)
    SELECT token_hash, created_at, expires_at, submitted_case_id, sealed FROM drafts
    ORDER BY created_at;
DROP TABLE drafts;
ALTER TABLE drafts_by_id RENAME TO drafts;
