//! Opening a sent letter: the requester by their private link, staff on a case they may open
//! (audited, since a letter names the requester), each on its page or as a PDF. Kept apart from
//! [`crate::service::letters`], which issues letters inside other use cases' transactions.

use chrono::{DateTime, Utc};

use crate::domain::letters::LetterContent;
use crate::service::casework::{Casework, CaseworkError, StaffActor, open_case};
use crate::service::intake::submit::IntakeContext;
use crate::service::letters::{LetterError, Reader, open};

/// A letter of the case the requester's private link opens (None: no such case or letter).
pub async fn for_requester(
    ctx: &IntakeContext<'_>,
    link: &str,
    letter_id: &str,
    (japanese, taken): (bool, Taken),
) -> Result<Option<LetterContent>, LetterError> {
    let Some(case) = crate::service::portal::find_case(ctx, link).await? else {
        return Ok(None);
    };
    tracing::info!(case_id = %case.id, pdf = taken == Taken::Pdf, "requester opened a letter");
    match open(
        ctx.db,
        ctx.master,
        (&case.id, letter_id),
        Reader::Requester,
        japanese,
    )
    .await
    {
        Ok(letter) => Ok(Some(letter)),
        Err(LetterError::NotFound) => Ok(None),
        Err(other) => Err(other),
    }
}

/// How a letter is taken: read on its page, or downloaded as a PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    Page,
    Pdf,
}

impl Taken {
    fn audit_action(self) -> &'static str {
        match self {
            Taken::Page => "letter.viewed",
            Taken::Pdf => "letter.pdf_downloaded",
        }
    }
}

/// A letter of a case a member of staff may open; opening it or downloading it (it names the
/// requester) is audited like opening the requester's details.
pub async fn for_staff(
    cw: &Casework<'_>,
    actor: &StaffActor,
    (case_id, letter_id): (&str, &str),
    (japanese, taken): (bool, Taken),
    now: DateTime<Utc>,
) -> Result<LetterContent, CaseworkError> {
    let row = open_case(cw.db, actor, case_id, now).await?;
    let viewed = actor
        .audit(now, taken.audit_action(), &row.id)
        .target(letter_id);
    cw.db
        .write(move |conn| crate::db::audit::append(conn, &viewed))
        .await?;
    open(
        cw.db,
        cw.desk.master,
        (&row.id, letter_id),
        Reader::Staff,
        japanese,
    )
    .await
    .map_err(|e| match e {
        LetterError::NotFound => CaseworkError::NotFound,
        LetterError::Corrupt => CaseworkError::Corrupt("letter unreadable".into()),
        LetterError::Db(db) => db.into(),
    })
}
