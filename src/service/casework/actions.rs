//! Casework actions that go through the lifecycle (or, for assignment and notes, beside it).

use chrono::{DateTime, NaiveDate, Utc};

use super::{Casework, CaseworkError, StaffActor, corrupt, for_action, save_with_audit};
use crate::db::audit;
use crate::db::cases::CaseRow;
use crate::db::messages::{self, MessageRow};
use crate::db::staff as staff_repo;
use crate::domain::event::Event;
use crate::domain::letters::LetterKind;
use crate::domain::message::MessageDirection;
use crate::domain::role::Role;
use crate::domain::text::Bilingual;
use crate::i18n::Lang;
use crate::service::case_record::contact_of;
use crate::service::letters::{self, Issuer, Stage};
use crate::service::lifecycle::{self, AlsoWrite, Firing, LetterToIssue, NewMessage, NoticeTo};
use crate::service::messages::MAX_CHARS;
use crate::service::notices;

pub(super) fn lang_of(row: &CaseRow) -> Lang {
    Lang::from_code(&row.lang).unwrap_or_default()
}

pub(super) fn number_of(row: &CaseRow) -> String {
    row.receipt_number.clone().unwrap_or_default()
}

pub(super) fn checked_text(field: &'static str, text: &str) -> Result<String, CaseworkError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(CaseworkError::Invalid(vec![(field, "required")]));
    }
    if text.chars().count() > MAX_CHARS {
        return Err(CaseworkError::Invalid(vec![(field, "too_long")]));
    }
    Ok(text.to_string())
}

/// A notice to the requester's contact address about `row`.
pub(super) async fn notice_to(
    cw: &Casework<'_>,
    row: &CaseRow,
    purpose: &'static str,
    headline: (&str, &str),
    detail: &str,
) -> Result<NoticeTo, CaseworkError> {
    let to = contact_of(cw.db, cw.desk.master, &row.id)
        .await
        .map_err(corrupt)?;
    Ok(NoticeTo {
        to,
        notice: notices::case_update(lang_of(row), &number_of(row), headline, detail),
        purpose,
    })
}

/// The requester is told what happened (mail) and why (a message on their page, kept for good).
pub(super) async fn tell_requester(
    cw: &Casework<'_>,
    actor: &StaffActor,
    row: &CaseRow,
    purpose: &'static str,
    headline: (&str, &str),
    why: &str,
) -> Result<(Option<NoticeTo>, Option<NewMessage>, Option<AlsoWrite>), CaseworkError> {
    let notice = notice_to(cw, row, purpose, headline, why).await?;
    let message = NewMessage {
        direction: MessageDirection::ToRequester,
        author: actor.label(),
        body: why.to_string(),
    };
    Ok((Some(notice), Some(message), None))
}

/// The stage's official letter, issued in the step's transaction and named in its mail.
/// `stage` words the letter from the case as the step left it (its new deadline, say).
pub(crate) fn letter(
    cw: &Casework<'_>,
    actor: &StaffActor,
    stage: impl Fn(&CaseRow) -> Stage + Send + 'static,
) -> LetterToIssue {
    LetterToIssue {
        issuer: Issuer::new(cw.desk.master, cw.desk.profile.clone(), actor.label()),
        stage: Box::new(stage),
    }
}

/// What a step sends and writes besides its event: the notice, the message on the requester's
/// page and further rows.
pub(crate) type Parts = (Option<NoticeTo>, Option<NewMessage>, Option<AlsoWrite>);

/// Fires `event` with an audit record of `action` and optional notice, message and extra rows.
pub(super) async fn fire(
    cw: &Casework<'_>,
    actor: &StaffActor,
    row: CaseRow,
    event: Event,
    action: &'static str,
    parts: Parts,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    fire_with_letter(cw, actor, (row, event, action), parts, None, now).await
}

