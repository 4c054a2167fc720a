-- The yearly figures count decisions without reading the cases: each approved decision keeps its
-- calendar days from receipt (JST day) to the notice, and one index holds every column the
-- figures group by, so they are counted from the index alone.
ALTER TABLE decisions ADD COLUMN days_to_decision INTEGER;
UPDATE decisions SET days_to_decision = decisions.issued_on - (cases.received_at + INTERVAL '9 hours')::date
FROM cases WHERE cases.id = decisions.case_id AND decisions.issued_on IS NOT NULL;
DROP INDEX decisions_issued;
DROP INDEX decisions_status;
CREATE INDEX decisions_figures ON decisions (status, issued_on, outcome, grounds, days_to_decision, due_on);

-- The sweep leaves out, in the query, the overdue cases whose escalation for their current
-- deadline was already sent: each reminder keeps the date it is about (until now only in its key).
ALTER TABLE reminders ADD COLUMN about_on DATE;
UPDATE reminders SET about_on = substr(key, strpos(key, case_id) + length(case_id) + 1, 10)::date;
DROP INDEX reminders_case;
CREATE INDEX reminders_case_kind_about ON reminders (case_id, kind, about_on);

-- Withdrawals, dismissals, transfers and extensions of a period: a few seeks per state and per
-- event instead of a scan of every event in the period.
DROP INDEX case_events_at;
CREATE INDEX case_events_state_at ON case_events (to_state, at);
CREATE INDEX case_events_event_at ON case_events (event, at);
-- 補正 requests and fee movements of a period, read from their indexes alone.
CREATE INDEX case_pauses_reason_started ON case_pauses (reason, started_on, ended_on);
CREATE INDEX fee_entries_entry_at ON fee_entries (entry, at, amount);
