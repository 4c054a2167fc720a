-- Every submission writes a row into each index of `cases`. The purge of unconfirmed
-- submissions, the one query by created_at, finds them through cases_state_queue's state (only
-- requests awaiting confirmation, a few at any time), so this index answered nothing the others
-- do not.
DROP INDEX cases_created_at;
