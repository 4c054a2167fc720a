DROP INDEX reminders_case_kind_about;
CREATE INDEX reminders_case ON reminders (case_id);
ALTER TABLE reminders DROP COLUMN about_on;
DROP INDEX decisions_figures;
CREATE INDEX decisions_issued ON decisions (status, issued_on);
ALTER TABLE decisions DROP COLUMN days_to_decision;
