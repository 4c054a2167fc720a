-- What a decision needs for the yearly figures and the "decided on time" series: the deadline in
-- force when it was issued (a decided case no longer has one) and the grounds chosen for withholding
-- (codes, comma-separated; empty when nothing was withheld).
ALTER TABLE decisions ADD COLUMN due_on DATE;
ALTER TABLE decisions ADD COLUMN grounds TEXT NOT NULL DEFAULT '';
CREATE INDEX decisions_issued ON decisions (status, issued_on);
