//! Decisions with four eyes: a caseworker drafts the notice from the outcome's template, an
//! approver other than the drafter approves it (the notice is then issued and mailed) or returns
//! it with a comment.

use chrono::{DateTime, Utc};

use super::{Casework, CaseworkError, StaffActor, corrupt, decision_letters, for_action};
use crate::db::audit;
use crate::db::cases::CaseRow;
use crate::db::decisions::{self, DecisionRow};
use crate::domain::deadline::jst_date;
use crate::domain::document::DecisionStatus;
use crate::domain::event::Event;
use crate::domain::grounds::{self, GroundsProblem, WithholdingGround};
use crate::domain::kind::RequestKind;
use crate::domain::letters::LetterKind;
use crate::domain::letters::holes::holes;
use crate::domain::lifecycle::DecisionScope;
use crate::domain::message::MessageDirection;
use crate::domain::outcome::Outcome;
use crate::domain::regime::Regime;
use crate::i18n::Lang;
use crate::service::case_record::contact_of;
use crate::service::lifecycle::{self, Firing, NewMessage, NoticeTo};
use crate::service::notices::{self, DecisionNotice};

/// Longest notice text accepted.
pub const MAX_TEXT_CHARS: usize = 8000;

/// The letter's title, e.g. 「保有個人情報の開示をする旨の決定について（通知）」 (domain::letters::titles).
pub fn title(kind: RequestKind, outcome: Outcome, regime: Regime, lang: Lang) -> String {
    let title = crate::domain::letters::titles::title(
        crate::domain::letters::LetterKind::Decision(outcome),
        kind,
        regime,
    );
    lang.pick(&title.ja, &title.en).to_string()
}

/// The title of a decision letter of `kind` (the whole decision, or Art. 84's part or remainder).
pub fn letter_title(kind: LetterKind, request: RequestKind, regime: Regime, lang: Lang) -> String {
    let title = crate::domain::letters::titles::title(kind, request, regime);
    lang.pick(&title.ja, &title.en).to_string()
}

