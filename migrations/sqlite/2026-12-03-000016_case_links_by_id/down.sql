ALTER TABLE cases DROP COLUMN link_digest;
