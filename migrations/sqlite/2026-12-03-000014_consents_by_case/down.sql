CREATE TABLE consents_by_id (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    notice_version TEXT NOT NULL,
    agreed_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP
);
INSERT INTO consents_by_id (id, case_id, notice_version, agreed_at, withdrawn_at)
    SELECT id, case_id, notice_version, agreed_at, withdrawn_at FROM consents;
DROP TABLE consents;
ALTER TABLE consents_by_id RENAME TO consents;
