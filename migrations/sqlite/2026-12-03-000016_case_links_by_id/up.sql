-- Private case links now name their case: the case is found by its primary key and the link
-- checked against this digest, which needs no index. The digests of older links stay in
-- access_token_hash, whose unique index took a random page of every submission's commit.
ALTER TABLE cases ADD COLUMN link_digest TEXT;
