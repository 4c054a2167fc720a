-- A record of every backup set taken (seed 001 §4.10: "a record of each"), by the command or by
-- the schedule, which monitoring reads for the age of the newest set.
CREATE TABLE backup_sets (
    name TEXT PRIMARY KEY NOT NULL,
    taken_at TIMESTAMP NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('full', 'incremental')),
    bytes BIGINT NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    taken_by TEXT NOT NULL
);
-- One scheduled backup per JST day, claimed by exactly one instance.
CREATE TABLE backup_claims (
    day DATE PRIMARY KEY NOT NULL,
    instance TEXT NOT NULL,
    claimed_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
