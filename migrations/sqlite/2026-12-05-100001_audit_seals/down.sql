DROP TABLE audit_seal_head;
DROP TABLE audit_seals;
DROP INDEX audit_events_unsealed;
ALTER TABLE audit_events DROP COLUMN seal;
ALTER TABLE audit_events DROP COLUMN digest;
