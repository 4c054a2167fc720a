//! The public-body procedures the regime table names, as staff actions (docs/regimes.md §9):
//! verifying the disclosure a correction or suspension follows (開示前置), transferring a request
//! to another body (移送) with its notice, and consulting third parties (第三者意見照会). What is
//! allowed, and for which kinds, is the domain's: this only gathers the facts, writes and tells.

use chrono::{DateTime, NaiveDate, Utc};

use super::actions::{fire, tell_requester};
use super::{Casework, CaseworkError, StaffActor, corrupt, for_action};
use crate::db::cases::CaseRow;
use crate::db::messages::{self, MessageRow};
use crate::domain::consultation::{Consultation, ThirdPartyReply};
use crate::domain::deadline::jst_date;
use crate::domain::event::Event;
use crate::domain::letters::LetterKind;
use crate::domain::message::MessageDirection;
use crate::domain::prior_disclosure::{self, PriorDisclosureRecord, PriorDisclosureSource};
use crate::domain::refusal::Refusal;
use crate::domain::text::Bilingual;
use crate::service::case_record::parse_facts;
use crate::service::letters::{self, Stage};
use crate::service::lifecycle::AlsoWrite;

fn invalid(field: &'static str, code: &'static str) -> CaseworkError {
    CaseworkError::Invalid(vec![(field, code)])
}

fn not_here(
    facts: &crate::domain::lifecycle::CaseFacts,
    event: crate::domain::event::EventKind,
) -> CaseworkError {
    CaseworkError::Refused(Refusal::NotUnderRegime {
        event,
        kind: facts.kind,
        regime: facts.regime,
    })
}

/// Records the disclosure a correction or suspension follows, as staff checked it against the
/// disclosure record: the day it was received, and the notice or receipt number. The domain
/// refuses a date after the request and a request past the 90 days.
pub async fn verify_prior_disclosure(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case: (&str, i64),
    disclosed_on: NaiveDate,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    if disclosed_on > jst_date(now) {
        return Err(invalid("disclosed_on", "future"));
    }
    let row = for_action(cw.db, actor, case.0, case.1, now).await?;
    let facts = parse_facts(&row).map_err(corrupt)?;
    let event_kind = crate::domain::event::EventKind::VerifyPriorDisclosure;
    let rule = facts
        .rules()
        .and_then(|r| r.prior_disclosure)
        .ok_or_else(|| not_here(&facts, event_kind))?;
    let reference = reference.trim();
    let record = PriorDisclosureRecord {
        disclosed_on,
        last_day: prior_disclosure::last_day(&rule, disclosed_on, &cw.desk.calendar),
        reference: (!reference.is_empty()).then(|| reference.to_string()),
        source: PriorDisclosureSource::Staff,
        verified: true,
    };
    let event = Event::VerifyPriorDisclosure { record };
    fire(
        cw,
        actor,
        row,
        event,
        "case.prior_disclosure_verified",
        (None, None, None),
        now,
    )
    .await
}

/// 移送: the request goes to `to_body`, agreed with it beforehand; the requester is told in
/// writing where it went, why, and that the period runs on from the original arrival.
pub async fn transfer(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case: (&str, i64),
    to_body: &str,
    reason: &str,
    consulted: bool,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let to_body = to_body.trim();
    if to_body.is_empty() {
        return Err(invalid("to_body", "required"));
    }
    let reason = super::actions::checked_text("reason", reason)?;
    if !consulted {
        return Err(invalid("consulted", "required"));
    }
    let row = for_action(cw.db, actor, case.0, case.1, now).await?;
    let facts = parse_facts(&row).map_err(corrupt)?;
    let event_kind = crate::domain::event::EventKind::Transfer;
    let rule = facts
        .rules()
        .and_then(|r| r.transfer)
        .ok_or_else(|| not_here(&facts, event_kind))?;
    let profile = &cw.desk.profile;
    let own_names = vec![
        profile.label.ja.to_string(),
        profile.label.en.to_string(),
        profile.office.organisation.value.ja.to_string(),
        profile.office.organisation.value.en.to_string(),
    ];
    let today = jst_date(now);
    let deadline = row.due_on.map(|d| d.to_string());
    let headline_ja = format!(
        "ご請求を「{to_body}」に移送しました（{}）。今後は移送先が決定を行います。",
        rule.basis.ja
    );
    let headline_en = format!(
        "Your request has been transferred to {to_body} ({}). That body will decide it.",
        rule.basis.en
    );
    let lang = super::actions::lang_of(&row);
    let detail = match lang {
        crate::i18n::Lang::Ja => format!(
            "移送日：{}\n理由：{reason}\n決定の期限は、当初の請求の受付日から数えます。移送前の手続は移送先が行ったものとみなされます（{}）。{}",
            today,
            rule.deemed.ja,
            deadline
                .as_deref()
                .map(|d| format!("移送時点の期限：{d}"))
                .unwrap_or_default()
        ),
        crate::i18n::Lang::En => format!(
            "Transferred on: {}\nReason: {reason}\nThe period for the decision still counts from the day your request first arrived; what was done before the transfer counts as done by the receiving body ({}). {}",
            today,
            rule.deemed.en,
            deadline
                .as_deref()
                .map(|d| format!("Deadline at the time of transfer: {d}"))
                .unwrap_or_default()
        ),
    };
    let parts = tell_requester(
        cw,
        actor,
        &row,
        "transferred",
        (&headline_ja, &headline_en),
        &detail,
    )
    .await?;
    let issue = super::actions::letter(cw, actor, {
        let (profile, to_body, reason) = (profile.clone(), to_body.to_string(), reason.clone());
        // The deadline as it stood before the transfer ended the case here.
        let due_on = row.due_on;
        move |_| transfer_stage(&profile, &rule, (&to_body, &reason), (today, due_on))
    });
    let event = Event::Transfer {
        to_body: to_body.to_string(),
        reason,
        consulted,
        own_names,
    };
    let step = (row, event, "case.transferred");
    super::actions::fire_with_letter(cw, actor, step, parts, Some(issue), now).await
}