/// [`fire`], issuing `letter` in the same transaction (its mail names and links it).
pub(super) async fn fire_with_letter(
    cw: &Casework<'_>,
    actor: &StaffActor,
    (row, event, action): (CaseRow, Event, &'static str),
    (notice, message, mut extra): Parts,
    letter: Option<LetterToIssue>,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let audit_row = actor.audit(now, action, &row.id);
    let firing = Firing {
        event,
        actor: actor.actor(),
        actor_label: actor.label(),
        notice,
        message,
        letter,
        also: Some(Box::new(move |conn, saved| {
            if let Some(extra) = extra.as_mut() {
                extra(conn, saved)?;
            }
            audit::append(conn, &audit_row)
        })),
    };
    Ok(lifecycle::apply(cw.db, &cw.desk, row, firing, now).await?.0)
}

/// Assigns the case to `assignee` (staff take cases for themselves; approvers assign anyone).
pub async fn assign(
    cw: &Casework<'_>,
    actor: &StaffActor,
    (case_id, version): (&str, i64),
    assignee: &str,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    if actor.role != Role::Approver && assignee != actor.id {
        return Err(CaseworkError::Forbidden);
    }
    let mut row = for_action(cw.db, actor, case_id, version, now).await?;
    let target = assignee.to_string();
    let found = cw
        .db
        .read(move |conn| staff_repo::find(conn, &target))
        .await?
        .filter(|s| s.disabled_at.is_none() && s.known_role().is_some_and(Role::works_cases));
    if found.is_none() {
        return Err(CaseworkError::Invalid(vec![("assignee", "unknown")]));
    }
    row.assignee_id = Some(assignee.to_string());
    row.updated_at = now.naive_utc();
    let audit_row = actor.audit(now, "case.assigned", &row.id).target(assignee);
    Ok(cw
        .db
        .write(move |conn| save_with_audit(conn, &row, "assigned", &audit_row))
        .await?)
}

/// An internal note (never shown to the requester) or a message to the requester (mailed; kept
/// for good: messages cannot be deleted).
pub async fn write(
    cw: &Casework<'_>,
    actor: &StaffActor,
    (case_id, version): (&str, i64),
    to_requester: bool,
    body: &str,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let field = if to_requester { "message" } else { "note" };
    let body = checked_text(field, body)?;
    let mut row = for_action(cw.db, actor, case_id, version, now).await?;
    let notice = if to_requester {
        Some(
            notice_to(
                cw,
                &row,
                "message",
                (
                    "窓口からメッセージが届いています。",
                    "The help desk has sent you a message.",
                ),
                "",
            )
            .await?,
        )
    } else {
        None
    };
    let outgoing = match notice.filter(|n| !n.to.trim().is_empty()) {
        Some(n) => Some(
            crate::mail::prepare(
                cw.desk.master,
                cw.desk.from,
                &crate::mail::OutgoingMail {
                    to: n.to,
                    subject: n.notice.subject,
                    text: n.notice.body,
                    html: None,
                },
                n.purpose,
                Some(&row.id),
                now,
            )
            .map_err(corrupt)?,
        ),
        None => None,
    };
    let id = uuid::Uuid::now_v7().to_string();
    let sealed_body = cw
        .desk
        .master
        .seal_value(&format!("message:{id}"), body.as_bytes())
        .map_err(corrupt)?;
    let message = MessageRow {
        id,
        case_id: row.id.clone(),
        at: now.naive_utc(),
        direction: if to_requester {
            MessageDirection::ToRequester
        } else {
            MessageDirection::Internal
        },
        author: actor.label(),
        sealed_body,
    };
    row.updated_at = now.naive_utc();
    let (event, action) = if to_requester {
        ("message_to_requester", "case.message_sent")
    } else {
        ("internal_note", "case.note_written")
    };
    let audit_row = actor.audit(now, action, &row.id);
    Ok(cw
        .db
        .write(move |conn| {
            messages::insert(conn, &message)?;
            if let Some(outgoing) = &outgoing {
                crate::db::outbox::enqueue(conn, outgoing)?;
            }
            save_with_audit(conn, &row, event, &audit_row)
        })
        .await?)
}

pub async fn start_review(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case: (&str, i64),
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let row = for_action(cw.db, actor, case.0, case.1, now).await?;
    let event = Event::StartIdentityReview;
    fire(
        cw,
        actor,
        row,
        event,
        "case.review_started",
        (None, None, None),
        now,
    )
    .await
}

pub async fn verify_identity(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case: (&str, i64),
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let row = for_action(cw.db, actor, case.0, case.1, now).await?;
    let event = Event::VerifyIdentity;
    fire(
        cw,
        actor,
        row,
        event,
        "case.identity_verified",
        (None, None, None),
        now,
    )
    .await
}

/// 補正: what to fix, by when. The clock stops until the requester answers.
pub async fn request_correction(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case: (&str, i64),
    items: &[&str],
    text: &str,
    reply_by: NaiveDate,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let row = for_action(cw.db, actor, case.0, case.1, now).await?;
    // A requester-side period that ends on a closed day ends on the next office day
    // (docs/deadlines.md §6): the requester is given that day, not one the office is shut.
    let reply_by = cw.desk.calendar.next_office_day_on_or_after(reply_by);
    let lang = lang_of(&row);
    let mut what: Vec<String> = items
        .iter()
        .map(|item| format!("・{}", lang.t(&format!("correction.item.{item}"))))
        .collect();
    if !text.trim().is_empty() {
        what.push(text.trim().to_string());
    }
    let what = checked_text("text", &what.join("\n"))?;
    let notice = NoticeTo {
        to: contact_of(cw.db, cw.desk.master, &row.id)
            .await
            .map_err(corrupt)?,
        notice: notices::correction_requested(lang, &number_of(&row), reply_by),
        purpose: "correction_requested",
    };
    let message = NewMessage {
        direction: MessageDirection::ToRequester,
        author: actor.label(),
        body: what.clone(),
    };
    let event = Event::RequestCorrection {
        reply_by,
        reason: what,
    };
    let profile = cw.desk.profile.clone();
    let (items_ja, items_en) = (
        what_in(Lang::Ja, items, text),
        what_in(Lang::En, items, text),
    );
    // A body whose decisions are 処分 (they carry a 教示) writes in administrative terms.
    let public = profile.regime.rules().appeal_instruction;
    let issue = letter(cw, actor, move |_| Stage {
        kind: LetterKind::CorrectionRequest,
        body: if public {
            Bilingual::fixed(
                "ご提出いただいた請求書について、次の事項の補正をお願いします。期限までに補正がない場合は、請求を却下することがあります。",
                "Please amend your request as follows. If it is not amended by the date below, the request may be dismissed.",
            )
        } else {
            Bilingual::fixed(
                "ご請求の内容について、次の事項をお知らせください。期限までにご回答がない場合は、ご請求にお応えできないことがあります。",
                "Please tell us the following about your request. Without an answer by the date below, we may be unable to proceed with it.",
            )
        },
        particulars: vec![
            (
                Bilingual::fixed("補正を求める事項", "What to amend"),
                Bilingual::owned(items_ja.clone(), items_en.clone()),
            ),
            (
                Bilingual::fixed("回答期限", "Reply by"),
                letters::date_value(&profile, reply_by),
            ),
        ],
    });
    let parts = (Some(notice), Some(message), None);
    let step = (row, event, "case.correction_requested");
    fire_with_letter(cw, actor, step, parts, Some(issue), now).await
}

/// The items of a 補正 in one language, as the letter lists them.
fn what_in(lang: Lang, items: &[&str], text: &str) -> String {
    let mut what: Vec<String> = items
        .iter()
        .map(|item| format!("・{}", lang.t(&format!("correction.item.{item}"))))
        .collect();
    if !text.trim().is_empty() {
        what.push(text.trim().to_string());
    }
    what.join("\n")
}

/// One extension (Art. 83(2)): the requester is told the new date and why.
pub async fn extend(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case: (&str, i64),
    days: u32,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let reason = checked_text("reason", reason)?;
    let row = for_action(cw.db, actor, case.0, case.1, now).await?;
    let parts = tell_requester(
        cw,
        actor,
        &row,
        "extension",
        (
            "決定の期限を延長しました。延長後の期限と理由は確認用ページに記載しています。",
            "We have extended the decision deadline. The new date and the reason are on your request's page.",
        ),
        &reason,
    )
    .await?;
    let profile = cw.desk.profile.clone();
    let why = reason.clone();
    let issue = letter(cw, actor, move |saved| Stage {
        kind: LetterKind::Extension,
        body: Bilingual::fixed(
            "ご請求について、個人情報の保護に関する法律の規定により、決定の期限を次のとおり延長しましたので通知します。",
            "Under the Act on the Protection of Personal Information, we have extended the period for the decision on your request as follows.",
        ),
        particulars: vec![
            (
                Bilingual::fixed("延長後の期限", "New deadline"),
                saved
                    .due_on
                    .map(|d| letters::date_value(&profile, d))
                    .unwrap_or_else(|| Bilingual::fixed("-", "-")),
            ),
            (
                Bilingual::fixed("延長の理由", "Reason"),
                Bilingual::owned(why.clone(), why.clone()),
            ),
        ],
    });
    let event = Event::ExtendDeadline { days, reason };
    let step = (row, event, "case.extended");
    fire_with_letter(cw, actor, step, parts, Some(issue), now).await
}

/// 特例延長 (Art. 84): part by the deadline, the rest by `rest_by`.
pub async fn special_extension(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case: (&str, i64),
    rest_by: NaiveDate,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let reason = checked_text("reason", reason)?;
    let row = for_action(cw.db, actor, case.0, case.1, now).await?;
    let detail = format!("{reason}\n{}", rest_by);
    let parts = tell_requester(
        cw,
        actor,
        &row,
        "special_extension",
        (
            "開示決定等の期限の特例を適用しました。残りの部分について決定する期限と理由は確認用ページに記載しています。",
            "We have applied the special extension. The date for the remainder and the reason are on your request's page.",
        ),
        &detail,
    )
    .await?;
    let profile = cw.desk.profile.clone();
    let why = reason.clone();
    let issue = letter(cw, actor, move |_| Stage {
        kind: LetterKind::SpecialExtension,
        body: Bilingual::fixed(
            "ご請求に係る保有個人情報が著しく大量であるため、個人情報の保護に関する法律の期限の特例規定を適用し、相当の部分について期限内に決定し、残りの部分については次の期限までに決定することとしましたので通知します。",
            "Because the information you asked for is very large in volume, we apply the special provision on the period: we decide on a reasonable part within the period and on the rest by the date below.",
        ),
        particulars: vec![
            (
                Bilingual::fixed("特例規定を適用する理由", "Reason"),
                Bilingual::owned(why.clone(), why.clone()),
            ),
            (
                Bilingual::fixed("残りの部分について決定する期限", "Decision on the rest by"),
                letters::date_value(&profile, rest_by),
            ),
        ],
    });
    let event = Event::ApplySpecialExtension { rest_by, reason };
    let step = (row, event, "case.special_extension");
    fire_with_letter(cw, actor, step, parts, Some(issue), now).await
}

/// Dismisses a defective request (no answer to a 補正 by its date), with a notice.
pub async fn dismiss(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case: (&str, i64),
    reason: &str,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let reason = checked_text("reason", reason)?;
    let row = for_action(cw.db, actor, case.0, case.1, now).await?;
    let parts = tell_requester(
        cw,
        actor,
        &row,
        "dismissed",
        ("ご請求を却下しました。", "Your request has been dismissed."),
        &reason,
    )
    .await?;
    let why = reason.clone();
    let public = cw.desk.profile.regime.rules().appeal_instruction;
    let issue = letter(cw, actor, move |_| letters::dismissal_stage(public, &why));
    let event = Event::Dismiss { reason };
    let step = (row, event, "case.dismissed");
    fire_with_letter(cw, actor, step, parts, Some(issue), now).await
}

pub async fn close(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case: (&str, i64),
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let row = for_action(cw.db, actor, case.0, case.1, now).await?;
    fire(
        cw,
        actor,
        row,
        Event::Close,
        "case.closed",
        (None, None, None),
        now,
    )
    .await
}
