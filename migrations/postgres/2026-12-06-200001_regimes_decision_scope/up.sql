-- Under Art. 84 a disclosure is decided in two decisions, each approved and notified on its own:
-- a considerable part within 60 days, the remainder by the date the notice stated. The scope says
-- which a decision is ('whole' for every other decision), so its letter and the figures can tell.
ALTER TABLE decisions ADD COLUMN scope TEXT NOT NULL DEFAULT 'whole';
