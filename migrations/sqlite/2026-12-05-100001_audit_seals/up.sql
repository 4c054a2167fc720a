-- A tamper-evident audit log (docs/operations.md §2). Each record carries the SHA-256 of its own
-- content, written with it; a seal, made at least once a minute by whichever instance gets there
-- first, takes every record not yet sealed and binds them, in id order, to the previous seal's
-- digest. Records wait for their seal in a partial index that holds the unsealed ones only, so
-- writing a record adds no lock and no lasting index entry.
ALTER TABLE audit_events ADD COLUMN digest TEXT;
ALTER TABLE audit_events ADD COLUMN seal BIGINT;
CREATE INDEX audit_events_unsealed ON audit_events (id) WHERE seal IS NULL;

CREATE TABLE audit_seals (
    number BIGINT PRIMARY KEY NOT NULL,
    sealed_at TIMESTAMP NOT NULL,
    records BIGINT NOT NULL,
    first_id TEXT NOT NULL,
    last_id TEXT NOT NULL,
    previous_digest TEXT NOT NULL,
    digest TEXT NOT NULL
);

-- The newest seal's number and digest, in one row that a sealer updates first: its row lock (or
-- SQLite's write lock) makes concurrent sealers take turns without holding up other writers.
CREATE TABLE audit_seal_head (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    number BIGINT NOT NULL,
    digest TEXT NOT NULL
);
INSERT INTO audit_seal_head (id, number, digest)
    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