/// The transfer notice (Arts. 85(1), 96(1)): where the request went, when and why, and that the
/// receiving body decides, counting what was done here as its own (85(2), 96(2)).
fn transfer_stage(
    profile: &crate::domain::profile::OperatorProfile,
    rule: &crate::domain::regime_rules::Transfer,
    (to_body, reason): (&str, &str),
    (on, deadline): (NaiveDate, Option<NaiveDate>),
) -> Stage {
    let same = |text: &str| Bilingual::owned(text.to_string(), text.to_string());
    let mut particulars = vec![
        (Bilingual::fixed("移送先", "Transferred to"), same(to_body)),
        (
            Bilingual::fixed("移送をした日", "Transferred on"),
            letters::date_value(profile, on),
        ),
        (Bilingual::fixed("移送の理由", "Reason"), same(reason)),
    ];
    if let Some(due) = deadline {
        particulars.push((
            Bilingual::fixed("移送時点の決定の期限", "Decision deadline at the transfer"),
            letters::date_value(profile, due),
        ));
    }
    Stage {
        kind: LetterKind::Transfer,
        body: Bilingual::owned(
            format!(
                "ご請求について、{}の規定により、次のとおり事案を移送しましたので通知します。今後の決定は移送先が行います。移送前にした行為は、移送先がしたものとみなされます（{}）。",
                rule.basis.ja, rule.deemed.ja
            ),
            format!(
                "Under {}, we have transferred your request to the body below, which will decide it. What was done here before the transfer counts as done by that body ({}).",
                rule.basis.en, rule.deemed.en
            ),
        ),
        particulars,
    }
}

/// 第三者意見照会: records that the third party `who` was asked for an opinion on `sent_on`,
/// to answer by `reply_by`. Who it was is personal data: it is kept as a sealed internal note
/// under the consultation's id.
pub async fn consult_third_party(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case: (&str, i64),
    who: &str,
    (sent_on, reply_by): (NaiveDate, NaiveDate),
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let who = super::actions::checked_text("who", who)?;
    if sent_on > jst_date(now) {
        return Err(invalid("sent_on", "future"));
    }
    if reply_by < sent_on {
        return Err(invalid("consult_reply_by", "before_sent"));
    }
    let row = for_action(cw.db, actor, case.0, case.1, now).await?;
    let id = uuid::Uuid::now_v7().to_string();
    let sealed_body = cw
        .desk
        .master
        .seal_value(&format!("message:{id}"), who.as_bytes())
        .map_err(corrupt)?;
    let note = MessageRow {
        id: id.clone(),
        case_id: row.id.clone(),
        at: now.naive_utc(),
        direction: MessageDirection::Internal,
        author: actor.label(),
        sealed_body,
    };
    let extra: AlsoWrite = Box::new(move |conn, _| messages::insert(conn, &note));
    let event = Event::ConsultThirdParty {
        consultation: Consultation {
            id,
            sent_on,
            reply_by,
            reply: None,
            replied_on: None,
        },
    };
    fire(
        cw,
        actor,
        row,
        event,
        "case.third_party_consulted",
        (None, None, Some(extra)),
        now,
    )
    .await
}

/// The consulted party's answer: agreeing, or objecting (反対意見書), which holds the disclosure
/// for two weeks after the decision (Art. 86(3)).
pub async fn record_third_party_reply(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case: (&str, i64),
    id: &str,
    reply: ThirdPartyReply,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let row = for_action(cw.db, actor, case.0, case.1, now).await?;
    let event = Event::RecordThirdPartyReply {
        id: id.trim().to_string(),
        reply,
        on,
    };
    fire(
        cw,
        actor,
        row,
        event,
        "case.third_party_replied",
        (None, None, None),
        now,
    )
    .await
}
