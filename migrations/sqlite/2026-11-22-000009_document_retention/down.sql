DROP INDEX reminders_about_key;
DROP INDEX documents_live;
DROP TABLE retention_policy;
