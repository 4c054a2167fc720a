//! Turns a case file into what the staff case page shows, in the page's language.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::deadline::{Clock, DeadlineStatus};
use crate::domain::document::{DecisionStatus, DocumentPurpose};
use crate::domain::event::EventKind;
use crate::domain::identity::IdentityEvaluation;
use crate::domain::identity_review::{CheckItem, MaskingAction, MaskingFinding, checklist};
use crate::domain::ledger::LedgerEntry;
use crate::domain::message::MessageDirection;
use crate::domain::state::PauseReason;
use crate::i18n::{Lang, jst_minutes};
use crate::service::casework::decisions::DecisionView;
use crate::service::casework::file::TimelineRow as CaseEventRow;
use crate::service::casework::file::{CaseFile, LedgerLine};
use crate::service::casework::review::ReviewedDocument;
use crate::service::messages::Shown;

/// Display names of staff by id, for timelines and lists.
pub type Names = HashMap<String, String>;

pub fn actor_name(lang: Lang, names: &Names, label: &str) -> String {
    match label.strip_prefix("staff:") {
        Some(id) => names.get(id).cloned().unwrap_or_else(|| id.to_string()),
        None if label == "requester" => lang.t("staff.case.requester").to_string(),
        None => lang.t("staff.case.system").to_string(),
    }
}

pub struct TimelineItem {
    pub at: String,
    pub label: String,
    pub by: String,
}

pub fn timeline(lang: Lang, names: &Names, events: &[CaseEventRow]) -> Vec<TimelineItem> {
    events
        .iter()
        .map(|e| TimelineItem {
            at: jst_minutes(e.at),
            label: match e.event.parse::<EventKind>() {
                Ok(kind) => lang.pick(kind.label_ja(), kind.label_en()).to_string(),
                Err(_) => lang.t(&format!("case.event.{}", e.event)).to_string(),
            },
            by: actor_name(lang, names, &e.actor),
        })
        .collect()
}

pub struct CheckView {
    pub name: &'static str,
    pub text: String,
    pub checked: bool,
}

pub struct DocumentView {
    pub id: String,
    pub kind: String,
    pub uploaded: String,
    pub uploaded_by: String,
    pub status: &'static str,
    pub inline_image: bool,
    pub destroyed: bool,
    pub disclosure: bool,
    pub checks: Vec<CheckView>,
    pub reason: String,
    pub finding: Option<String>,
    pub holder_agent: bool,
    pub issued_on: String,
    pub expires_on: String,
    pub original: bool,
}

pub fn documents(lang: Lang, names: &Names, docs: &[ReviewedDocument]) -> Vec<DocumentView> {
    docs.iter()
        .map(|d| {
            let review = d.review.as_ref();
            let checked: Vec<&str> = review
                .map(|r| r.checked.iter().map(String::as_str).collect())
                .unwrap_or_default();
            DocumentView {
                id: d.row.id.clone(),
                kind: match d.doc_type {
                    Some(t) => lang.pick(t.label_ja(), t.label_en()).to_string(),
                    None => lang.t("staff.case.disclosure_file").to_string(),
                },
                uploaded: jst_minutes(d.row.uploaded_at),
                uploaded_by: actor_name(lang, names, &d.row.uploaded_by),
                status: lang.t(&format!("case.documents.status.{}", d.row.status)),
                inline_image: d.row.mime.starts_with("image/"),
                destroyed: d.row.destroyed_at.is_some(),
                disclosure: d.row.purpose == DocumentPurpose::Disclosure,
                checks: d
                    .doc_type
                    .map(checklist)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|item: CheckItem| CheckView {
                        name: item.as_str(),
                        text: lang.pick(&item.text().ja, &item.text().en).to_string(),
                        checked: checked.contains(&item.as_str()),
                    })
                    .collect(),
                reason: review.map(|r| r.reason.clone()).unwrap_or_default(),
                finding: review.and_then(|r| r.finding).map(|f| {
                    lang.pick(&f.instruction().ja, &f.instruction().en)
                        .to_string()
                }),
                holder_agent: review
                    .is_some_and(|r| r.holder == crate::domain::identity::Holder::Agent),
                issued_on: date(review.and_then(|r| r.issued_on)),
                expires_on: date(review.and_then(|r| r.expires_on)),
                original: review.is_some_and(|r| r.original),
            }
        })
        .collect()
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// Findings that require destroying the document (the others are masked before storing).
pub fn destroy_findings(lang: Lang) -> Vec<(&'static str, String)> {
    MaskingFinding::ALL
        .iter()
        .filter(|f| f.required_action() == MaskingAction::DestroyAndRecord)
        .map(|f| {
            (
                f.as_str(),
                lang.pick(&f.instruction().ja, &f.instruction().en)
                    .to_string(),
            )
        })
        .collect()
}

