//! The staff case page, the requester's details (audited), the document viewer and the
//! printable decision notice.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;

use super::case_view::{self as view, Names};
use super::roles::CaseWorker;
use crate::domain::channel::RequestChannel;
use crate::domain::deadline::{jst_date, requester_period_end};
use crate::domain::delivery::DeliveryMethod;
use crate::domain::document::DecisionStatus;
use crate::domain::event::EventKind;
use crate::domain::fees::{
    Colour, FeeItem, PaperSize, PaymentMethod, Postage, QuoteRequest, page_label,
};
use crate::domain::ledger::{EntryKind, LedgerEntry};
use crate::domain::payment_to::{has_unconfirmed, where_to_pay};
use crate::domain::role::Role;
use crate::i18n::Lang;
use crate::service::case_record::SealedParty;
use crate::service::casework::Casework;
use crate::service::casework::decisions as decision_text;
use crate::service::casework::file::{self, CaseFile};
use crate::service::staff_directory;
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::form::{FieldErrors, TypedValues};
use crate::web::page::{PageContext, render};

pub async fn casework(state: &AppState) -> Result<Casework<'_>, crate::db::DbError> {
    Ok(Casework {
        db: &state.db,
        desk: state.desk().await?,
        blobs: &state.blobs,
        public_url: &state.config.public_url,
        max_upload_bytes: state.config.upload_max_bytes,
        case_max_bytes: state.config.case_upload_max_bytes,
        download_days: 30,
        fee_schedules: &state.fee_schedules,
    })
}

/// What went wrong with an action, shown above the case (and the values typed, kept).
#[derive(Default)]
pub struct Feedback {
    pub status: Option<StatusCode>,
    pub errors: FieldErrors,
    pub refusal: Option<String>,
    pub typed: TypedValues,
}

/// Which actions the page offers: the domain's allowed events, plus what is not an event.
#[derive(Default)]
pub struct Can {
    pub start_review: bool,
    pub review_documents: bool,
    pub verify: bool,
    pub correction: bool,
    pub invoice: bool,
    pub payment: bool,
    pub waive: bool,
    /// Money is owed but this member of staff may not waive it: the page says who can.
    pub waive_by_approver: bool,
    pub refund: bool,
    pub draft: bool,
    pub approve: bool,
    pub extend: bool,
    pub special_extension: bool,
    pub choose_delivery: bool,
    pub deliver: bool,
    pub close: bool,
    pub dismiss: bool,
    pub assign_others: bool,
    pub take: bool,
    pub add_files: bool,
    /// Count the copies, discs and postage of a decided disclosure and charge them.
    pub copy_fees: bool,
    pub prior_disclosure: bool,
    pub transfer: bool,
    pub consult: bool,
    pub third_party_reply: bool,
}

