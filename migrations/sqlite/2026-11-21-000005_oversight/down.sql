DROP INDEX reminders_case;
DROP TABLE reminders;
DROP TABLE calendar_revision;
DROP TABLE calendar_days;
