-- Fee schedules an administrator adds beside the profile's, each from its effective day (a future
-- day when added), and a revision number every instance compares to know its cached schedules
-- are current.
CREATE TABLE fee_schedules (
    effective_from DATE PRIMARY KEY NOT NULL,
    -- The whole domain::fees::FeeSchedule as JSON (fees are operator data, not personal data).
    schedule TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TIMESTAMP NOT NULL
);

CREATE TABLE fee_schedule_revision (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO fee_schedule_revision (id, revision) VALUES (1, 0);
