-- What a decision needs for the yearly figures and the "decided on time" series: the deadline in
-- force when it was issued (a decided case no longer has one) and the grounds chosen for withholding
-- (codes, comma-separated; empty when nothing was withheld).
ALTER TABLE decisions ADD COLUMN due_on DATE;
ALTER TABLE decisions ADD COLUMN grounds TEXT NOT NULL DEFAULT '';
CREATE INDEX decisions_issued ON decisions (status, issued_on);

-- The dashboard counts open cases by state with kind and assignee, and the yearly statistics read
-- receipts and events by period: indexes that answer those without reading the case rows.
CREATE INDEX cases_state_kind_assignee ON cases (state, kind, assignee_id);
CREATE INDEX cases_received_kind ON cases (received_at, kind);
CREATE INDEX case_events_at ON case_events (at, to_state, event);
