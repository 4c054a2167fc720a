//! POSTs from the staff case page: one route and one handler per action, each with the role it
//! needs in its signature. Each parses its form, calls one casework function and redirects back
//! to the case; a refusal re-shows the case with the reason and what was typed.

use std::collections::BTreeMap;

use actix_multipart::form::MultipartForm;
use actix_multipart::form::bytes::Bytes;
use actix_multipart::form::text::Text;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::case::{CORRECTION_ITEMS, Feedback, casework, render_case};
use super::roles::{Approver, CaseWorker};
use crate::domain::consultation::ThirdPartyReply;
use crate::domain::delivery::DeliveryMethod;
use crate::domain::fees::PaymentMethod;
use crate::domain::identity::Holder;
use crate::domain::identity_review::MaskingFinding;
use crate::domain::ledger::MAX_ENTRY;
use crate::domain::money::{AmountProblem, Yen};
use crate::service::casework::fees::{CopyOrder, FeeInput};
use crate::service::casework::review::DocumentReview;
use crate::service::casework::{
    CaseworkError, actions, decisions, delivery, fees, procedure, review,
};
use crate::service::consents;
use crate::service::intake::person::birth_date as parse_date;
use crate::web::AppState;
use crate::web::csrf::{CarriesCsrf, CsrfForm, CsrfMultipart, Posted};
use crate::web::error::AppError;
use crate::web::form::{TypedValues, typed_values};
use crate::web::page::{PageContext, see_other};

/// `12,000`, `１２０００円`, `¥300` → yen; None when it is not a whole number (0 and negative
/// amounts are returned for the caller to judge).
pub fn parse_yen(raw: &str) -> Option<Yen> {
    match Yen::from_typed(raw) {
        Ok(yen) => Some(yen),
        Err(AmountProblem::Zero) => Some(Yen::ZERO),
        Err(AmountProblem::Negative) => Some(Yen(-1)),
        Err(_) => None,
    }
}

/// The service names a form's free-text reason `reason`; the page has several such fields.
fn as_field<T>(result: Result<T, CaseworkError>, name: &'static str) -> Result<T, CaseworkError> {
    result.map_err(|e| match e {
        CaseworkError::Invalid(list) => CaseworkError::Invalid(
            list.into_iter()
                .map(|(f, code)| (if f == "reason" { name } else { f }, code))
                .collect(),
        ),
        other => other,
    })
}

fn invalid(field: &'static str, code: &'static str) -> CaseworkError {
    CaseworkError::Invalid(vec![(field, code)])
}

fn required_date(raw: &str, name: &'static str) -> Result<NaiveDate, CaseworkError> {
    match raw.trim() {
        "" => Err(invalid(name, "required")),
        raw => parse_date(raw).ok_or_else(|| invalid(name, "invalid")),
    }
}

fn optional_date(raw: &str, name: &'static str) -> Result<Option<NaiveDate>, CaseworkError> {
    match raw.trim() {
        "" => Ok(None),
        raw => parse_date(raw)
            .map(Some)
            .ok_or_else(|| invalid(name, "invalid")),
    }
}

/// An amount to record: a whole number of yen from 1 to the ledger's cap, each problem with its
/// own message (empty, not a number, zero, negative, too large).
fn positive_amount(raw: &str, name: &'static str) -> Result<Yen, CaseworkError> {
    match Yen::from_typed(raw) {
        Err(problem) => Err(invalid(name, problem.code())),
        Ok(y) if y > MAX_ENTRY => Err(invalid(name, "too_large")),
        Ok(y) => Ok(y),
    }
}

/// Why an action did not happen: the form was stale (decided by the CSRF extractor), or the
/// service refused.
pub enum Failure {
    StaleForm,
    Casework(CaseworkError),
}

impl From<CaseworkError> for Failure {
    fn from(e: CaseworkError) -> Self {
        Failure::Casework(e)
    }
}