pub fn identity_missing(lang: Lang, evaluation: &IdentityEvaluation) -> Vec<String> {
    match evaluation {
        IdentityEvaluation::Satisfied => Vec::new(),
        IdentityEvaluation::Missing(list) => list
            .iter()
            .map(|m| lang.pick(&m.text.ja, &m.text.en).to_string())
            .collect(),
    }
}

pub struct MessageView {
    pub id: String,
    /// The body holds what looks like an Individual Number, which a clerk may redact.
    pub holds_number: bool,
    pub at: String,
    /// The direction's name, for its label.
    pub direction: &'static str,
    /// A note among staff, shown apart.
    pub internal: bool,
    pub author: String,
    pub body: String,
}

pub fn messages(lang: Lang, names: &Names, shown: &[Shown]) -> Vec<MessageView> {
    shown
        .iter()
        .map(|m| MessageView {
            id: m.id.clone(),
            holds_number: crate::domain::text::contains_individual_number(&m.body),
            at: jst_minutes(m.at),
            direction: m.direction.as_str(),
            internal: m.direction == MessageDirection::Internal,
            author: actor_name(lang, names, &m.author),
            body: m.body.clone(),
        })
        .collect()
}

pub struct LedgerView {
    pub at: String,
    /// A payment's day the money arrived, a refund's day it was paid out.
    pub value_date: Option<String>,
    pub entry: &'static str,
    pub amount: i64,
    pub detail: String,
    pub by: String,
}

pub fn ledger(lang: Lang, names: &Names, lines: &[LedgerLine]) -> Vec<LedgerView> {
    lines
        .iter()
        .map(|l| {
            let (entry, amount, detail) = match &l.entry {
                LedgerEntry::Invoice { amount, item } => (
                    "invoice",
                    amount.0,
                    lang.t(&format!("fee.item.{}", item.as_str())).to_string(),
                ),
                LedgerEntry::Payment {
                    amount,
                    method,
                    reference,
                } => (
                    "payment",
                    amount.0,
                    format!(
                        "{} {}",
                        lang.t(&format!("payment.method.{}", method.as_str())),
                        reference
                    ),
                ),
                LedgerEntry::Refund { amount, reason } => ("refund", amount.0, reason.clone()),
                // Only approvers waive: the one who recorded it approved it.
                LedgerEntry::Waiver { amount, reason } => (
                    "waiver",
                    amount.0,
                    format!(
                        "{reason}（{}: {}）",
                        lang.t("staff.case.waiver_approved_by"),
                        actor_name(lang, names, &l.recorded_by)
                    ),
                ),
                LedgerEntry::Reversal { of, amount, reason } => (
                    "reversal",
                    -amount.0,
                    format!(
                        "{}: {reason}",
                        lang.t(&format!("fee.entry.{}", of.as_str()))
                    ),
                ),
            };
            let moves_money = matches!(
                l.entry,
                LedgerEntry::Payment { .. } | LedgerEntry::Refund { .. }
            );
            LedgerView {
                at: jst_minutes(l.at),
                value_date: l
                    .value_date
                    .filter(|_| moves_money)
                    .map(|day| day.to_string()),
                entry: lang.t(&format!("fee.entry.{entry}")),
                amount,
                detail,
                by: actor_name(lang, names, &l.recorded_by),
            }
        })
        .collect()
}

pub struct DecisionItem {
    pub id: String,
    pub outcome: &'static str,
    pub status: &'static str,
    /// Pending: an approver may approve or return it.
    pub awaits_approval: bool,
    pub drafted_by: String,
    pub drafted_at: String,
    pub text: String,
    pub comment: String,
    pub issued_on: String,
    pub grounds: Vec<&'static str>,
    /// Under Art. 84: which of the two decisions this is.
    pub scope: Option<&'static str>,
    /// Approving it discloses over a third party's objection: the approver states why, for the
    /// Art. 86(3) notice to that party.
    pub asks_third_party_reason: bool,
}