/// The starting text of a draft for `outcome`: what was decided and, for refusals, the place for
/// the grounds the law requires (APPI Art. 36; Art. 82(2) with the Art. 78 grounds for bodies).
pub fn template(outcome: Outcome, regime: Regime, lang: Lang) -> String {
    let ja = match outcome {
        Outcome::Notify => {
            "ご請求のあった保有個人データの利用目的は、次のとおりです。\n\n（利用目的を記載）"
        }
        Outcome::NotNotify => {
            "ご請求のあった保有個人データの利用目的は、次の理由により通知しません。\n\n理由：（法第32条第2項各号のいずれに該当するか、具体的に記載）"
        }
        Outcome::FullDisclosure => {
            "ご請求のあった保有個人情報の全部を開示します。\n\n開示する保有個人情報：（名称・範囲を記載）\n開示の実施方法：確認用ページからのダウンロード、または郵送"
        }
        Outcome::PartialDisclosure => {
            "ご請求のあった保有個人情報のうち、次の部分を除いて開示します。\n\n開示しない部分：（該当箇所を記載）\n開示しない理由：（不開示事由とその根拠条項を具体的に記載）"
        }
        Outcome::NonDisclosure => {
            "ご請求のあった保有個人情報は、次の理由により開示しません。\n\n理由：（不開示事由とその根拠条項を具体的に記載）"
        }
        Outcome::NeitherConfirmNorDeny => {
            "ご請求のあった保有個人情報については、その存否を答えるだけで不開示情報を開示することとなるため、存否を明らかにしないで開示請求を拒否します（法第81条）。\n\n理由：（具体的に記載）"
        }
        Outcome::NotHeld => {
            "ご請求のあった保有個人情報は、次の理由により保有していません。\n\n理由：（作成・取得していない、保存期間満了により廃棄済み等を具体的に記載）"
        }
        Outcome::Correct => {
            "ご請求のとおり、次の訂正を行いました。\n\n訂正した内容：（訂正前・訂正後を記載）"
        }
        Outcome::NotCorrect => {
            "ご請求のあった訂正は、次の理由により行いません。\n\n理由：（調査の結果、事実と相違しないこと等を具体的に記載）"
        }
        Outcome::Suspend => {
            "ご請求のとおり、次の措置を行いました。\n\n措置の内容：（利用停止・消去の対象と実施日を記載）\n消去したデータは復元できません。"
        }
        Outcome::NotSuspend => {
            "ご請求のあった利用停止等は、次の理由により行いません。\n\n理由：（具体的に記載）"
        }
        Outcome::StopProvision => {
            "ご請求のとおり、第三者への提供を停止しました。\n\n停止した提供：（提供先・データの範囲と停止日を記載）"
        }
        Outcome::NotStopProvision => {
            "ご請求のあった提供停止は、次の理由により行いません。\n\n理由：（具体的に記載）"
        }
        Outcome::Delete => {
            "ご請求のとおり、医療情報を削除しました。\n\n削除した情報：（範囲と削除日を記載）\n削除した情報は復元できません。"
        }
        Outcome::NotDelete => {
            "ご請求のあった削除は、次の理由により行いません。\n\n理由：（既に匿名加工・仮名加工され本人を識別できない、該当する情報を保有していない等を具体的に記載）"
        }
    };
    let en = match outcome {
        Outcome::Notify => {
            "The purpose of use of the data you asked about is as follows.\n\n(state the purpose)"
        }
        Outcome::NotNotify => {
            "We will not notify the purpose of use, for the following reason.\n\nReason: (state which item of Art. 32(2) applies, specifically)"
        }
        Outcome::FullDisclosure => {
            "We disclose all of the personal information you asked for.\n\nInformation disclosed: (name and scope)\nHow: download from your request's page, or by post"
        }
        Outcome::PartialDisclosure => {
            "We disclose the personal information you asked for, except the following parts.\n\nParts not disclosed: (describe)\nReason: (the ground for non-disclosure and the provision it rests on)"
        }
        Outcome::NonDisclosure => {
            "We do not disclose the personal information you asked for, for the following reason.\n\nReason: (the ground for non-disclosure and the provision it rests on)"
        }
        Outcome::NeitherConfirmNorDeny => {
            "Because answering whether the information exists would itself disclose protected information, we refuse the request without confirming or denying it exists (Art. 81).\n\nReason: (state specifically)"
        }
        Outcome::NotHeld => {
            "We do not hold the personal information you asked for.\n\nReason: (never created or obtained, destroyed at the end of its retention period, …)"
        }
        Outcome::Correct => {
            "We have made the correction you asked for.\n\nCorrection: (before and after)"
        }
        Outcome::NotCorrect => {
            "We will not make the correction you asked for, for the following reason.\n\nReason: (e.g. our investigation found the data accurate)"
        }
        Outcome::Suspend => {
            "We have taken the following measure, as you asked.\n\nMeasure: (what was suspended or erased, and when)\nErased data cannot be restored."
        }
        Outcome::NotSuspend => {
            "We will not suspend use as you asked, for the following reason.\n\nReason: (state specifically)"
        }
        Outcome::StopProvision => {
            "We have stopped providing the data to third parties, as you asked.\n\nStopped: (recipients, data and date)"
        }
        Outcome::NotStopProvision => {
            "We will not stop the provision, for the following reason.\n\nReason: (state specifically)"
        }
        Outcome::Delete => {
            "We have deleted the medical information, as you asked.\n\nDeleted: (scope and date)\nDeleted data cannot be restored."
        }
        Outcome::NotDelete => {
            "We will not delete the information, for the following reason.\n\nReason: (e.g. already anonymised so that it no longer identifies you, or not held; state specifically)"
        }
    };
    // Businesses say "保有個人データ", public bodies "保有個人情報" (APPI Arts. 16(4), 60(1)).
    lang.pick(ja, en)
        .replace("保有個人情報", regime.rules().data_term.0)
}

