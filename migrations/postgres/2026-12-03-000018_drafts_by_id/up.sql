-- A browser's draft token names its row once the draft is saved, so that a step and the submission
-- find the draft by the table's own key. The digest index stays for tokens that name no row yet
-- (those given before this change).
ALTER TABLE drafts DROP CONSTRAINT drafts_pkey;
ALTER TABLE drafts ADD COLUMN id SERIAL PRIMARY KEY;
ALTER TABLE drafts ADD CONSTRAINT drafts_token_hash_key UNIQUE (token_hash);