/// The response to a failed action: the case again, with the reason and the typed values.
pub async fn refused(
    state: &AppState,
    me: &CaseWorker,
    page: PageContext,
    case_id: &str,
    failure: impl Into<Failure>,
    typed: TypedValues,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let mut feedback = Feedback {
        typed,
        ..Feedback::default()
    };
    match failure.into() {
        Failure::StaleForm => {
            feedback.status = Some(StatusCode::UNPROCESSABLE_ENTITY);
            feedback.errors.add_general("field.csrf_expired");
        }
        Failure::Casework(CaseworkError::Conflict) => {
            feedback.status = Some(StatusCode::CONFLICT);
            feedback.errors.add_general("staff.case.conflict");
        }
        Failure::Casework(CaseworkError::LedgerChanged) => {
            feedback.status = Some(StatusCode::CONFLICT);
            feedback.errors.add_general("staff.case.ledger_changed");
        }
        Failure::Casework(CaseworkError::Refused(refusal)) => {
            feedback.status = Some(StatusCode::UNPROCESSABLE_ENTITY);
            let text = refusal.text();
            feedback.refusal = Some(lang.pick(&text.ja, &text.en).to_string());
        }
        Failure::Casework(CaseworkError::Invalid(problems)) => {
            feedback.status = Some(StatusCode::UNPROCESSABLE_ENTITY);
            for (name, code) in problems {
                feedback.errors.add(name, code);
            }
        }
        Failure::Casework(other) => return Err(other.into()),
    }
    render_case(state, me, page, case_id, feedback).await
}

/// What the workspace can do to a case through its page, parsed from the action's form (the
/// route table lists one route each).
#[derive(Debug)]
pub enum CaseAction {
    Take,
    Assign {
        assignee: String,
    },
    Note(String),
    Message(String),
    StartReview,
    Verify,
    ReviewDocument {
        document: String,
        review: DocumentReview,
    },
    DestroyDocument {
        document: String,
        finding: MaskingFinding,
    },
    Correction {
        items: Vec<&'static str>,
        text: String,
        reply_by: NaiveDate,
    },
    /// An invoice, payment, refund or reversal; a waiver (approvers only).
    Fee(FeeInput),
    Waive(FeeInput),
    /// Copies, discs and postage of a decided disclosure, counted before delivery.
    CopyFees(CopyOrder),
    Extend {
        days: u32,
        reason: String,
    },
    SpecialExtension {
        rest_by: NaiveDate,
        reason: String,
    },
    ChooseDelivery(DeliveryMethod),
    Deliver {
        dispatch_note: String,
    },
    Close,
    Dismiss {
        reason: String,
    },
    Approve {
        third_party_reason: String,
    },
    Return {
        comment: String,
    },
    /// 開示前置 checked against the disclosure record.
    PriorDisclosure {
        disclosed_on: NaiveDate,
        reference: String,
    },
    /// 移送 to another body, agreed with it first.
    Transfer {
        to_body: String,
        reason: String,
        consulted: bool,
    },
    /// 第三者意見照会 sent.
    Consult {
        who: String,
        sent_on: NaiveDate,
        reply_by: NaiveDate,
    },
    /// The consulted party's answer.
    ThirdPartyReply {
        consultation: String,
        reply: ThirdPartyReply,
        on: NaiveDate,
    },
    /// A withdrawal of consent the requester told the desk of (撤回).
    WithdrawConsent {
        consent: String,
    },
}

/// Every case form carries the version of the case it was shown at; a form shown before
/// someone else's change is a conflict, not a change made blindly.
pub trait CaseForm: DeserializeOwned + Serialize + 'static {
    fn version(&self) -> &str;
}

