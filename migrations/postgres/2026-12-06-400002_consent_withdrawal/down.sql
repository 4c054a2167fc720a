ALTER TABLE consents DROP COLUMN withdrawn_by;