pub fn decisions(
    lang: Lang,
    names: &Names,
    regime: crate::domain::regime::Regime,
    list: &[DecisionView],
    objected: bool,
) -> Vec<DecisionItem> {
    list.iter()
        .map(|d| DecisionItem {
            id: d.id.clone(),
            outcome: lang.pick(d.outcome.label_ja(regime), d.outcome.label_en()),
            status: lang.t(&format!("decision.status.{}", d.status)),
            awaits_approval: d.status == DecisionStatus::Pending,
            drafted_by: actor_name(lang, names, &format!("staff:{}", d.drafted_by)),
            drafted_at: jst_minutes(d.drafted_at),
            text: d.text.clone(),
            comment: d.comment.clone().unwrap_or_default(),
            issued_on: date(d.issued_on),
            grounds: crate::service::casework::decisions::ground_labels(&d.grounds, lang),
            scope: match d.scope {
                crate::domain::lifecycle::DecisionScope::Whole => None,
                scope => Some(lang.pick(scope.label_ja(), scope.label_en())),
            },
            asks_third_party_reason: objected
                && d.status == DecisionStatus::Pending
                && d.outcome.needs_delivery(),
        })
        .collect()
}

pub struct DeadlineView {
    pub last_office_day: String,
    pub statutory_last_day: String,
    /// The catalogue key saying what a stopped clock waits for (a 補正 or the fee).
    pub stopped: Option<&'static str>,
    pub overdue: bool,
    pub due_soon: bool,
    pub paused_days: i64,
    pub extension_days: u32,
    pub explanation: Vec<String>,
}

pub fn deadline(lang: Lang, file: &CaseFile) -> Option<DeadlineView> {
    let (d, explanation) = file.deadline.as_ref()?;
    if !file.facts.state.is_before_decision() {
        return None;
    }
    Some(DeadlineView {
        last_office_day: d.due_office_day.to_string(),
        statutory_last_day: d.statutory_last_day.to_string(),
        stopped: match d.clock {
            Clock::Stopped {
                reason: PauseReason::Correction,
                ..
            } => Some("staff.case.stopped.correction"),
            Clock::Stopped {
                reason: PauseReason::Payment,
                ..
            } => Some("staff.case.stopped.payment"),
            Clock::Running => None,
        },
        overdue: d.status == Some(DeadlineStatus::Overdue),
        due_soon: d.status == Some(DeadlineStatus::DueSoon),
        paused_days: d.paused_days,
        extension_days: d.extension_days,
        explanation: explanation
            .steps
            .iter()
            .map(|s| lang.pick(&s.ja, &s.en).to_string())
            .collect(),
    })
}

/// The regime's own procedure on this case, as its table has it (docs/regimes.md §9): 開示前置,
/// the special rule, 移送 and 第三者意見照会, with what has been recorded for each.
#[derive(Default)]
pub struct ProcedureView {
    pub prior_disclosure: Option<PriorDisclosureView>,
    pub special: Option<SpecialView>,
    /// The transfer article, where the kind can be transferred.
    pub transfer_article: Option<String>,
    /// Where the request went, once transferred.
    pub transferred: Option<String>,
    pub consultation: Option<ConsultationView>,
    /// The disclosure waits after a third party's objection (Art. 86(3)): the sentence saying
    /// until when.
    pub held_until: Option<String>,
    /// The article of the ordinary extension.
    pub extension_article: String,
    /// Which decision the next draft is, when not the only one (Art. 84).
    pub next_scope: Option<&'static str>,
}

pub struct PriorDisclosureView {
    pub article: String,
    /// What the request states or staff recorded, in words.
    pub recorded: Option<String>,
    pub verified: bool,
    /// The recorded disclosure does not cover the request's arrival (90 days passed).
    pub late: bool,
    pub default_date: String,
    pub default_reference: String,
}

pub struct SpecialView {
    pub heading: String,
    pub hint: &'static str,
    /// The stated date, once applied.
    pub applied: Option<String>,
    /// The part's outcome, once decided (Art. 84).
    pub part: Option<&'static str>,
}

pub struct ConsultationView {
    pub article: String,
    pub items: Vec<ConsultationItem>,
}