macro_rules! case_forms {
    ($($(#[$doc:meta])* $form:ident { $($field:ident),* $(,)? })+) => {$(
        $(#[$doc])*
        #[derive(Debug, Default, Deserialize, Serialize)]
        #[serde(default)]
        pub struct $form {
            pub version: String,
            $(pub $field: String,)*
        }

        impl CaseForm for $form {
            fn version(&self) -> &str {
                &self.version
            }
        }
    )+};
}

case_forms! {
    /// A button with nothing to fill in (take, start review, verify, close, approve).
    ButtonForm {}
    AssignForm { assignee }
    NoteForm { note }
    MessageForm { message }
    DestroyDocumentForm { document, finding }
    /// Invoice, payment or refund.
    /// Invoice, payment, refund or reversal. `received_on`: the day the money arrived (or left);
    /// `ledger`: the number of ledger entries the page was drawn with.
    FeeForm { entry, amount, method, reference, fee_reason, confirm_beyond_owed, received_on, ledger }
    WaiveForm { waive_amount, method, reference, waive_reason, ledger }
    /// Pages by size and colour, discs and the actual postage (blank: the schedule's estimate).
    CopyFeeForm { pages_a4_mono, pages_a4_colour, pages_a3_mono, pages_a3_colour, discs, postage, ledger }
    ExtendForm { days, extend_reason }
    SpecialExtensionForm { rest_by, special_reason }
    ChooseDeliveryForm { method }
    DeliverForm { dispatch_note }
    DismissForm { dismiss_reason }
    ReturnForm { comment }
    /// `third_party_reason`: why the decision discloses over a third party's objection, for the
    /// Art. 86(3) notice to that party (only asked where one objected).
    ApproveForm { third_party_reason }
    PriorDisclosureForm { disclosed_on, reference }
    /// `consulted` is the box confirming the receiving body agreed (Art. 85(1) / 96(1)).
    TransferForm { to_body, transfer_reason, consulted }
    ConsultForm { who, sent_on, consult_reply_by }
    ThirdPartyReplyForm { consultation, reply, replied_on }
    /// `consent`: the id of the consent withdrawn.
    WithdrawConsentForm { consent }
}

/// A reviewer's verdict on one identity document. The checklist's boxes are named
/// `check_<CheckItem>`, one per item the domain lists, so they are collected by name.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReviewDocumentForm {
    pub version: String,
    pub document: String,
    pub verdict: String,
    pub holder: String,
    pub issued_on: String,
    pub expires_on: String,
    pub original: String,
    pub reason: String,
    #[serde(flatten)]
    pub ticked: BTreeMap<String, String>,
}

impl CaseForm for ReviewDocumentForm {
    fn version(&self) -> &str {
        &self.version
    }
}

/// A 補正 request: the items asked for (boxes named `item_<CORRECTION_ITEMS>`), a text and the
/// reply-by date.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CorrectionForm {
    pub version: String,
    pub text: String,
    pub reply_by: String,
    #[serde(flatten)]
    pub ticked: BTreeMap<String, String>,
}

impl CaseForm for CorrectionForm {
    fn version(&self) -> &str {
        &self.version
    }
}

fn payment_method(raw: &str) -> Result<Option<PaymentMethod>, CaseworkError> {
    match raw.trim() {
        "" => Ok(None),
        raw => raw
            .parse::<PaymentMethod>()
            .map(Some)
            .map_err(|_| invalid("method", "choose")),
    }
}

/// The ledger version a fee form carries; a form without one (an old page) is not checked
/// against the ledger, only against the case's version.
fn seen_entries(raw: &str) -> Option<usize> {
    raw.trim().parse().ok()
}

impl FeeForm {
    fn parse(&self) -> Result<CaseAction, CaseworkError> {
        // A waiver has its own route, for approvers.
        let kind = match self.entry.trim() {
            "waiver" => return Err(invalid("entry", "choose")),
            kind => kind,
        };
        let amount = positive_amount(&self.amount, "amount")?;
        let method = payment_method(&self.method)?;
        let entry = fees::ledger_entry(kind, amount, method, &self.reference, &self.fee_reason);
        Ok(CaseAction::Fee(FeeInput {
            entry: as_field(entry, "fee_reason")?,
            confirmed: self.confirm_beyond_owed == "1",
            value_date: optional_date(&self.received_on, "received_on")?,
            seen_entries: seen_entries(&self.ledger),
        }))
    }
}

