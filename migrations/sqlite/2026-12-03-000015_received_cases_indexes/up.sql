-- A submission stays unconfirmed (no receipt, search keys or deadline) until its e-mail address
-- is confirmed, and no queue, search, register or figure shows an unconfirmed case: each query
-- these indexes serve asks for received cases. Leaving unconfirmed ones out spares every
-- submission five index writes, and the purge of unconfirmed submissions five deletes.
DROP INDEX cases_queue;
CREATE INDEX cases_queue ON cases (due_on, received_at, id) WHERE received_at IS NOT NULL;
DROP INDEX cases_received;
CREATE INDEX cases_received ON cases (received_at, id) WHERE received_at IS NOT NULL;
DROP INDEX cases_received_kind;
CREATE INDEX cases_received_kind ON cases (received_at, kind) WHERE received_at IS NOT NULL;
DROP INDEX cases_email_index;
CREATE INDEX cases_email_index ON cases (email_index) WHERE received_at IS NOT NULL;
DROP INDEX cases_name_index;
CREATE INDEX cases_name_index ON cases (name_index) WHERE received_at IS NOT NULL;
