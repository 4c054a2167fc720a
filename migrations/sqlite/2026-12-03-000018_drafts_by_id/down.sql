CREATE TABLE drafts_by_digest (
    token_hash TEXT PRIMARY KEY NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    submitted_case_id TEXT,
    sealed BLOB NOT NULL
);
INSERT INTO drafts_by_digest (token_hash, created_at, expires_at, submitted_case_id, sealed)
    SELECT token_hash, created_at, expires_at, submitted_case_id, sealed FROM drafts;
DROP TABLE drafts;
ALTER TABLE drafts_by_digest RENAME TO drafts;