impl WaiveForm {
    fn parse(&self) -> Result<CaseAction, CaseworkError> {
        let amount = positive_amount(&self.waive_amount, "waive_amount")?;
        let method = payment_method(&self.method)?;
        let entry = fees::ledger_entry(
            "waiver",
            amount,
            method,
            &self.reference,
            &self.waive_reason,
        );
        Ok(CaseAction::Waive(FeeInput {
            seen_entries: seen_entries(&self.ledger),
            ..FeeInput::new(as_field(entry, "waive_reason")?)
        }))
    }
}

/// A count typed in a copy-fee form: blank is none.
fn count(raw: &str, name: &'static str) -> Result<u32, CaseworkError> {
    let digits: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect();
    match digits.as_str() {
        "" => Ok(0),
        d => d.parse().map_err(|_| invalid(name, "count")),
    }
}

impl CopyFeeForm {
    fn parse(&self) -> Result<CaseAction, CaseworkError> {
        use crate::domain::fees::{Colour, PageCount, PaperSize};
        let mut pages = Vec::new();
        for (raw, name, size, colour) in [
            (
                &self.pages_a4_mono,
                "pages_a4_mono",
                PaperSize::A4,
                Colour::Mono,
            ),
            (
                &self.pages_a4_colour,
                "pages_a4_colour",
                PaperSize::A4,
                Colour::Colour,
            ),
            (
                &self.pages_a3_mono,
                "pages_a3_mono",
                PaperSize::A3,
                Colour::Mono,
            ),
            (
                &self.pages_a3_colour,
                "pages_a3_colour",
                PaperSize::A3,
                Colour::Colour,
            ),
        ] {
            let n = count(raw, name)?;
            if n > 0 {
                pages.push(PageCount {
                    size,
                    colour,
                    pages: n,
                });
            }
        }
        let postage = match self.postage.trim() {
            "" => None,
            raw => Some(positive_amount(raw, "postage")?),
        };
        Ok(CaseAction::CopyFees(CopyOrder {
            pages,
            discs: count(&self.discs, "discs")?,
            postage,
            seen_entries: seen_entries(&self.ledger),
        }))
    }
}

impl ReviewDocumentForm {
    fn parse(&self) -> Result<CaseAction, CaseworkError> {
        let (accepted, not_needed) = match self.verdict.trim() {
            "accept" => (true, false),
            "reject" => (false, false),
            "not_needed" => (false, true),
            _ => return Err(invalid("verdict", "choose")),
        };
        let review = DocumentReview {
            accepted,
            holder: if self.holder.trim() == "agent" {
                Holder::Agent
            } else {
                Holder::Principal
            },
            issued_on: optional_date(&self.issued_on, "issued_on")?,
            expires_on: optional_date(&self.expires_on, "expires_on")?,
            original: !self.original.trim().is_empty(),
            checked: self
                .ticked
                .keys()
                .filter_map(|k| k.strip_prefix("check_").map(str::to_string))
                .collect(),
            not_applicable: self
                .ticked
                .keys()
                .filter_map(|k| k.strip_prefix("na_").map(str::to_string))
                .collect(),
            not_needed,
            reason: self.reason.trim().to_string(),
            finding: None,
        };
        Ok(CaseAction::ReviewDocument {
            document: self.document.trim().to_string(),
            review,
        })
    }
}

impl CorrectionForm {
    fn parse(&self) -> Result<CaseAction, CaseworkError> {
        let items: Vec<&'static str> = CORRECTION_ITEMS
            .iter()
            .copied()
            .filter(|item| {
                self.ticked
                    .get(&format!("item_{item}"))
                    .is_some_and(|v| !v.trim().is_empty())
            })
            .collect();
        let text = self.text.trim().to_string();
        if items.is_empty() && text.is_empty() {
            return Err(invalid("text", "required"));
        }
        let reply_by = required_date(&self.reply_by, "reply_by")?;
        Ok(CaseAction::Correction {
            items,
            text,
            reply_by,
        })
    }
}

impl ExtendForm {
    fn parse(&self) -> Result<CaseAction, CaseworkError> {
        let days = self
            .days
            .trim()
            .parse()
            .map_err(|_| invalid("days", "invalid"))?;
        Ok(CaseAction::Extend {
            days,
            reason: self.extend_reason.trim().to_string(),
        })
    }
}

