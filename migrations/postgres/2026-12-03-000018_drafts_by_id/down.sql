ALTER TABLE drafts DROP CONSTRAINT drafts_token_hash_key;
ALTER TABLE drafts DROP COLUMN id;
ALTER TABLE drafts ADD PRIMARY KEY (token_hash);
