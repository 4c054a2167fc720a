-- Running server instances announce themselves and beat every few seconds, so that a command
-- that must not run beside a server (key rotation) can tell whether one does, on any host.
CREATE TABLE server_instances (
    id TEXT PRIMARY KEY NOT NULL,
    started_at TIMESTAMP NOT NULL,
    seen_at TIMESTAMP NOT NULL
);
-- Maintenance under way (a key rotation): servers refuse to start until it is finished.
CREATE TABLE maintenance (
    name TEXT PRIMARY KEY NOT NULL,
    started_at TIMESTAMP NOT NULL
);