impl SpecialExtensionForm {
    fn parse(&self) -> Result<CaseAction, CaseworkError> {
        Ok(CaseAction::SpecialExtension {
            rest_by: required_date(&self.rest_by, "rest_by")?,
            reason: self.special_reason.trim().to_string(),
        })
    }
}

impl PriorDisclosureForm {
    fn parse(&self) -> Result<CaseAction, CaseworkError> {
        Ok(CaseAction::PriorDisclosure {
            disclosed_on: required_date(&self.disclosed_on, "disclosed_on")?,
            reference: self.reference.trim().to_string(),
        })
    }
}

impl TransferForm {
    fn parse(&self) -> Result<CaseAction, CaseworkError> {
        Ok(CaseAction::Transfer {
            to_body: self.to_body.trim().to_string(),
            reason: self.transfer_reason.trim().to_string(),
            consulted: !self.consulted.trim().is_empty(),
        })
    }
}

impl ConsultForm {
    fn parse(&self) -> Result<CaseAction, CaseworkError> {
        Ok(CaseAction::Consult {
            who: self.who.trim().to_string(),
            sent_on: required_date(&self.sent_on, "sent_on")?,
            reply_by: required_date(&self.consult_reply_by, "consult_reply_by")?,
        })
    }
}

impl ThirdPartyReplyForm {
    fn parse(&self) -> Result<CaseAction, CaseworkError> {
        let reply = self
            .reply
            .trim()
            .parse()
            .map_err(|_| invalid("reply", "choose"))?;
        Ok(CaseAction::ThirdPartyReply {
            consultation: self.consultation.trim().to_string(),
            reply,
            on: required_date(&self.replied_on, "replied_on")?,
        })
    }
}

impl DestroyDocumentForm {
    fn parse(&self) -> Result<CaseAction, CaseworkError> {
        let finding = self
            .finding
            .trim()
            .parse()
            .map_err(|_| invalid("finding", "choose"))?;
        Ok(CaseAction::DestroyDocument {
            document: self.document.trim().to_string(),
            finding,
        })
    }
}

impl ChooseDeliveryForm {
    fn parse(&self) -> Result<CaseAction, CaseworkError> {
        self.method
            .trim()
            .parse()
            .map(CaseAction::ChooseDelivery)
            .map_err(|_| invalid("delivery_method", "choose"))
    }
}

