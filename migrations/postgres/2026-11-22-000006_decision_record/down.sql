DROP INDEX case_events_at;
DROP INDEX cases_received_kind;
DROP INDEX cases_state_kind_assignee;
DROP INDEX decisions_issued;
ALTER TABLE decisions DROP COLUMN grounds;
ALTER TABLE decisions DROP COLUMN due_on;
