//! Fee schedules for administrators: every schedule with the day it took (or takes) effect, and a
//! form, filled in from the schedule in force, to add one from a future day. A schedule not yet in
//! force may be withdrawn. Each schedule shows where its amounts come from; a built-in default not
//! yet confirmed is marked 「未確認」 with a one-click confirm (docs/fees.md §9).

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::actions::parse_yen;
use super::roles::Admin;
use crate::domain::deadline::jst_date;
use crate::domain::fee_schedules::MAX_YEN;
use crate::domain::fees::{
    Colour, FeeSchedule, FeeSource, KindFee, PageFee, PaperSize, PaymentMethod, Postage,
    page_label, schedule_in_force,
};
use crate::domain::kind::RequestKind;
use crate::domain::money::Yen;
use crate::i18n::Lang;
use crate::service::fee_schedules::ScheduleError;
use crate::service::intake::person::birth_date as parse_date;
use crate::web::AppState;
use crate::web::csrf::{CsrfForm, Posted};
use crate::web::error::AppError;
use crate::web::form::{FieldErrors, TypedValues, typed_values};
use crate::web::page::{PageContext, render};

/// The form adding a schedule, as posted. Its per-kind, per-page-rate and per-method fields are
/// named from the domain's lists (`kind_field`, `page_field`, `method_field`), so they are kept
/// by name in `per_item`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ScheduleForm {
    pub effective_from: String,
    pub disc_fee: String,
    /// `included` or `at_cost`.
    pub postage: String,
    pub postage_estimate: String,
    /// `1` when ticked.
    pub prepaid: String,
    #[serde(flatten)]
    pub per_item: BTreeMap<String, String>,
}

/// The form withdrawing a scheduled fee schedule, or confirming a built-in one: its day.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ScheduleDayForm {
    pub effective_from: String,
}

pub struct ScheduleView {
    pub effective_from: String,
    /// Catalogue key: in force, scheduled or superseded.
    pub status: &'static str,
    pub added: bool,
    pub withdrawable: bool,
    /// Where the amounts come from.
    pub source: String,
    /// A built-in default not yet confirmed: marked, with the confirm button.
    pub unconfirmed: bool,
    pub lines: Vec<(String, String)>,
}

/// One fee-bearing kind's two input fields.
pub struct KindRow {
    pub label: &'static str,
    pub standard: String,
    pub online: String,
}

#[derive(Template)]
#[template(path = "staff/admin_fees.html")]
struct FeesPage {
    page: PageContext,
    schedules: Vec<ScheduleView>,
    kinds: Vec<KindRow>,
    page_rates: Vec<(String, String)>,
    methods: Vec<(String, &'static str)>,
    errors: FieldErrors,
    typed: TypedValues,
    saved: Option<&'static str>,
}

impl FeesPage {
    pub fn typed<'a>(&'a self, field: &str) -> &'a str {
        self.typed.get(field).map_or("", String::as_str)
    }

    pub fn ticked(&self, field: &str) -> bool {
        self.typed(field) == "1"
    }
}

const PAGE_RATES: [(PaperSize, Colour); 4] = [
    (PaperSize::A4, Colour::Mono),
    (PaperSize::A4, Colour::Colour),
    (PaperSize::A3, Colour::Mono),
    (PaperSize::A3, Colour::Colour),
];

fn page_field(size: PaperSize, colour: Colour) -> String {
    format!("page_{}_{}", size.as_str(), colour.as_str())
}

fn kind_field(kind: RequestKind, which: &str) -> String {
    format!("fee_{}_{which}", kind.as_str())
}

fn method_field(method: PaymentMethod) -> String {
    format!("method_{}", method.as_str())
}

/// The kinds this operator offers that may carry a fee under its regime.
fn fee_kinds(state: &AppState) -> Vec<RequestKind> {
    let profile = &state.profile();
    profile
        .kinds_offered
        .iter()
        .copied()
        .filter(|k| profile.offers(*k) && k.may_carry_fee(profile.regime))
        .collect()
}