/// The 教示 a public body must give with a decision it can be challenged on (行政不服審査法 Art. 82,
/// 行政事件訴訟法 Art. 46), from the operator's letter settings; private operators have no such duty.
pub fn remedy(
    regime: Regime,
    settings: &crate::domain::letters::settings::LetterSettings,
    lang: Lang,
    audience: crate::domain::letters::remedy::Audience,
) -> String {
    if !regime.rules().appeal_instruction {
        return String::new();
    }
    let text = crate::domain::letters::remedy::instruction(settings, audience);
    lang.pick(&text.ja, &text.en).to_string()
}

fn decision_key(id: &str) -> String {
    format!("decision:{id}")
}

/// A decision as read back.
pub struct DecisionView {
    pub id: String,
    pub outcome: Outcome,
    pub text: String,
    pub drafted_by: String,
    pub drafted_at: chrono::NaiveDateTime,
    pub status: DecisionStatus,
    pub reviewed_by: Option<String>,
    pub comment: Option<String>,
    pub issued_on: Option<chrono::NaiveDate>,
    pub grounds: Vec<WithholdingGround>,
    /// Under Art. 84: the part's decision or the remainder's, each with its own letter.
    pub scope: DecisionScope,
}

/// The chosen withholding grounds as the notice cites them, in `lang`.
pub fn ground_labels(grounds: &[WithholdingGround], lang: Lang) -> Vec<&'static str> {
    grounds
        .iter()
        .map(|g| lang.pick(g.label_ja(), g.label_en()))
        .collect()
}

pub fn open(cw: &Casework<'_>, row: &DecisionRow) -> Result<DecisionView, CaseworkError> {
    let master = cw.desk.master;
    let text = master
        .open_value(&decision_key(&row.id), &row.sealed_text)
        .map_err(corrupt)?;
    let comment = match &row.sealed_comment {
        Some(sealed) => Some(
            master
                .open_value(&format!("decision-comment:{}", row.id), sealed)
                .map_err(corrupt)?,
        ),
        None => None,
    };
    Ok(DecisionView {
        id: row.id.clone(),
        outcome: row.outcome,
        text: String::from_utf8_lossy(&text).into_owned(),
        drafted_by: row.drafted_by.clone(),
        drafted_at: row.drafted_at,
        status: row.status,
        reviewed_by: row.reviewed_by.clone(),
        comment: comment.map(|c| String::from_utf8_lossy(&c).into_owned()),
        issued_on: row.issued_on,
        grounds: WithholdingGround::split(&row.grounds).map_err(corrupt)?,
        scope: row.scope,
    })
}

fn check_text(text: &str) -> Result<String, CaseworkError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(CaseworkError::Invalid(vec![("decision_text", "required")]));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(CaseworkError::Invalid(vec![("decision_text", "too_long")]));
    }
    refuse_holes(text)?;
    Ok(text.to_string())
}

/// No letter with a hole: a template place left unfilled (「（該当箇所を記載）」) refuses the draft,
/// at submission and again at approval (a draft submitted before this check existed).
fn refuse_holes(text: &str) -> Result<(), CaseworkError> {
    if holes(text).is_empty() {
        Ok(())
    } else {
        Err(CaseworkError::Invalid(vec![(
            "decision_text",
            "placeholder",
        )]))
    }
}

/// What a drafter submits: the outcome, the grounds for anything withheld, the notice's text.
pub struct Draft<'a> {
    pub outcome: Outcome,
    pub grounds: &'a [WithholdingGround],
    pub text: &'a str,
}