/// Calls the one casework function `action` names, on the case at the version the form saw.
async fn perform(
    state: &AppState,
    me: &CaseWorker,
    case: (&str, i64),
    action: CaseAction,
) -> Result<(), CaseworkError> {
    let cw = casework(state).await?;
    let actor = &me.actor;
    let now = state.now();
    match action {
        CaseAction::Take => actions::assign(&cw, actor, case, &me.staff.id, now).await?,
        CaseAction::Assign { assignee } => {
            actions::assign(&cw, actor, case, &assignee, now).await?
        }
        CaseAction::Note(note) => actions::write(&cw, actor, case, false, &note, now).await?,
        CaseAction::Message(message) => {
            actions::write(&cw, actor, case, true, &message, now).await?
        }
        CaseAction::StartReview => actions::start_review(&cw, actor, case, now).await?,
        CaseAction::Verify => actions::verify_identity(&cw, actor, case, now).await?,
        CaseAction::ReviewDocument { document, review } => {
            review::review_document(&cw, actor, case, &document, review, now).await?
        }
        CaseAction::DestroyDocument { document, finding } => {
            review::destroy_document(&cw, actor, case, &document, finding, now).await?
        }
        CaseAction::Correction {
            items,
            text,
            reply_by,
        } => actions::request_correction(&cw, actor, case, &items, &text, reply_by, now).await?,
        CaseAction::Fee(input) | CaseAction::Waive(input) => {
            fees::record_fee(&cw, actor, case, input, now).await?
        }
        CaseAction::CopyFees(order) => fees::invoice_copies(&cw, actor, case, order, now).await?,
        CaseAction::Extend { days, reason } => as_field(
            actions::extend(&cw, actor, case, days, &reason, now).await,
            "extend_reason",
        )?,
        CaseAction::SpecialExtension { rest_by, reason } => as_field(
            actions::special_extension(&cw, actor, case, rest_by, &reason, now).await,
            "special_reason",
        )?,
        CaseAction::ChooseDelivery(method) => {
            delivery::choose_delivery(&cw, actor, case, method, now).await?
        }
        CaseAction::Deliver { dispatch_note } => {
            delivery::deliver(&cw, actor, case, &dispatch_note, now).await?
        }
        CaseAction::Close => actions::close(&cw, actor, case, now).await?,
        CaseAction::Dismiss { reason } => as_field(
            actions::dismiss(&cw, actor, case, &reason, now).await,
            "dismiss_reason",
        )?,
        CaseAction::Approve { third_party_reason } => {
            decisions::approve(&cw, actor, case, &third_party_reason, now).await?
        }
        CaseAction::Return { comment } => {
            decisions::return_draft(&cw, actor, case, &comment, now).await?
        }
        CaseAction::PriorDisclosure {
            disclosed_on,
            reference,
        } => {
            procedure::verify_prior_disclosure(&cw, actor, case, disclosed_on, &reference, now)
                .await?
        }
        CaseAction::Transfer {
            to_body,
            reason,
            consulted,
        } => as_field(
            procedure::transfer(&cw, actor, case, &to_body, &reason, consulted, now).await,
            "transfer_reason",
        )?,
        CaseAction::Consult {
            who,
            sent_on,
            reply_by,
        } => {
            procedure::consult_third_party(&cw, actor, case, &who, (sent_on, reply_by), now).await?
        }
        CaseAction::ThirdPartyReply {
            consultation,
            reply,
            on,
        } => {
            procedure::record_third_party_reply(&cw, actor, case, &consultation, reply, on, now)
                .await?
        }
        CaseAction::WithdrawConsent { consent } => {
            consents::withdraw_by_staff(&cw, actor, case, &consent, now).await?
        }
    };
    Ok(())
}

/// Parses a fresh form with `parse`, performs the action and redirects to the case; a stale
/// form, an invalid one or a refusal shows the case again with the reason and what was typed.
async fn run<F: CaseForm>(
    state: &AppState,
    me: &CaseWorker,
    page: PageContext,
    case_id: &str,
    posted: Posted<F>,
    parse: impl FnOnce(&F) -> Result<CaseAction, CaseworkError>,
) -> Result<HttpResponse, AppError> {
    let form = match posted {
        Posted::Fresh(form) => form,
        Posted::Stale(form) => {
            return refused(
                state,
                me,
                page,
                case_id,
                Failure::StaleForm,
                typed_values(&form),
            )
            .await;
        }
    };
    let done = match form.version().trim().parse::<i64>() {
        Err(_) => Err(CaseworkError::Conflict),
        Ok(version) => match parse(&form) {
            Ok(action) => perform(state, me, (case_id, version), action).await,
            Err(invalid) => Err(invalid),
        },
    };
    match done {
        Ok(()) => Ok(see_other(&format!("/staff/cases/{case_id}"))),
        Err(error) => refused(state, me, page, case_id, error, typed_values(&form)).await,
    }
}

