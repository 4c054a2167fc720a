-- The yearly figures count decisions without reading the cases: each approved decision keeps its
-- calendar days from receipt (JST day) to the notice, and one index holds every column the
-- figures group by, so they are counted from the index alone.
ALTER TABLE decisions ADD COLUMN days_to_decision INTEGER;
UPDATE decisions SET days_to_decision = (
    SELECT CAST(julianday(decisions.issued_on) - julianday(date(cases.received_at, '+9 hours')) AS INTEGER)
    FROM cases WHERE cases.id = decisions.case_id
) WHERE issued_on IS NOT NULL;
DROP INDEX decisions_issued;
CREATE INDEX decisions_figures ON decisions (status, issued_on, outcome, grounds, days_to_decision, due_on);

-- The sweep leaves out, in the query, the overdue cases whose escalation for their current
-- deadline was already sent: each reminder keeps the date it is about (until now only in its key).
ALTER TABLE reminders ADD COLUMN about_on DATE;
UPDATE reminders SET about_on = substr(key, instr(key, case_id) + length(case_id) + 1, 10);
DROP INDEX reminders_case;
CREATE INDEX reminders_case_kind_about ON reminders (case_id, kind, about_on);
