-- An administrator's confirmation of a profile's built-in fee schedule (docs/fees.md §9): until
-- one exists, the public is shown that schedule's amounts as provisional. The amounts confirmed
-- are kept, so a release that changes the built-in amounts is not covered by an old confirmation.
-- (A schedule an administrator adds is confirmed by its own added_by/added_at.)
CREATE TABLE fee_schedule_confirmations (
    profile TEXT NOT NULL,
    effective_from DATE NOT NULL,
    -- The confirmed domain::fees::FeeSchedule as JSON (operator data, not personal data).
    schedule TEXT NOT NULL,
    confirmed_by TEXT NOT NULL,
    confirmed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (profile, effective_from)
);
