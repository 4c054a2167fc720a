DROP INDEX case_events_counted_events;
DROP INDEX case_events_counted_states;
CREATE INDEX case_events_state_at ON case_events (to_state, at);
CREATE INDEX case_events_event_at ON case_events (event, at);
