DROP TABLE fee_schedule_revision;
DROP TABLE fee_schedules;