/// Submits a draft decision for approval.
pub async fn submit(
    cw: &Casework<'_>,
    actor: &StaffActor,
    (case_id, version): (&str, i64),
    submitted: Draft<'_>,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let Draft {
        outcome,
        grounds,
        text,
    } = submitted;
    let text = check_text(text)?;
    let row = for_action(cw.db, actor, case_id, version, now).await?;
    let facts = crate::service::case_record::parse_facts(&row).map_err(corrupt)?;
    let regime = facts.regime;
    if let Err(problem) = grounds::check(outcome, regime, grounds) {
        let code = match problem {
            GroundsProblem::Missing => "required",
            GroundsProblem::NotUnderRegime(_) => "not_under_regime",
            GroundsProblem::NotWithheld => "not_withheld",
        };
        return Err(CaseworkError::Invalid(vec![("grounds", code)]));
    }
    let id = uuid::Uuid::now_v7().to_string();
    let sealed_text = cw
        .desk
        .master
        .seal_value(&decision_key(&id), text.as_bytes())
        .map_err(corrupt)?;
    let draft = DecisionRow {
        id,
        case_id: row.id.clone(),
        outcome,
        sealed_text,
        drafted_by: actor.id.clone(),
        drafted_at: now.naive_utc(),
        status: DecisionStatus::Pending,
        reviewed_by: None,
        reviewed_at: None,
        sealed_comment: None,
        issued_on: None,
        due_on: None,
        days_to_decision: None,
        grounds: WithholdingGround::join(grounds),
        scope: facts.next_decision_scope(),
    };
    let audit_row = actor.audit(now, "decision.drafted", &row.id);
    let firing = Firing {
        event: Event::SubmitDraft { outcome },
        actor: actor.actor(),
        actor_label: actor.label(),
        notice: None,
        message: None,
        letter: None,
        also: Some(Box::new(move |conn, _| {
            decisions::insert(conn, &draft)?;
            audit::append(conn, &audit_row)
        })),
    };
    Ok(lifecycle::apply(cw.db, &cw.desk, row, firing, now).await?.0)
}

/// Returns the pending draft to its drafter with a comment (an approver's "not like this").
pub async fn return_draft(
    cw: &Casework<'_>,
    actor: &StaffActor,
    (case_id, version): (&str, i64),
    comment: &str,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let comment = comment.trim().to_string();
    if comment.is_empty() {
        return Err(CaseworkError::Invalid(vec![("comment", "required")]));
    }
    let row = for_action(cw.db, actor, case_id, version, now).await?;
    let pending = pending_draft(cw, &row.id).await?;
    let sealed = cw
        .desk
        .master
        .seal_value(
            &format!("decision-comment:{}", pending.id),
            comment.as_bytes(),
        )
        .map_err(corrupt)?;
    let (reviewer, audit_row) = (
        actor.id.clone(),
        actor.audit(now, "decision.returned", &row.id),
    );
    // The drafter hears of it by mail, without the comment (it stays behind sign-in).
    let (drafter, master, from) = (
        pending.drafted_by.clone(),
        cw.desk.master.clone_key(),
        cw.desk.from.clone(),
    );
    let notice = crate::service::notices::draft_returned(
        row.receipt_number.as_deref().unwrap_or("-"),
        &format!("{}/staff/cases/{}", cw.public_url, row.id),
    );
    let firing = Firing {
        event: Event::ReturnDraft {
            comment: comment.clone(),
        },
        actor: actor.actor(),
        actor_label: actor.label(),
        notice: None,
        message: Some(NewMessage {
            direction: MessageDirection::Internal,
            author: actor.label(),
            body: comment,
        }),
        letter: None,
        also: Some(Box::new(move |conn, saved| {
            decisions::review_pending(
                conn,
                &saved.id,
                DecisionStatus::Returned,
                &reviewer,
                now.naive_utc(),
                Some(&sealed),
                None,
            )?;
            audit::append(conn, &audit_row)?;
            tell_drafter(conn, &master, &from, &drafter, &reviewer, &notice, now)
        })),
    };
    Ok(lifecycle::apply(cw.db, &cw.desk, row, firing, now).await?.0)
}

