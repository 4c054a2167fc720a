DROP INDEX cases_access_token_hash;
ALTER TABLE cases ADD CONSTRAINT cases_access_token_hash_key UNIQUE (access_token_hash);
DROP INDEX cases_receipt_number;
ALTER TABLE cases ADD CONSTRAINT cases_receipt_number_key UNIQUE (receipt_number);
