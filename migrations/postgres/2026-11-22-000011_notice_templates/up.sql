-- The starting text of a decision notice for one outcome in one language, as an administrator
-- wrote it (without a row, the built-in text). Drafts copy it, so an issued notice never changes
-- when a template does.
CREATE TABLE notice_templates (
    outcome TEXT NOT NULL,
    lang TEXT NOT NULL,
    body TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (outcome, lang)
);