/// Queues the returned-draft mail to the drafter, unless the drafter returned it themselves or
/// no longer works here. A staff address that no longer parses does not undo the return.
fn tell_drafter(
    conn: &mut crate::db::DbConnection,
    master: &crate::storage::crypto::MasterKey,
    from: &lettre::message::Mailbox,
    drafter: &str,
    reviewer: &str,
    notice: &crate::service::notices::Notice,
    now: DateTime<Utc>,
) -> Result<(), crate::db::DbError> {
    if drafter == reviewer {
        return Ok(());
    }
    let Some(person) = crate::db::staff::find(conn, drafter)? else {
        return Ok(());
    };
    if person.disabled_at.is_some() {
        return Ok(());
    }
    let mail = crate::mail::OutgoingMail {
        to: person.email,
        subject: notice.subject.clone(),
        text: notice.body.clone(),
        html: None,
    };
    match crate::mail::prepare(master, from, &mail, "staff.draft_returned", None, now) {
        Ok(prepared) => crate::db::outbox::enqueue(conn, &prepared),
        Err(_) => {
            tracing::warn!("draft-returned notice not queued: bad staff address");
            Ok(())
        }
    }
}

async fn pending_draft(cw: &Casework<'_>, case_id: &str) -> Result<DecisionRow, CaseworkError> {
    let id = case_id.to_string();
    cw.db
        .read(move |conn| decisions::for_case(conn, &id))
        .await?
        .into_iter()
        .rev()
        .find(|d| d.status == DecisionStatus::Pending)
        .ok_or(CaseworkError::Conflict)
}

/// Approves the pending draft: the case is decided, the notice is dated today and mailed.
///
/// `third_party_reason`: where a consulted third party objected and the decision discloses, why
/// it discloses all the same — the Art. 86(3) notice to that party states it; required then.
pub async fn approve(
    cw: &Casework<'_>,
    actor: &StaffActor,
    (case_id, version): (&str, i64),
    third_party_reason: &str,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let row = for_action(cw.db, actor, case_id, version, now).await?;
    let pending = pending_draft(cw, &row.id).await?;
    let view = open(cw, &pending)?;
    refuse_holes(&view.text)?;
    let facts = crate::service::case_record::parse_facts(&row).map_err(corrupt)?;
    let lang = Lang::from_code(&row.lang).unwrap_or_default();
    let issued_on = jst_date(now);
    let objectors = decision_letters::objectors(cw, &row, &facts, view.outcome).await?;
    let third_party = if objectors.is_empty() {
        None
    } else {
        let reason = super::actions::checked_text("third_party_reason", third_party_reason)?;
        decision_letters::third_party_stage(cw, &facts, &reason, issued_on)
    };
    let scope_line = decision_letters::scope_particular(cw, &row, &facts, view.scope).await?;
    let letter_kind = LetterKind::decision(view.outcome, view.scope);
    let number = row.receipt_number.clone().unwrap_or_default();
    // Under Art. 84 the part's and the remainder's decisions each say which they are.
    let outcome_label = lang.pick(view.outcome.label_ja(facts.regime), view.outcome.label_en());
    let outcome_label = match view.scope {
        DecisionScope::Whole => outcome_label.to_string(),
        scope => format!(
            "{}{}{outcome_label}",
            lang.pick(scope.label_ja(), scope.label_en()),
            lang.pick("：", ": ")
        ),
    };
    let notice = notices::decision(
        lang,
        &DecisionNotice {
            number: &number,
            title: &letter_title(letter_kind, facts.kind, facts.regime, lang),
            issued_on,
            outcome: &outcome_label,
            text: &view.text,
            grounds: ground_labels(&view.grounds, lang),
            remedy: &remedy(
                facts.regime,
                &cw.desk.profile.letters,
                lang,
                crate::domain::letters::remedy::Audience::Requester,
            ),
        },
    );
    let to = contact_of(cw.db, cw.desk.master, &row.id)
        .await
        .map_err(corrupt)?;
    let (reviewer, audit_row) = (
        actor.id.clone(),
        actor.audit(now, "decision.approved", &row.id),
    );
    let issue = super::actions::letter(cw, actor, {
        let body = view.text.clone();
        let (outcome, regime) = (view.outcome, facts.regime);
        let grounds = view.grounds.clone();
        move |_| {
            let mut stage = decision_stage(outcome, regime, &body, &grounds);
            stage.kind = letter_kind;
            stage.particulars.extend(scope_line.clone());
            stage
        }
    });
    // Art. 86(3): each objecting party is told at once, in the decision's transaction.
    let issuer = crate::service::letters::Issuer::new(
        cw.desk.master,
        cw.desk.profile.clone(),
        actor.label(),
    );
    let due_on = row.due_on;
    let days_to_decision = row
        .received_at
        .and_then(|at| i32::try_from((issued_on - jst_date(at.and_utc())).num_days()).ok());
    let firing = Firing {
        event: Event::ApproveDecision,
        actor: actor.actor(),
        actor_label: actor.label(),
        notice: Some(NoticeTo {
            to,
            notice,
            purpose: "decision",
        }),
        message: None,
        letter: Some(issue),
        also: Some(Box::new(move |conn, saved| {
            decisions::review_pending(
                conn,
                &saved.id,
                DecisionStatus::Approved,
                &reviewer,
                now.naive_utc(),
                None,
                Some(decisions::Issued {
                    on: issued_on,
                    due_on,
                    days_to_decision,
                }),
            )?;
            if let Some(stage) = &third_party {
                for name in &objectors {
                    let to = crate::service::letters::Addressee::ThirdParty(name.clone());
                    crate::service::letters::issue_to(conn, &issuer, saved, stage, to, now)?;
                }
            }
            audit::append(conn, &audit_row)
        })),
    };
    Ok(lifecycle::apply(cw.db, &cw.desk, row, firing, now).await?.0)
}

