-- The operator profile an administrator chose and adjusted (one row). Until one is saved the
-- profile named by MADOGUCHI_PROFILE applies as it is ready-made. The revision tells every
-- instance when its cached profile is out of date, and refuses a form saved over a newer change.
CREATE TABLE operator_settings (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    -- A ready profile's stable name (domain::profile::ProfileName), NULL until one is chosen.
    profile TEXT,
    -- domain::operator_settings::Adjustments as JSON (operator data, not personal data).
    adjustments TEXT,
    revision BIGINT NOT NULL,
    changed_by TEXT,
    changed_at TIMESTAMP
);
INSERT INTO operator_settings (id, revision) VALUES (1, 0);
