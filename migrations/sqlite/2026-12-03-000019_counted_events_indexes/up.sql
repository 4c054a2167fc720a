-- The yearly figures count a few kinds of case event (cases withdrawn, dismissed or transferred;
-- extensions), and they were the only readers of two indexes that every event entered, among
-- them the event of every submission and of every confirmation. The indexes now hold the counted
-- events only; the queries state the same conditions (db/statistics.rs), which a partial index
-- needs before the planner uses it.
DROP INDEX case_events_state_at;
DROP INDEX case_events_event_at;
CREATE INDEX case_events_counted_states ON case_events (to_state, at)
    WHERE to_state IN ('withdrawn', 'dismissed', 'transferred');
CREATE INDEX case_events_counted_events ON case_events (event, at)
    WHERE event IN ('extend_deadline', 'apply_special_extension');