/// The decision's letter: the approved text, what was decided and, for anything withheld, the
/// provisions relied on (a 一部開示 is a decision to disclose that names what it withholds).
fn decision_stage(
    outcome: Outcome,
    regime: Regime,
    text: &str,
    grounds: &[WithholdingGround],
) -> crate::service::letters::Stage {
    use crate::domain::text::Bilingual;
    let text = Bilingual::owned(text.to_string(), text.to_string());
    let mut particulars = vec![(
        Bilingual::fixed("決定の内容", "Decision"),
        Bilingual::fixed(outcome.label_ja(regime), outcome.label_en()),
    )];
    if !grounds.is_empty() {
        particulars.push((
            Bilingual::fixed("開示しない部分の根拠条項", "Provisions relied on"),
            Bilingual::owned(
                ground_labels(grounds, Lang::Ja).join("\n"),
                ground_labels(grounds, Lang::En).join("\n"),
            ),
        ));
    }
    crate::service::letters::Stage {
        kind: crate::domain::letters::LetterKind::Decision(outcome),
        body: text,
        particulars,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_has_a_template_and_refusals_ask_for_reasons() {
        for regime in Regime::ALL.iter().copied() {
            for kind in RequestKind::ALL {
                for outcome in Outcome::allowed(*kind, regime) {
                    let ja = template(*outcome, regime, Lang::Ja);
                    let en = template(*outcome, regime, Lang::En);
                    assert!(!ja.is_empty() && !en.is_empty());
                    // Every starting text has a place to fill, so none can be approved unread.
                    assert!(
                        !holes(&ja).is_empty() && !holes(&en).is_empty(),
                        "{outcome:?}"
                    );
                    if outcome.refuses() {
                        assert!(ja.contains("理由") && en.contains("Reason"), "{outcome:?}");
                    }
                    assert!(!title(*kind, *outcome, regime, Lang::Ja).is_empty());
                }
            }
        }
        assert!(
            template(Outcome::FullDisclosure, Regime::PrivateBusiness, Lang::Ja)
                .contains("保有個人データ")
        );
        let settings =
            crate::domain::letters::settings::LetterSettings::defaults(Regime::LocalBody, None);
        let to = crate::domain::letters::remedy::Audience::Requester;
        assert!(remedy(Regime::PrivateBusiness, &settings, Lang::Ja, to).is_empty());
        assert!(remedy(Regime::LocalBody, &settings, Lang::Ja, to).contains("審査請求"));
    }
}
