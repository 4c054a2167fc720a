//! Requests that arrive by post, e-mail or at the counter, entered by staff. The case starts
//! received on its arrival date (a back-dated arrival is audited), with a receipt number at once;
//! if the requester gave an e-mail address, the receipt notice and private link go there.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};

use super::draft::RequestDraft;
use super::person::FieldProblem;
use super::submit::{IntakeContext, IntakeError};
use crate::auth::token;
use crate::db::audit::{self, AuditEvent};
use crate::db::cases::{self, CaseRow};
use crate::db::outbox;
use crate::domain::channel::RequestChannel;
use crate::domain::deadline::{compute_deadline, jst_date};
use crate::domain::lifecycle::Entry;
use crate::i18n::Lang;
use crate::mail::{self, OutgoingMail};
use crate::service::case_record::{
    SealedContent, SealedParty, append_event, facts_json, seal_json,
};
use crate::service::notices;

/// Arrivals further back than this are almost certainly typing mistakes.
const MAX_BACKDATE_DAYS: i64 = 366;

pub struct StaffEntry {
    /// How it came in: one of [`RequestChannel::ON_PAPER`] (None when none was chosen).
    pub channel: Option<RequestChannel>,
    pub arrived_on: String,
    pub draft: RequestDraft,
    pub lang: Lang,
}

/// The arrival date, checked: not in the future, not over a year back.
pub fn arrival(raw: &str, today: NaiveDate) -> Result<NaiveDate, &'static str> {
    let date = super::person::birth_date(raw).ok_or(if raw.trim().is_empty() {
        "required"
    } else {
        "format"
    })?;
    if date > today {
        return Err("future");
    }
    if (today - date).num_days() > MAX_BACKDATE_DAYS {
        return Err("too_old");
    }
    Ok(date)
}

/// What is wrong with the entry. Contact details are optional on paper (the reply goes by post),
/// and there is no online consent to record.
pub fn problems(
    entry: &StaffEntry,
    profile: &crate::domain::profile::OperatorProfile,
    today: NaiveDate,
    cal: &crate::domain::calendar::BusinessCalendar,
) -> Vec<FieldProblem> {
    let mut out: Vec<FieldProblem> = Vec::new();
    if !entry
        .channel
        .is_some_and(|c| RequestChannel::ON_PAPER.contains(&c))
    {
        out.push(("channel", "required"));
    }
    if let Err(code) = arrival(&entry.arrived_on, today) {
        out.push(("arrived_on", code));
    }
    let draft = &entry.draft;
    out.extend(
        draft
            .start_problems(profile)
            .into_iter()
            .filter(|(field, _)| *field != "consent"),
    );
    let optional = |field: &str| matches!(field, "phone" | "email" | "agent_phone" | "agent_email");
    let blank = |field: &str| {
        let p = &draft.person;
        let a = &draft.agent;
        match field {
            "phone" => p.phone.trim().is_empty(),
            "email" => p.email.trim().is_empty(),
            "agent_phone" => a.phone.trim().is_empty(),
            "agent_email" => a.email.trim().is_empty(),
            _ => false,
        }
    };
    out.extend(
        draft
            .person_problems(today)
            .into_iter()
            .chain(draft.agent_problems(today))
            .filter(|(field, code)| !(optional(field) && *code == "required" && blank(field))),
    );
    // A request on paper is received whatever it says about the disclosure it follows: staff
    // record what it states and verify it on the case (a late or missing one is then refused
    // or dismissed there, with its own notice). A date that is no date is still a typing error.
    let arrived = arrival(&entry.arrived_on, today).unwrap_or(today);
    out.extend(
        draft
            .content_problems(profile.regime, arrived, cal)
            .into_iter()
            .filter(|(field, code)| *field != "prior_disclosure_on" || *code == "invalid"),
    );
    out.extend(draft.delivery_problems(profile));
    out
}

