-- The last figures an instance counted for a view (the dashboard, per JST day), so an instance
-- that has just started, or another one behind the same load balancer, shows them at once while
-- it counts afresh, instead of keeping the first person waiting for a count over every case.
-- Counts only: no personal data.
CREATE TABLE figure_snapshots (
    name TEXT NOT NULL,
    day DATE NOT NULL,
    counted_at TIMESTAMP NOT NULL,
    figures TEXT NOT NULL,
    PRIMARY KEY (name, day)
);