#[derive(Template)]
#[template(path = "staff/case.html")]
pub struct CasePage {
    pub page: PageContext,
    pub feedback: Feedback,
    pub id: String,
    pub version: i64,
    pub receipt_number: String,
    pub kind: &'static str,
    pub state: &'static str,
    pub requester_type: &'static str,
    pub channel: &'static str,
    pub received: String,
    pub assignee: String,
    pub content: Vec<(&'static str, String)>,
    pub requested_delivery: String,
    pub deadline: Option<view::DeadlineView>,
    pub timeline: Vec<view::TimelineItem>,
    pub documents: Vec<view::DocumentView>,
    pub identity_satisfied: bool,
    pub identity_missing: Vec<String>,
    pub destroy_findings: Vec<(&'static str, String)>,
    pub messages: Vec<view::MessageView>,
    pub ledger: Vec<view::LedgerView>,
    pub balance: i64,
    pub quote_amount: i64,
    pub payment_methods: Vec<(&'static str, &'static str)>,
    /// Today (JST), the default day a payment arrived.
    pub today: String,
    /// The request fee is on the ledger already (charged at receipt): the form does not offer
    /// to charge it again; a wrong one is reversed, then charged anew.
    pub request_fee_charged: bool,
    /// Why the case waits for money and what to do: shown above the actions, not a hidden button.
    pub fee_notice: Option<String>,
    /// The page rates of the schedule of the receipt day: form field and label with its rate.
    pub page_rates: Vec<(&'static str, String)>,
    /// The disc field's label with its rate, when the schedule charges for discs.
    pub disc_label: Option<String>,
    /// Where the requester pays, as confirmed; and whether some destination still awaits the
    /// operator's confirmation (then not shown to the requester either).
    pub payment_to: Vec<String>,
    pub payment_to_unconfirmed: bool,
    pub postage_at_cost: bool,
    pub decisions: Vec<view::DecisionItem>,
    /// The official letters sent, each opened and printed from here.
    pub letters: Vec<crate::service::letters::Listed>,
    /// The requester's consents; a standing one may be withdrawn on their word (docs/consent.md §4).
    pub consents: Vec<crate::web::portal::consent::ConsentLine>,
    pub outcomes: Vec<(&'static str, &'static str)>,
    pub delivery_methods: Vec<(&'static str, &'static str)>,
    pub delivery_method: String,
    pub correction_items: Vec<(&'static str, &'static str)>,
    pub default_reply_by: String,
    /// The open 補正's reply-by date and, when the profile dismisses unanswered ones, the day the
    /// sweep will.
    pub awaiting_reply: Option<(String, Option<String>)>,
    pub max_extension_days: u32,
    pub staff: Vec<(String, String)>,
    pub document_types: Vec<(&'static str, &'static str)>,
    /// The regime's own procedure on this case (開示前置, special rule, 移送, 第三者意見照会).
    pub procedure: view::ProcedureView,
    pub third_party_replies: Vec<(&'static str, &'static str)>,
    pub can: Can,
}

impl CasePage {
    /// A value typed into the failed form, or the default.
    pub fn typed<'a>(&'a self, field: &str, default: &'a str) -> &'a str {
        self.feedback
            .typed
            .get(field)
            .map_or(default, String::as_str)
    }
}

pub const CORRECTION_ITEMS: &[&str] = &[
    "missing_document",
    "identity_mismatch",
    "agent_authority",
    "unclear_scope",
    "fee_unpaid",
    "other",
];

pub async fn names(state: &AppState) -> Result<(Names, Vec<(String, String)>), AppError> {
    let staff = staff_directory::active(&state.db).await?;
    let names = staff
        .iter()
        .map(|s| (s.id.clone(), s.display_name.clone()))
        .collect();
    let workers = staff
        .into_iter()
        .filter(|s| s.known_role().is_some_and(Role::works_cases))
        .map(|s| (s.id, s.display_name))
        .collect();
    Ok((names, workers))
}

fn can(file: &CaseFile, me: &CaseWorker) -> Can {
    let has = |k: EventKind| file.allowed.contains(&k);
    Can {
        start_review: has(EventKind::StartIdentityReview),
        review_documents: file.facts.state.takes_documents(),
        verify: has(EventKind::VerifyIdentity),
        correction: has(EventKind::RequestCorrection),
        invoice: has(EventKind::InvoiceFee),
        payment: has(EventKind::RecordPayment),
        waive: has(EventKind::WaiveFee),
        waive_by_approver: has(EventKind::RecordPayment) && !me.staff.role.may_waive_fees(),
        refund: file.ledger.is_some_and(|l| l.overpaid.is_positive()),
        draft: has(EventKind::SubmitDraft),
        approve: has(EventKind::ApproveDecision),
        extend: has(EventKind::ExtendDeadline),
        special_extension: has(EventKind::ApplySpecialExtension),
        choose_delivery: has(EventKind::ChooseDeliveryMethod),
        deliver: has(EventKind::Deliver),
        close: has(EventKind::Close),
        dismiss: has(EventKind::Dismiss),
        assign_others: me.staff.role == Role::Approver && !file.facts.state.is_terminal(),
        take: file.row.assignee_id.as_deref() != Some(me.staff.id.as_str())
            && !file.facts.state.is_terminal(),
        copy_fees: has(EventKind::InvoiceFee)
            && file.facts.state == crate::domain::state::CaseState::Decided,
        add_files: file.facts.state == crate::domain::state::CaseState::Decided
            && file.facts.needs_delivery(),
        prior_disclosure: has(EventKind::VerifyPriorDisclosure),
        transfer: has(EventKind::Transfer),
        consult: has(EventKind::ConsultThirdParty),
        third_party_reply: has(EventKind::RecordThirdPartyReply),
    }
}

/// Whether the ledger holds a request-fee charge not taken back by an invoice reversal.
fn request_fee_charged(file: &CaseFile) -> bool {
    let charged: i64 = file
        .ledger_lines
        .iter()
        .map(|l| match &l.entry {
            LedgerEntry::Invoice {
                amount,
                item: FeeItem::RequestFee,
            } => amount.0,
            _ => 0,
        })
        .sum();
    let reversed: i64 = file
        .ledger_lines
        .iter()
        .map(|l| match &l.entry {
            LedgerEntry::Reversal {
                of: EntryKind::Invoice,
                amount,
                ..
            } => amount.0,
            _ => 0,
        })
        .sum();
    charged > reversed
}

/// The copy-fee form's field for pages of one size and colour.
fn page_field(size: PaperSize, colour: Colour) -> &'static str {
    match (size, colour) {
        (PaperSize::A4, Colour::Mono) => "pages_a4_mono",
        (PaperSize::A4, Colour::Colour) => "pages_a4_colour",
        (PaperSize::A3, Colour::Mono) => "pages_a3_mono",
        (PaperSize::A3, Colour::Colour) => "pages_a3_colour",
    }
}

/// While money is owed, what it holds up and what the clerk does about it (docs/fees.md §7).
fn fee_notice(lang: Lang, file: &CaseFile) -> Option<String> {
    let owed = file.facts.fee.outstanding();
    if !owed.is_positive() || file.facts.state.is_terminal() {
        return None;
    }
    let key = if file.facts.state.is_before_decision() {
        if file.facts.fee_in_advance {
            "staff.case.fee_notice.prepaid"
        } else {
            "staff.case.fee_notice.before_decision"
        }
    } else {
        "staff.case.fee_notice.before_delivery"
    };
    Some(lang.t(key).replace("{amount}", &owed.to_string()))
}

fn request_fee_quote(state: &AppState, file: &CaseFile) -> i64 {
    let date = file
        .row
        .received_at
        .map_or_else(|| jst_date(state.now()), |r| jst_date(r.and_utc()));
    let request = QuoteRequest {
        kind: file.facts.kind,
        delivery: file
            .content
            .delivery
            .unwrap_or(DeliveryMethod::ElectronicDownload),
        pages: Vec::new(),
        discs: 0,
        online: file.row.channel == RequestChannel::Online,
        date,
        postage: None,
    };
    state.quote(&request).map_or(0, |q| {
        q.lines
            .iter()
            .filter(|l| l.item == FeeItem::RequestFee)
            .map(|l| l.amount_yen.0)
            .sum()
    })
}

fn content_lines(lang: Lang, file: &CaseFile) -> Vec<(&'static str, String)> {
    let c = &file.content.content;
    [
        ("request.content.data_description", &c.data_description),
        ("request.content.period", &c.period),
        ("request.content.current_content", &c.current_content),
        ("request.content.correct_content", &c.correct_content),
        ("request.content.ground", &c.ground),
        ("request.content.action", &c.action),
    ]
    .into_iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .map(|(key, v)| {
        // Ground and action are codes chosen from a list; the rest is what the requester wrote.
        let shown = if key.ends_with("ground") || key.ends_with("action") {
            lang.t(&format!("{key}.{v}")).to_string()
        } else {
            v.clone()
        };
        (lang.t(key), shown)
    })
    // The profile's own fields (the LINE account, say), as the requester typed them.
    .chain(
        c.extra
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (lang.t(&format!("request.content.extra.{k}")), v.clone())),
    )
    .collect()
}

pub async fn render_case(
    state: &AppState,
    me: &CaseWorker,
    page: PageContext,
    case_id: &str,
    feedback: Feedback,
) -> Result<HttpResponse, AppError> {
    let cw = casework(state).await?;
    let now = state.now();
    let file = file::load(&cw, &me.actor, case_id, now).await?;
    let (names, workers) = names(state).await?;
    let lang = page.lang;
    let regime = file.facts.regime;
    let today = jst_date(now);
    let payment_methods = state
        .payment_methods_on(today)
        .unwrap_or_else(|| PaymentMethod::ALL.to_vec());
    let received_on = file
        .row
        .received_at
        .map_or(today, |at| jst_date(at.and_utc()));
    let schedule = state.schedule_on(received_on);
    let status = feedback.status.unwrap_or(StatusCode::OK);
    let page = page.with_staff(&me.staff.display_name);
    let kind = file.facts.kind;
    let body = CasePage {
        id: file.row.id.clone(),
        version: file.row.version,
        receipt_number: file.row.receipt_number.clone().unwrap_or_default(),
        kind: lang.pick(kind.label_ja(), kind.label_en()),
        state: lang.pick(file.facts.state.label_ja(), file.facts.state.label_en()),
        requester_type: lang.t(&format!(
            "request.requester_type.{}",
            file.row.requester_type.as_str()
        )),
        channel: lang.t(&format!("staff.case.channel.{}", file.row.channel)),
        received: file
            .row
            .received_at
            .map(crate::i18n::jst_minutes)
            .unwrap_or_default(),
        assignee: file
            .row
            .assignee_id
            .as_ref()
            .map(|id| names.get(id).cloned().unwrap_or_else(|| id.clone()))
            .unwrap_or_default(),
        content: content_lines(lang, &file),
        requested_delivery: file
            .content
            .delivery
            .map(|d| lang.pick(d.label_ja(), d.label_en()).to_string())
            .unwrap_or_default(),
        deadline: view::deadline(lang, &file),
        timeline: view::timeline(lang, &names, &file.events),
        documents: view::documents(lang, &names, &file.documents),
        identity_satisfied: file.identity.is_satisfied(),
        identity_missing: view::identity_missing(lang, &file.identity),
        destroy_findings: view::destroy_findings(lang),
        messages: view::messages(lang, &names, &file.messages),
        ledger: view::ledger(lang, &names, &file.ledger_lines),
        balance: file.ledger.map_or(0, |l| l.balance.0),
        quote_amount: request_fee_quote(state, &file),
        payment_methods: payment_methods
            .iter()
            .map(|m| {
                (
                    m.as_str(),
                    lang.t(&format!("payment.method.{}", m.as_str())),
                )
            })
            .collect(),
        today: today.to_string(),
        request_fee_charged: request_fee_charged(&file),
        fee_notice: fee_notice(lang, &file),
        page_rates: schedule
            .as_ref()
            .map(|s| {
                s.page_fees
                    .iter()
                    .map(|rate| {
                        let label = page_label(rate.size, rate.colour);
                        (
                            page_field(rate.size, rate.colour),
                            format!(
                                "{}（{}{}）",
                                lang.pick(&label.ja, &label.en),
                                rate.per_page.0,
                                lang.t("staff.case.per_page")
                            ),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        payment_to: where_to_pay(&cw.desk.profile.office.payment)
            .iter()
            .map(|line| lang.pick(&line.ja, &line.en).to_string())
            .collect(),
        payment_to_unconfirmed: has_unconfirmed(&cw.desk.profile.office.payment),
        disc_label: schedule
            .as_ref()
            .filter(|s| s.disc_fee.is_positive())
            .map(|s| {
                format!(
                    "{}（{}{}）",
                    lang.t("fee.item.disc"),
                    s.disc_fee.0,
                    lang.t("staff.case.per_disc")
                )
            }),
        postage_at_cost: schedule
            .as_ref()
            .is_some_and(|s| matches!(s.postage, Postage::AtCost { .. })),
        decisions: view::decisions(
            lang,
            &names,
            regime,
            &file.decisions,
            file.facts.rules().is_some_and(|r| r.consultation.is_some())
                && crate::domain::consultation::any_objection(&file.facts.consultations),
        ),
        letters: file.letters.clone(),
        consents: crate::web::portal::consent::lines(lang, &file.consents),
        outcomes: file
            .facts
            .outcomes()
            .iter()
            .map(|o| (o.as_str(), lang.pick(o.label_ja(regime), o.label_en())))
            .collect(),
        delivery_methods: state
            .profile()
            .delivery_methods
            .iter()
            .map(|d| (d.as_str(), lang.pick(d.label_ja(), d.label_en())))
            .collect(),
        delivery_method: file
            .facts
            .delivery_method
            .or(file.content.delivery)
            .map(|d| d.as_str().to_string())
            .unwrap_or_default(),
        correction_items: CORRECTION_ITEMS
            .iter()
            .map(|i| (*i, lang.t(&format!("correction.item.{i}"))))
            .collect(),
        default_reply_by: requester_period_end(
            today,
            state.profile().correction_reply_days,
            &state.calendar(),
        )
        .to_string(),
        awaiting_reply: awaiting_reply(state, &file),
        max_extension_days: file.facts.extension_limit(),
        staff: workers,
        document_types: crate::domain::identity::DocumentType::ALL
            .iter()
            .map(|t| (t.as_str(), lang.pick(t.label_ja(), t.label_en())))
            .collect(),
        procedure: view::procedure(lang, &file, today),
        third_party_replies: crate::domain::consultation::ThirdPartyReply::ALL
            .iter()
            .map(|r| (r.as_str(), lang.pick(r.label_ja(), r.label_en())))
            .collect(),
        can: can(&file, me),
        feedback,
        page,
    };
    render(status, &body)
}

pub async fn show(
    state: web::Data<AppState>,
    me: CaseWorker,
    page: PageContext,
    case_id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    render_case(&state, &me, page, &case_id, Feedback::default()).await
}

#[derive(Template)]
#[template(path = "staff/requester.html")]
struct RequesterPage {
    page: PageContext,
    id: String,
    receipt_number: String,
    party: SealedParty,
    requester_type: &'static str,
}

/// The requester's and agent's details; each opening is written to the audit log.
pub async fn requester(
    state: web::Data<AppState>,
    me: CaseWorker,
    page: PageContext,
    case_id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (row, party) =
        file::party(&casework(&state).await?, &me.actor, &case_id, state.now()).await?;
    let lang = page.lang;
    render(
        StatusCode::OK,
        &RequesterPage {
            requester_type: lang.t(&format!(
                "request.requester_type.{}",
                party.requester_type.as_str()
            )),
            page: page.with_staff(&me.staff.display_name),
            id: row.id,
            receipt_number: row.receipt_number.unwrap_or_default(),
            party,
        },
    )
}

/// A document decrypted on the fly: images inline, PDFs streamed to the browser's viewer. Each
/// view is audited; nothing is cached.
pub async fn document(
    state: web::Data<AppState>,
    me: CaseWorker,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (case_id, document_id) = path.into_inner();
    let doc = file::open_document(
        (&state.db, &state.master, &state.blobs),
        &me.actor,
        (&case_id, &document_id),
        state.now(),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .content_type(doc.mime.as_str())
        // Images open in a sandbox (no script, no origin of ours). Chromium's PDF viewer refuses
        // sandboxed documents, so a PDF is downloaded and opened outside the site: even one
        // that slipped past the upload check never runs as this site's page.
        .insert_header((
            header::CONTENT_DISPOSITION,
            if doc.mime == "application/pdf" {
                "attachment; filename=\"document.pdf\""
            } else {
                "inline"
            },
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(doc.bytes.to_vec()))
}

#[derive(Template)]
#[template(path = "staff/notice.html")]
pub struct NoticeLetter {
    pub page: PageContext,
    pub back: String,
    /// Who the letter is addressed to (empty: 請求者 様).
    pub addressee: String,
    pub operator: String,
    pub receipt_number: String,
    pub issued_on: String,
    pub title: String,
    pub outcome: &'static str,
    pub text: String,
    pub grounds: Vec<&'static str>,
    pub remedy: String,
    pub draft: bool,
}

/// The decision notice as an A4 letter (print stylesheet); drafts are marked as drafts.
pub async fn notice(
    state: web::Data<AppState>,
    me: CaseWorker,
    page: PageContext,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (case_id, decision_id) = path.into_inner();
    let cw = casework(&state).await?;
    let file = file::load(&cw, &me.actor, &case_id, state.now()).await?;
    let decision = file
        .decisions
        .iter()
        .find(|d| d.id == decision_id)
        .ok_or(AppError::NotFound)?;
    let lang = Lang::from_code(&file.row.lang).unwrap_or_default();
    let regime = file.facts.regime;
    // The letter is addressed by name, so printing it opens (and audits) the requester's details.
    let (_, party) = file::party(&cw, &me.actor, &case_id, state.now()).await?;
    let addressee = match (&party.agent, lang) {
        (Some(agent), Lang::Ja) => format!("{} 様（{} 様の代理人）", agent.name, party.person.name),
        (Some(agent), Lang::En) => format!("To {} (agent for {})", agent.name, party.person.name),
        (None, Lang::Ja) => format!("{} 様", party.person.name),
        (None, Lang::En) => format!("To {}", party.person.name),
    };
    let letter = NoticeLetter {
        addressee,
        back: format!("/staff/cases/{}", file.row.id),
        operator: lang
            .pick(&state.profile().label.ja, &state.profile().label.en)
            .to_string(),
        receipt_number: file.row.receipt_number.clone().unwrap_or_default(),
        issued_on: crate::domain::letters::letter_date(
            decision
                .issued_on
                .unwrap_or_else(|| crate::domain::deadline::jst_date(state.now())),
            state.profile().letters.date_style.value,
            lang == Lang::En,
        ),
        title: decision_text::title(file.facts.kind, decision.outcome, regime, lang),
        outcome: lang.pick(
            decision.outcome.label_ja(regime),
            decision.outcome.label_en(),
        ),
        text: decision.text.clone(),
        grounds: decision_text::ground_labels(&decision.grounds, lang),
        remedy: decision_text::remedy(
            regime,
            &state.profile().letters,
            lang,
            crate::domain::letters::remedy::Audience::Requester,
        ),
        draft: decision.status != DecisionStatus::Approved,
        page: page.with_staff(&me.staff.display_name),
    };
    render(StatusCode::OK, &letter)
}

fn awaiting_reply(state: &AppState, file: &file::CaseFile) -> Option<(String, Option<String>)> {
    if file.facts.state != crate::domain::state::CaseState::AwaitingRequester {
        return None;
    }
    let reply_by = file
        .pauses
        .iter()
        .rev()
        .find(|p| p.ended_on.is_none())
        .and_then(|p| p.reply_by)?;
    let dismissal = crate::domain::reminders::automatic_dismissal_on(
        reply_by,
        state.profile().auto_dismiss_office_days,
        &state.calendar(),
    );
    Some((reply_by.to_string(), dismissal.map(|d| d.to_string())))
}