/// The form's fields filled in from `schedule` (a starting point for the next one).
fn fields_of(schedule: &FeeSchedule, kinds: &[RequestKind]) -> TypedValues {
    let mut out = TypedValues::new();
    for kind in kinds {
        if let Some(fee) = schedule.request_fees.iter().find(|f| f.kind == *kind) {
            out.insert(kind_field(*kind, "standard"), fee.standard.0.to_string());
            out.insert(kind_field(*kind, "online"), fee.online.0.to_string());
        }
    }
    for rate in &schedule.page_fees {
        out.insert(
            page_field(rate.size, rate.colour),
            rate.per_page.0.to_string(),
        );
    }
    out.insert("disc_fee".into(), schedule.disc_fee.0.to_string());
    match schedule.postage {
        Postage::Included => {
            out.insert("postage".into(), "included".into());
        }
        Postage::AtCost { estimate } => {
            out.insert("postage".into(), "at_cost".into());
            out.insert("postage_estimate".into(), estimate.0.to_string());
        }
    }
    for method in &schedule.payment_methods {
        out.insert(method_field(*method), "1".into());
    }
    if schedule.prepaid {
        out.insert("prepaid".into(), "1".into());
    }
    out
}

impl ScheduleForm {
    /// A field named from the domain's lists, trimmed ("" when absent).
    fn item(&self, name: &str) -> &str {
        self.per_item.get(name).map_or("", |v| v.trim())
    }

    /// The schedule for `kinds`; every problem is reported at once, next to its field.
    fn parse(&self, kinds: &[RequestKind]) -> Result<FeeSchedule, FieldErrors> {
        let mut errors = FieldErrors::default();
        let field = |name: &str| match name {
            "disc_fee" => self.disc_fee.trim(),
            "postage_estimate" => self.postage_estimate.trim(),
            generated => self.item(generated),
        };
        let effective_from = match self.effective_from.trim() {
            "" => {
                errors.add("effective_from", "required");
                None
            }
            raw => parse_date(raw).or_else(|| {
                errors.add("effective_from", "invalid");
                None
            }),
        };
        let mut yen = |name: &str, blank: Option<Yen>| -> Option<Yen> {
            let raw = field(name);
            if raw.is_empty() {
                if blank.is_none() {
                    errors.add_message(name, "field.yen.required");
                }
                return blank;
            }
            match parse_yen(raw) {
                Some(y) if y.0 < 0 => errors.add_message(name, "field.yen.invalid"),
                Some(y) if y > MAX_YEN => errors.add_message(name, "field.yen.too_large"),
                Some(y) => return Some(y),
                None => errors.add_message(name, "field.yen.invalid"),
            }
            None
        };
        let request_fees: Vec<KindFee> = kinds
            .iter()
            .filter_map(|kind| {
                let standard = yen(&kind_field(*kind, "standard"), Some(Yen::ZERO));
                let online = yen(&kind_field(*kind, "online"), Some(Yen::ZERO));
                Some(KindFee {
                    kind: *kind,
                    standard: standard?,
                    online: online?,
                })
            })
            .collect();
        // A blank page rate means copies of that size and colour are not offered.
        let page_fees: Vec<PageFee> = PAGE_RATES
            .iter()
            .filter(|(size, colour)| !field(&page_field(*size, *colour)).is_empty())
            .filter_map(|(size, colour)| {
                Some(PageFee {
                    size: *size,
                    colour: *colour,
                    per_page: yen(&page_field(*size, *colour), None)?,
                })
            })
            .collect();
        let disc_fee = yen("disc_fee", Some(Yen::ZERO));
        let postage = match self.postage.trim() {
            "at_cost" => yen("postage_estimate", None).map(|estimate| Postage::AtCost { estimate }),
            _ => Some(Postage::Included),
        };
        let payment_methods: Vec<PaymentMethod> = PaymentMethod::ALL
            .iter()
            .copied()
            .filter(|m| field(&method_field(*m)) == "1")
            .collect();
        match (effective_from, disc_fee, postage, errors.is_empty()) {
            (Some(effective_from), Some(disc_fee), Some(postage), true) => Ok(FeeSchedule {
                effective_from,
                request_fees,
                page_fees,
                disc_fee,
                postage,
                payment_methods,
                prepaid: self.prepaid.trim() == "1",
                // The service records who saved it; until then it is nobody's.
                source: FeeSource::ToConfirm,
            }),
            _ => Err(errors),
        }
    }
}

