//! Decision-notice starting texts: the administrator's, where one was written, else the built-in
//! one. Saving or resetting is audited in the same transaction.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::db::audit::{self, AuditEvent};
use crate::db::notice_templates::{self as rows, NoticeTemplateRow};
use crate::db::{Db, DbError};
use crate::domain::notice_templates::{BodyProblem, check_body};
use crate::domain::outcome::Outcome;
use crate::domain::regime::Regime;
use crate::i18n::Lang;
use crate::service::casework::decisions::template as built_in;

pub const LANGS: [Lang; 2] = [Lang::Ja, Lang::En];

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("the text cannot be saved")]
    Invalid(Vec<(Lang, BodyProblem)>),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The text a new draft of `outcome` starts from.
pub async fn starting_text(
    db: &Db,
    outcome: Outcome,
    regime: Regime,
    lang: Lang,
) -> Result<String, DbError> {
    let found = db
        .read(move |conn| rows::find(conn, outcome.as_str(), lang.code()))
        .await?;
    Ok(found.map_or_else(|| built_in(outcome, regime, lang), |row| row.body))
}

/// Who last wrote the text of one outcome in one language.
#[derive(Debug, Clone)]
pub struct Written {
    pub outcome: String,
    pub lang: String,
    pub changed_by: String,
    pub changed_at: NaiveDateTime,
}

/// Every text an administrator wrote.
pub async fn written(db: &Db) -> Result<Vec<Written>, DbError> {
    Ok(db
        .read(rows::all)
        .await?
        .into_iter()
        .map(|row| Written {
            outcome: row.outcome,
            lang: row.lang,
            changed_by: row.changed_by,
            changed_at: row.changed_at,
        })
        .collect())
}

/// Saves the texts of `outcome` (one per language). A text equal to the built-in one is stored
/// as no text, so it follows the built-in one if that is improved. Returns the languages changed.
pub async fn save(
    db: &Db,
    (outcome, regime): (Outcome, Regime),
    typed: [(Lang, &str); 2],
    (actor, role): (&str, &str),
    now: DateTime<Utc>,
) -> Result<Vec<Lang>, TemplateError> {
    let mut checked = Vec::new();
    let mut problems = Vec::new();
    for (lang, raw) in typed {
        match check_body(raw) {
            Ok(text) => checked.push((lang, text)),
            Err(problem) => problems.push((lang, problem)),
        }
    }
    if !problems.is_empty() {
        return Err(TemplateError::Invalid(problems));
    }
    let (actor, role) = (actor.to_string(), role.to_string());
    Ok(db
        .write(move |conn| {
            let mut changed = Vec::new();
            for (lang, text) in checked.clone() {
                let before = rows::find(conn, outcome.as_str(), lang.code())?;
                let stored = if text == built_in(outcome, regime, lang) {
                    None
                } else {
                    Some(text)
                };
                if before.as_ref().map(|row| &row.body) == stored.as_ref() {
                    continue;
                }
                let action = match stored {
                    Some(body) => {
                        rows::put(
                            conn,
                            &NoticeTemplateRow {
                                outcome: outcome.as_str().to_string(),
                                lang: lang.code().to_string(),
                                body,
                                changed_by: actor.clone(),
                                changed_at: now.naive_utc(),
                            },
                        )?;
                        "notice_template.saved"
                    }
                    None => {
                        rows::remove(conn, outcome.as_str(), lang.code())?;
                        "notice_template.reset"
                    }
                };
                let event = AuditEvent::new(now.naive_utc(), format!("staff:{actor}"), action)
                    .role(&role)
                    .target(format!("{outcome}:{}", lang.code()));
                audit::append(conn, &event)?;
                changed.push(lang);
            }
            Ok(changed)
        })
        .await?)
}

/// Returns both languages of `outcome` to the built-in text.
pub async fn reset(
    db: &Db,
    outcome: Outcome,
    (actor, role): (&str, &str),
    now: DateTime<Utc>,
) -> Result<usize, DbError> {
    let (actor, role) = (actor.to_string(), role.to_string());
    db.write(move |conn| {
        let mut reset = 0;
        for lang in LANGS {
            if rows::remove(conn, outcome.as_str(), lang.code())? {
                let event = AuditEvent::new(
                    now.naive_utc(),
                    format!("staff:{actor}"),
                    "notice_template.reset",
                )
                .role(&role)
                .target(format!("{outcome}:{}", lang.code()));
                audit::append(conn, &event)?;
                reset += 1;
            }
        }
        Ok(reset)
    })
    .await
}
