CREATE INDEX cases_created_at ON cases (created_at);
