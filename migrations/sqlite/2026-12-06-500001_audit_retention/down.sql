ALTER TABLE audit_seal_head DROP COLUMN anchor_digest;
ALTER TABLE audit_seal_head DROP COLUMN anchor_number;
ALTER TABLE retention_policy DROP COLUMN audit_changed_at;
ALTER TABLE retention_policy DROP COLUMN audit_changed_by;
ALTER TABLE retention_policy DROP COLUMN audit_days;