/// One handler per action: `POST /staff/cases/{id}/<action>`, with the role it needs, the form
/// it takes and how that form becomes a [`CaseAction`].
macro_rules! case_actions {
    ($($(#[$doc:meta])* $name:ident: $role:ident, $form:ty => $parse:expr;)+) => {$(
        $(#[$doc])*
        pub async fn $name(
            state: web::Data<AppState>,
            me: $role,
            page: PageContext,
            case_id: web::Path<String>,
            CsrfForm(posted): CsrfForm<$form>,
        ) -> Result<HttpResponse, AppError> {
            let me = CaseWorker::from(me);
            run(&state, &me, page, &case_id, posted, $parse).await
        }
    )+};
}

/// Free text as the services take it: without the spaces around it.
fn trimmed(raw: &str) -> String {
    raw.trim().to_string()
}

case_actions! {
    /// Assign the case to oneself.
    take: CaseWorker, ButtonForm => |_| Ok(CaseAction::Take);
    /// Assign the case to someone else.
    assign: Approver, AssignForm => |f| Ok(CaseAction::Assign { assignee: trimmed(&f.assignee) });
    note: CaseWorker, NoteForm => |f| Ok(CaseAction::Note(trimmed(&f.note)));
    message: CaseWorker, MessageForm => |f| Ok(CaseAction::Message(trimmed(&f.message)));
    start_review: CaseWorker, ButtonForm => |_| Ok(CaseAction::StartReview);
    verify: CaseWorker, ButtonForm => |_| Ok(CaseAction::Verify);
    review_document: CaseWorker, ReviewDocumentForm => ReviewDocumentForm::parse;
    destroy_document: CaseWorker, DestroyDocumentForm => DestroyDocumentForm::parse;
    correction: CaseWorker, CorrectionForm => CorrectionForm::parse;
    /// Invoice, payment or refund.
    fee: CaseWorker, FeeForm => FeeForm::parse;
    /// Waive a fee (減免).
    waive: Approver, WaiveForm => WaiveForm::parse;
    /// Charge the copies, discs and postage of a decided disclosure.
    copy_fees: CaseWorker, CopyFeeForm => CopyFeeForm::parse;
    extend: CaseWorker, ExtendForm => ExtendForm::parse;
    special_extension: CaseWorker, SpecialExtensionForm => SpecialExtensionForm::parse;
    choose_delivery: CaseWorker, ChooseDeliveryForm => ChooseDeliveryForm::parse;
    deliver: CaseWorker, DeliverForm => |f| Ok(CaseAction::Deliver { dispatch_note: trimmed(&f.dispatch_note) });
    close: CaseWorker, ButtonForm => |_| Ok(CaseAction::Close);
    dismiss: CaseWorker, DismissForm => |f| Ok(CaseAction::Dismiss { reason: trimmed(&f.dismiss_reason) });
    /// Approve the drafted decision (someone other than its drafter).
    approve: Approver, ApproveForm => |f| Ok(CaseAction::Approve { third_party_reason: trimmed(&f.third_party_reason) });
    /// Return the draft to its drafter with a comment.
    return_draft: Approver, ReturnForm => |f| Ok(CaseAction::Return { comment: trimmed(&f.comment) });
    /// Verify the disclosure a correction or suspension follows (開示前置).
    prior_disclosure: CaseWorker, PriorDisclosureForm => PriorDisclosureForm::parse;
    /// Transfer the request to another body (移送).
    transfer: CaseWorker, TransferForm => TransferForm::parse;
    /// Record a consultation of a third party (第三者意見照会).
    consult: CaseWorker, ConsultForm => ConsultForm::parse;
    /// Record the third party's answer.
    third_party_reply: CaseWorker, ThirdPartyReplyForm => ThirdPartyReplyForm::parse;
    /// Record a withdrawal of consent the requester made by telephone, letter or at the counter.
    withdraw_consent: CaseWorker, WithdrawConsentForm => |f| Ok(CaseAction::WithdrawConsent { consent: trimmed(&f.consent) });
}

impl From<Approver> for CaseWorker {
    fn from(approver: Approver) -> Self {
        CaseWorker {
            staff: approver.staff,
            actor: approver.actor,
        }
    }
}

#[derive(MultipartForm)]
pub struct FileForm {
    csrf: Option<Text<String>>,
    version: Option<Text<i64>>,
    file: Option<Bytes>,
}

impl CarriesCsrf for FileForm {
    fn csrf(&self) -> &str {
        self.csrf.as_deref().map_or("", String::as_str)
    }
}

/// POST /staff/cases/{id}/files: one disclosed file, encrypted before it touches disk.
pub async fn add_file(
    state: web::Data<AppState>,
    me: CaseWorker,
    page: PageContext,
    case_id: web::Path<String>,
    CsrfMultipart(posted): CsrfMultipart<FileForm>,
) -> Result<HttpResponse, AppError> {
    let result = match posted {
        Posted::Stale(_) => Err(Failure::StaleForm),
        Posted::Fresh(form) => {
            let version = form.version.map_or(-1, |v| v.into_inner());
            let bytes = form.file.map(|f| f.data.to_vec()).unwrap_or_default();
            let cw = casework(&state).await?;
            delivery::add_disclosure_file(&cw, &me.actor, (&case_id, version), bytes, state.now())
                .await
                .map(|_| ())
                .map_err(Failure::from)
        }
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/staff/cases/{case_id}"))),
        Err(failure) => refused(&state, &me, page, &case_id, failure, TypedValues::new()).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posted<F: DeserializeOwned>(body: &str) -> F {
        serde_urlencoded::from_str(body).expect("a urlencoded form")
    }

    #[test]
    fn a_review_keeps_every_ticked_box_and_what_was_typed() {
        let form: ReviewDocumentForm = posted(
            "csrf=t&version=3&document=d1&verdict=reject&holder=agent&issued_on=2026-04-01\
             &check_document_type=1&check_name_matches=1&reason=+blurred+",
        );
        assert_eq!(form.version(), "3");
        let Ok(CaseAction::ReviewDocument { document, review }) = form.parse() else {
            panic!("a valid review");
        };
        assert_eq!(document, "d1");
        assert!(!review.accepted);
        assert_eq!(review.holder, Holder::Agent);
        assert_eq!(review.checked, ["document_type", "name_matches"]);
        assert_eq!(review.reason, "blurred");
        let typed = typed_values(&form);
        assert_eq!(typed.get("reason").map(String::as_str), Some(" blurred "));
        assert_eq!(
            typed.get("check_name_matches").map(String::as_str),
            Some("1")
        );
    }

    #[test]
    fn an_invalid_form_names_its_field() {
        let problem = |result: Result<CaseAction, CaseworkError>| match result {
            Err(CaseworkError::Invalid(list)) => list,
            other => panic!("expected a field problem, got {other:?}"),
        };
        let correction: CorrectionForm = posted("version=1&reply_by=2026-05-01");
        assert_eq!(problem(correction.parse()), [("text", "required")]);
        let fee: FeeForm = posted("version=1&entry=payment&amount=-5");
        assert_eq!(problem(fee.parse()), [("amount", "negative")]);
        let fee: FeeForm = posted("version=1&entry=payment&amount=0");
        assert_eq!(problem(fee.parse()), [("amount", "zero")]);
        let fee: FeeForm = posted("version=1&entry=payment&amount=four");
        assert_eq!(problem(fee.parse()), [("amount", "invalid")]);
        let fee: FeeForm = posted("version=1&entry=invoice&amount=60%2C006%2C000");
        assert_eq!(problem(fee.parse()), [("amount", "too_large")]);
        let fee: FeeForm =
            posted("version=1&entry=invoice&amount=%EF%BC%94%EF%BC%8C%EF%BC%90%EF%BC%90%EF%BC%90");
        let Ok(CaseAction::Fee(input)) = fee.parse() else {
            panic!("「４，０００」 is 4000円");
        };
        assert_eq!(input.entry.amount(), Yen(4000));
        let waiver: FeeForm = posted("version=1&entry=waiver&amount=100");
        assert_eq!(problem(waiver.parse()), [("entry", "choose")]);
        let extend: ExtendForm = posted("version=1&days=thirty");
        assert_eq!(problem(extend.parse()), [("days", "invalid")]);
    }

    #[test]
    fn a_correction_asks_for_the_ticked_items_only() {
        let form: CorrectionForm =
            posted("version=1&item_missing_document=1&item_unknown=1&reply_by=2026-05-01");
        let Ok(CaseAction::Correction { items, text, .. }) = form.parse() else {
            panic!("a valid correction");
        };
        assert_eq!(items, ["missing_document"]);
        assert_eq!(text, "");
    }
}