fn yen_text(lang: Lang, y: Yen) -> String {
    format!("{}{}", y.0, lang.t("common.yen"))
}

fn lines_of(lang: Lang, s: &FeeSchedule) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = s
        .request_fees
        .iter()
        .map(|f| {
            (
                format!(
                    "{} — {}",
                    lang.pick(f.kind.label_ja(), f.kind.label_en()),
                    lang.t("admin.fees.request_fee")
                ),
                format!(
                    "{} / {} {}",
                    yen_text(lang, f.standard),
                    lang.t("admin.fees.online"),
                    yen_text(lang, f.online)
                ),
            )
        })
        .collect();
    for rate in &s.page_fees {
        let label = page_label(rate.size, rate.colour);
        out.push((
            lang.pick(&label.ja, &label.en).to_string(),
            format!(
                "{} / {}",
                yen_text(lang, rate.per_page),
                lang.t("admin.fees.per_page")
            ),
        ));
    }
    out.push((lang.t("admin.fees.disc").into(), yen_text(lang, s.disc_fee)));
    out.push((
        lang.t("admin.fees.postage").into(),
        match s.postage {
            Postage::Included => lang.t("admin.fees.postage_included").into(),
            Postage::AtCost { estimate } => format!(
                "{}（{} {}）",
                lang.t("admin.fees.postage_at_cost"),
                lang.t("admin.fees.estimate"),
                yen_text(lang, estimate)
            ),
        },
    ));
    out.push((
        lang.t("admin.fees.methods").into(),
        s.payment_methods
            .iter()
            .map(|m| lang.t(&format!("payment.method.{}", m.as_str())))
            .collect::<Vec<_>>()
            .join("、"),
    ));
    out.push((
        lang.t("admin.fees.when").into(),
        lang.t(if s.prepaid {
            "admin.fees.prepaid"
        } else {
            "admin.fees.invoiced"
        })
        .into(),
    ));
    out
}

