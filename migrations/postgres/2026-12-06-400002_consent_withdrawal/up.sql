-- A consent's withdrawal (撤回) is recorded with who recorded it: the requester on their case page
-- ('requester'), or staff told by telephone, letter or at the counter ('staff') (issue #26; the PHR
-- guideline Q&A, Q3-7 and Q3-8). `withdrawn_at` already holds when.
ALTER TABLE consents ADD COLUMN withdrawn_by TEXT;
