-- Deleting a case (the purge of unconfirmed submissions) deletes its consents through the foreign
-- key, and SQLite looks them up by case_id: with no index on it, each deleted case read the whole
-- consents table. Keyed by (case_id, id) without a rowid, that lookup is a b-tree search, and a
-- submission writes its consent into one b-tree instead of a table and its primary-key index.
CREATE TABLE consents_by_case (
    id TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    notice_version TEXT NOT NULL,
    agreed_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    PRIMARY KEY (case_id, id)
) WITHOUT ROWID;
INSERT INTO consents_by_case (id, case_id, notice_version, agreed_at, withdrawn_at)
    SELECT id, case_id, notice_version, agreed_at, withdrawn_at FROM consents;
DROP TABLE consents;
ALTER TABLE consents_by_case RENAME TO consents;
