-- Official letters (docs/notices.md): every letter sent on a case, frozen as issued (an official
-- letter never changes after it is issued), its content sealed like a decision's text (it holds
-- the requester's name). Numbers come from a counter per series and fiscal year, incremented in
-- the issuing transaction; the unique index makes a shared number impossible even so.
CREATE TABLE letters (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    series TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    seq BIGINT NOT NULL,
    number TEXT NOT NULL,
    issued_on DATE NOT NULL,
    lang TEXT NOT NULL CHECK (lang IN ('ja', 'en')),
    sealed_content BYTEA NOT NULL,
    issued_by TEXT NOT NULL,
    issued_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX letters_number ON letters (series, fiscal_year, seq);
CREATE INDEX letters_case ON letters (case_id, issued_at);

CREATE TABLE letter_counters (
    series TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    last_seq BIGINT NOT NULL,
    PRIMARY KEY (series, fiscal_year)
);