async fn fees_page(
    state: &AppState,
    me: &Admin,
    page: PageContext,
    (errors, typed, saved): (FieldErrors, Option<TypedValues>, Option<&'static str>),
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let today = jst_date(state.now());
    let known = state.fee_schedules.fresh(&state.db).await?;
    let kinds = fee_kinds(state);
    let in_force = schedule_in_force(&known.all, today).map(|s| s.effective_from);
    let schedules = known
        .all
        .iter()
        .rev()
        .map(|s| {
            let added = known
                .added
                .iter()
                .any(|a| a.effective_from == s.effective_from);
            ScheduleView {
                effective_from: s.effective_from.to_string(),
                status: if Some(s.effective_from) == in_force {
                    "admin.fees.in_force"
                } else if s.effective_from > today {
                    "admin.fees.scheduled"
                } else {
                    "admin.fees.superseded"
                },
                added,
                withdrawable: added && s.effective_from > today,
                source: {
                    let text = s.source.text();
                    lang.pick(&text.ja, &text.en).to_string()
                },
                unconfirmed: !s.source.is_confirmed(),
                lines: lines_of(lang, s),
            }
        })
        .collect();
    // The form starts from the schedule in force (or the latest one scheduled).
    let typed = typed.unwrap_or_else(|| {
        known
            .all
            .last()
            .map(|s| fields_of(s, &kinds))
            .unwrap_or_default()
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &FeesPage {
            schedules,
            kinds: kinds
                .iter()
                .map(|k| KindRow {
                    label: lang.pick(k.label_ja(), k.label_en()),
                    standard: kind_field(*k, "standard"),
                    online: kind_field(*k, "online"),
                })
                .collect(),
            page_rates: PAGE_RATES
                .iter()
                .map(|(size, colour)| {
                    let label = page_label(*size, *colour);
                    (
                        page_field(*size, *colour),
                        lang.pick(&label.ja, &label.en).to_string(),
                    )
                })
                .collect(),
            methods: PaymentMethod::ALL
                .iter()
                .map(|m| {
                    (
                        method_field(*m),
                        lang.t(&format!("payment.method.{}", m.as_str())),
                    )
                })
                .collect(),
            errors,
            typed,
            saved,
            page: page.with_staff(&me.staff.display_name),
        },
    )
}

pub async fn show(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    fees_page(&state, &me, page, (FieldErrors::default(), None, None)).await
}

pub async fn add(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
    CsrfForm(posted): CsrfForm<ScheduleForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let typed = typed_values(&form);
    if !fresh {
        let mut errors = FieldErrors::default();
        errors.add_general("field.csrf_expired");
        return fees_page(&state, &me, page, (errors, Some(typed), None)).await;
    }
    let schedule = match form.parse(&fee_kinds(&state)) {
        Ok(schedule) => schedule,
        Err(errors) => return fees_page(&state, &me, page, (errors, Some(typed), None)).await,
    };
    let actor = (me.staff.id.as_str(), me.staff.role.as_str());
    match state
        .fee_schedules
        .add(&state.db, schedule, actor, state.now())
        .await
    {
        Ok(()) => {
            fees_page(
                &state,
                &me,
                page,
                (FieldErrors::default(), None, Some("admin.fees.added")),
            )
            .await
        }
        Err(ScheduleError::Invalid(problems)) => {
            let mut errors = FieldErrors::default();
            for (field, problem) in problems {
                errors.add(field, problem.code());
            }
            fees_page(&state, &me, page, (errors, Some(typed), None)).await
        }
        Err(ScheduleError::NotWithdrawable | ScheduleError::NotConfirmable) => {
            Err(AppError::NotFound)
        }
        Err(ScheduleError::Db(e)) => Err(e.into()),
    }
}

pub async fn withdraw(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
    CsrfForm(posted): CsrfForm<ScheduleDayForm>,
) -> Result<HttpResponse, AppError> {
    on_schedule_day(&state, &me, page, posted, DayAction::Withdraw).await
}

pub async fn confirm(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
    CsrfForm(posted): CsrfForm<ScheduleDayForm>,
) -> Result<HttpResponse, AppError> {
    on_schedule_day(&state, &me, page, posted, DayAction::Confirm).await
}

/// What an administrator does to the schedule that takes effect on a day.
#[derive(Clone, Copy)]
enum DayAction {
    /// Withdraw a schedule not yet in force.
    Withdraw,
    /// Confirm a built-in default's amounts.
    Confirm,
}

async fn on_schedule_day(
    state: &AppState,
    me: &Admin,
    page: PageContext,
    posted: Posted<ScheduleDayForm>,
    action: DayAction,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    if !fresh {
        let mut errors = FieldErrors::default();
        errors.add_general("field.csrf_expired");
        return fees_page(state, me, page, (errors, None, None)).await;
    }
    let Some(day) = parse_date(&form.effective_from) else {
        return Err(AppError::NotFound);
    };
    let actor = (me.staff.id.as_str(), me.staff.role.as_str());
    let (done, refused) = match action {
        DayAction::Withdraw => ("admin.fees.withdrawn", "admin.fees.not_withdrawable"),
        DayAction::Confirm => ("admin.fees.confirmed", "admin.fees.not_confirmable"),
    };
    let outcome = match action {
        DayAction::Withdraw => {
            state
                .fee_schedules
                .withdraw(&state.db, day, actor, state.now())
                .await
        }
        DayAction::Confirm => {
            state
                .fee_schedules
                .confirm(&state.db, day, actor, state.now())
                .await
        }
    };
    match outcome {
        Ok(()) => fees_page(state, me, page, (FieldErrors::default(), None, Some(done))).await,
        Err(ScheduleError::Db(e)) => Err(e.into()),
        // Withdraw: already in force, never added, or withdrawn by someone else meanwhile.
        // Confirm: confirmed already (perhaps by someone else meanwhile), or not a default.
        Err(_) => {
            let mut errors = FieldErrors::default();
            errors.add_general(refused);
            fees_page(state, me, page, (errors, None, None)).await
        }
    }
}
