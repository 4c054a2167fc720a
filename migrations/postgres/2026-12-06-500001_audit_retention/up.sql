-- How long audit records are kept (docs/operations.md §2): NULL keeps everything, the default.
ALTER TABLE retention_policy ADD COLUMN audit_days INTEGER;
ALTER TABLE retention_policy ADD COLUMN audit_changed_by TEXT;
ALTER TABLE retention_policy ADD COLUMN audit_changed_at TIMESTAMP;

-- Where the kept log starts: the seal the last prune removed records up to, and its digest.
-- The first seal kept names that digest as its predecessor; 0 and zeros mean nothing was pruned.
ALTER TABLE audit_seal_head ADD COLUMN anchor_number BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_seal_head ADD COLUMN anchor_digest TEXT NOT NULL
    DEFAULT '0000000000000000000000000000000000000000000000000000000000000000';
