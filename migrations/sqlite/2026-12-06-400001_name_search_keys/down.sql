DELETE FROM maintenance WHERE name = 'name_search_keys';
-- The single person's-name key is not recomputed here (that needs the master key): cases found by
-- name before are found again after `madoguchi keys rotate` re-indexes them.
ALTER TABLE cases ADD COLUMN name_index TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_name_index ON cases (name_index) WHERE received_at IS NOT NULL;
DROP TABLE case_name_keys;