/// Creates the received case; returns its id.
pub async fn enter(
    ctx: &IntakeContext<'_>,
    staff_label: &str,
    staff_role: &str,
    entry: StaffEntry,
    now: DateTime<Utc>,
) -> Result<String, IntakeError> {
    let today = jst_date(now);
    let calendar = ctx.calendars.fresh(ctx.db).await?;
    if !problems(&entry, &ctx.profile, today, &calendar).is_empty() {
        return Err(IntakeError::Incomplete);
    }
    let arrived_on = arrival(&entry.arrived_on, today).map_err(|_| IntakeError::Incomplete)?;
    let channel = entry.channel.ok_or(IntakeError::Incomplete)?;
    let draft = entry.draft;
    let (Some(kind), Some(requester_type)) = (draft.kind, draft.requester_type) else {
        return Err(IntakeError::Incomplete);
    };
    let mut facts = ctx
        .profile
        .new_case(kind, Entry::StaffEntered)
        .map_err(|r| IntakeError::Refused(r.code().to_string()))?;
    facts.received_on = Some(arrived_on);
    // The arrival instant: now for today's post, else noon JST (03:00 UTC) of the day it arrived.
    let received_at = if arrived_on == today {
        now
    } else {
        Utc.from_utc_datetime(&arrived_on.and_hms_opt(3, 0, 0).unwrap_or_default())
    };
    draft.record_on(&mut facts, &calendar);
    let deadline = compute_deadline(
        &ctx.profile
            .decision_deadline_request(&facts, received_at, &[], None),
        &calendar,
    )
    .ok();
    facts.unextended_deadline = deadline.as_ref().map(|d| d.unextended_last_day);
    let case_id = uuid::Uuid::now_v7().to_string();
    // The request fee of the day the request arrived, charged with the entry itself.
    let invoice = ctx
        .receipt_invoice((&case_id, kind, false), now, arrived_on)
        .await?;
    if let Some(invoice) = &invoice {
        facts.fee = invoice.status;
    }
    facts.fee_in_advance = ctx.fee_in_advance(arrived_on).await?;
    let fee_text = invoice.as_ref().map_or_else(String::new, |i| {
        notices::fee_due(
            entry.lang,
            i.amount,
            &i.methods,
            &ctx.profile.office.payment,
        )
    });
    let access_token = token::case_link(&case_id);
    let person = draft.person.normalised();
    let agent = draft.is_agent().then(|| draft.agent.clone());
    let party = SealedParty {
        requester_type,
        person: person.clone(),
        agent,
    };
    let contact = party.contact();
    let keys = party.search_keys(ctx.index);
    let content = SealedContent {
        kind,
        content: draft.content.clone(),
        delivery: draft.delivery,
    };
    let mut row = CaseRow {
        id: case_id.clone(),
        receipt_number: None,
        profile: ctx.profile.name.as_str().to_string(),
        kind,
        state: facts.state,
        channel,
        lang: entry.lang.code().into(),
        requester_type,
        facts: facts_json(&facts)?,
        created_at: now.naive_utc(),
        received_at: Some(received_at.naive_utc()),
        due_on: deadline.as_ref().map(|d| d.last_office_day),
        assignee_id: None,
        email_index: keys.email,
        access_token_hash: None,
        confirm_code_hash: None,
        confirm_attempts: 0,
        confirm_expires_at: None,
        version: 0,
        updated_at: now.naive_utc(),
        link_digest: Some(token::digest(&access_token)),
    };
    let sealed_party = seal_json(ctx.master, &format!("party:{case_id}"), &party)?;
    let sealed_content = seal_json(ctx.master, &format!("content:{case_id}"), &content)?;
    let mut audits = vec![
        AuditEvent::new(now.naive_utc(), staff_label, "case.entered")
            .role(staff_role)
            .case(&case_id)
            .target(format!("channel:{channel}")),
    ];
    if arrived_on < today {
        audits.push(
            AuditEvent::new(now.naive_utc(), staff_label, "case.entered_backdated")
                .role(staff_role)
                .case(&case_id)
                .target(format!("arrived:{arrived_on}")),
        );
    }
    let (master, from) = (ctx.master.clone_key(), ctx.mail_from.clone());
    let link = format!("{}/case/{access_token}", ctx.public_url);
    let label = staff_label.to_string();
    let lang = entry.lang;
    let profile = ctx.profile.clone();
    let issuer = crate::service::letters::Issuer::new(ctx.master, profile.clone(), label.clone());
    ctx.db
        .write(move |conn| {
            row.receipt_number = Some(cases::next_receipt_number(conn, arrived_on.year())?);
            cases::insert(conn, &row, &sealed_party, &sealed_content)?;
            cases::insert_name_keys(conn, &row.id, &keys.names)?;
            append_event(conn, &row.id, now, &label, "entered", None, row.state)?;
            if let Some(invoice) = &invoice {
                invoice.write(conn, row.state)?;
            }
            // The receipt letter, on paper for a requester without e-mail as for anyone.
            let receipt = crate::service::letters::receipt_stage(
                &profile,
                row.receipt_number.as_deref().unwrap_or_default(),
                arrived_on,
                row.due_on,
            );
            let issued = crate::service::letters::issue(conn, &issuer, &row, &receipt, now)?;
            for a in &audits {
                audit::append(conn, a)?;
            }
            if !contact.is_empty() {
                let number = row.receipt_number.clone().unwrap_or_default();
                let mut notice = notices::receipt(
                    lang,
                    &number,
                    kind,
                    arrived_on,
                    deadline.as_ref(),
                    &link,
                    &fee_text,
                );
                let letter_link = format!("{link}/letters/{}", issued.id);
                notice
                    .body
                    .push_str(&notices::letter_issued(lang, &issued, &letter_link));
                let mail = OutgoingMail {
                    to: contact.clone(),
                    subject: notice.subject,
                    text: notice.body,
                    html: None,
                };
                let outgoing = mail::prepare(&master, &from, &mail, "receipt", Some(&row.id), now)
                    .map_err(|e| crate::db::DbError::Conflict(e.to_string()))?;
                outbox::enqueue(conn, &outgoing)?;
            }
            Ok(())
        })
        .await?;
    tracing::info!(case_id = %case_id, kind = kind.as_str(), "request entered by staff");
    Ok(case_id)
}