pub struct ConsultationItem {
    pub id: String,
    pub who: String,
    pub sent_on: String,
    pub reply_by: String,
    pub reply: Option<String>,
}

fn ymd(d: NaiveDate) -> String {
    d.to_string()
}

pub fn procedure(lang: Lang, file: &CaseFile, today: NaiveDate) -> ProcedureView {
    use crate::domain::regime_rules::SpecialEffect;
    let facts = &file.facts;
    let Some(rules) = facts.rules() else {
        return ProcedureView::default();
    };
    let pick = |b: crate::domain::explain::LegalBasis| lang.pick(b.ja, b.en).to_string();
    let prior_disclosure = rules.prior_disclosure.map(|rule| {
        let recorded = facts.prior_disclosure.as_ref();
        PriorDisclosureView {
            article: format!("{}・{}", pick(rule.basis), pick(rule.period_basis)),
            recorded: recorded.map(|p| {
                let source = lang.t(&format!("staff.case.prior_disclosure.source.{}", p.source));
                let reference = p
                    .reference
                    .as_deref()
                    .map(|r| format!("（{r}）"))
                    .unwrap_or_default();
                format!(
                    "{}{reference} — {} {} — {source}",
                    ymd(p.disclosed_on),
                    lang.t("staff.case.prior_disclosure.last_day"),
                    ymd(p.last_day)
                )
            }),
            verified: recorded.is_some_and(|p| p.verified),
            late: recorded
                .zip(facts.received_on)
                .is_some_and(|(p, r)| !p.covers(r)),
            default_date: recorded.map(|p| ymd(p.disclosed_on)).unwrap_or_default(),
            default_reference: recorded
                .and_then(|p| p.reference.clone())
                .unwrap_or_default(),
        }
    });
    let special = rules.special.map(|rule| SpecialView {
        heading: format!(
            "{}（{}）",
            lang.t("staff.case.special_extension"),
            pick(rule.basis)
        ),
        hint: match rule.effect {
            SpecialEffect::PartThenRemainder { .. } => {
                lang.t("staff.case.special.part_then_remainder")
            }
            SpecialEffect::WholeByStatedDate => lang.t("staff.case.special.whole_by_date"),
        },
        applied: facts.special_extension_rest_by.map(ymd),
        part: facts
            .part_outcome
            .map(|o| lang.pick(o.label_ja(facts.regime), o.label_en())),
    });
    let consultation = rules.consultation.map(|rule| ConsultationView {
        article: pick(rule.basis),
        items: facts
            .consultations
            .iter()
            .map(|c| ConsultationItem {
                id: c.id.clone(),
                who: file
                    .messages
                    .iter()
                    .find(|m| m.id == c.id)
                    .map(|m| m.body.clone())
                    .unwrap_or_default(),
                sent_on: ymd(c.sent_on),
                reply_by: ymd(c.reply_by),
                reply: c.reply.map(|r| {
                    format!(
                        "{} ({})",
                        lang.pick(r.label_ja(), r.label_en()),
                        c.replied_on.map(ymd).unwrap_or_default()
                    )
                }),
            })
            .collect(),
    });
    let held_until = facts
        .disclosure_held_until()
        .filter(|from| today < *from && facts.state == crate::domain::state::CaseState::Decided)
        .map(|from| {
            lang.t("staff.case.third_party_wait")
                .replace("{date}", &ymd(from))
                .replace(
                    "{article}",
                    &rules
                        .consultation
                        .map(|c| pick(c.wait_basis))
                        .unwrap_or_default(),
                )
        });
    let next_scope = match facts.next_decision_scope() {
        crate::domain::lifecycle::DecisionScope::Whole => None,
        scope => Some(lang.pick(scope.label_ja(), scope.label_en())),
    };
    ProcedureView {
        prior_disclosure,
        special,
        transfer_article: rules.transfer.map(|t| pick(t.basis)),
        transferred: facts.transfer.as_ref().map(|t| {
            format!(
                "{} — {}{}",
                t.to_body,
                ymd(t.on),
                rules
                    .transfer
                    .map(|r| format!("（{}）", pick(r.basis)))
                    .unwrap_or_default()
            )
        }),
        consultation,
        held_until,
        extension_article: rules.extension.map(|e| pick(e.basis)).unwrap_or_default(),
        next_scope,
    }
}
