//! The fee ledger of a case: invoices from the quote, payments, waivers, refunds and reversals.

use chrono::{DateTime, NaiveDate, Utc};

use super::actions::{fire, fire_with_letter, lang_of, notice_to};
use super::file::open_ledger;
use super::{Casework, CaseworkError, StaffActor, corrupt, open_case, save_with_audit};
use crate::db::audit::{self, AuditEvent};
use crate::db::cases::CaseRow;
use crate::db::fees::{self, FeeEntryRow};
use crate::db::{DbConnection, DbError};
use crate::domain::channel::RequestChannel;
use crate::domain::deadline::jst_date;
use crate::domain::delivery::DeliveryMethod;
use crate::domain::event::Event;
use crate::domain::fees::{
    FeeError, FeeItem, FeeSchedule, PageCount, PaymentMethod, QuoteRequest, quote_copies,
    schedule_in_force,
};
use crate::domain::kind::RequestKind;
use crate::domain::ledger::check_value_date;
use crate::domain::ledger::{FeeLedger, LedgerEntry, request_fee_at_receipt};
use crate::domain::lifecycle::FeeStatus;
use crate::domain::money::Yen;
use crate::domain::regime::Regime;
use crate::domain::state::CaseState;
use crate::service::case_record::{SealedContent, append_event, open_json};
use crate::service::case_record::{facts_json, parse_facts};
use crate::service::lifecycle::AlsoWrite;
use crate::service::notices;
use crate::storage::crypto::{CryptoError, MasterKey};

/// Why the ledger refuses an entry, as the form's field and message code.
fn refused(error: FeeError) -> CaseworkError {
    let (field, code) = match error {
        FeeError::NonPositiveAmount => ("amount", "positive"),
        FeeError::AmountTooLarge { .. } => ("amount", "too_large"),
        FeeError::BeyondOwed { .. } => ("amount", "beyond_owed"),
        FeeError::WaiverExceedsOwed { .. } => ("amount", "waiver_beyond_owed"),
        FeeError::RefundExceedsOverpayment { .. } => ("amount", "refund_beyond_overpaid"),
        FeeError::ReversalExceedsEntries { .. } => ("amount", "reversal_beyond_entries"),
        FeeError::ReasonRequired => ("reason", "required"),
        FeeError::NoScheduleInForce { .. } | FeeError::NoPageRate { .. } => ("amount", "invalid"),
        FeeError::ValueDateInFuture { .. } => ("received_on", "future"),
        FeeError::ValueDateBeforeReceipt { .. } => ("received_on", "before_receipt"),
        FeeError::LedgerChanged => return CaseworkError::LedgerChanged,
    };
    CaseworkError::Invalid(vec![(field, code)])
}

/// One ledger entry as a clerk submits it.
#[derive(Debug, Clone)]
pub struct FeeInput {
    pub entry: LedgerEntry,
    /// The clerk confirmed a payment beyond what is owed.
    pub confirmed: bool,
    /// The day the money arrived (a payment) or was paid out (a refund); `None`: today.
    pub value_date: Option<NaiveDate>,
    /// How many ledger entries the form was drawn with: a form drawn before someone else's entry
    /// is refused, so one payment is never recorded twice by two clerks.
    pub seen_entries: Option<usize>,
}

impl FeeInput {
    pub fn new(entry: LedgerEntry) -> FeeInput {
        FeeInput {
            entry,
            confirmed: false,
            value_date: None,
            seen_entries: None,
        }
    }
}

/// Records one ledger entry: invoice, payment, waiver, refund or reversal. The ledger, with the
/// case's earlier entries, decides whether it may be recorded and where the fee then stands; the
/// case's facts take that status and nothing else (docs/fees.md §6). A payment or refund is
/// dated the day the money moved; a day before today is audited as back-dated.
pub async fn record_fee(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case: (&str, i64),
    input: FeeInput,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let FeeInput {
        entry,
        confirmed,
        value_date,
        seen_entries,
    } = input;
    let row = open_case(cw.db, actor, case.0, now).await?;
    let case_id = row.id.clone();
    let existing = cw
        .db
        .read(move |conn| fees::for_case(conn, &case_id))
        .await?;
    // The ledger is checked before the case's version: two clerks recording the same payment
    // from one drawn page are told that an entry was recorded meanwhile, not just "changed".
    if seen_entries.is_some_and(|seen| seen != existing.len()) {
        return Err(refused(FeeError::LedgerChanged));
    }
    if row.version != case.1 {
        return Err(CaseworkError::Conflict);
    }
    let today = jst_date(now);
    let value_date = match &entry {
        LedgerEntry::Payment { .. } | LedgerEntry::Refund { .. } => value_date.unwrap_or(today),
        _ => today,
    };
    let received = row.received_at.map(|at| jst_date(at.and_utc()));
    check_value_date(value_date, today, received).map_err(refused)?;
    let before = FeeLedger::from_entries(&open_ledger(cw, &existing)?).map_err(corrupt)?;
    let after = before.admit(&entry, confirmed).map_err(refused)?;
    let fee_after = after.status;
    let id = uuid::Uuid::now_v7().to_string();
    let amount = entry.amount();
    // A reversal's row names what it takes back, so yearly figures can net it unopened.
    let kind = match &entry {
        LedgerEntry::Reversal { of, .. } => format!("reversal_{}", of.as_str()),
        other => other.kind_name().to_string(),
    };
    let sealed_entry = cw
        .desk
        .master
        .seal_value(
            &format!("fee:{id}"),
            &serde_json::to_vec(&entry).map_err(corrupt)?,
        )
        .map_err(corrupt)?;
    let ledger_row = FeeEntryRow {
        id,
        case_id: row.id.clone(),
        at: now.naive_utc(),
        entry: kind.clone(),
        amount: amount.0,
        recorded_by: actor.label(),
        sealed_entry,
        value_date: Some(value_date),
    };
    // Back-dating is audited with both days (no amount, no name: the ledger holds those).
    let backdated = (value_date < today).then(|| {
        actor
            .audit(now, "fee.backdated", &row.id)
            .target(format!("{kind} received:{value_date} typed:{today}"))
    });
    let mut write_entry: AlsoWrite = Box::new(move |conn, _| {
        fees::insert(conn, &ledger_row)?;
        match &backdated {
            Some(event) => audit::append(conn, event),
            None => Ok(()),
        }
    });
    // An invoice or a receipt of payment, issued with the entry (docs/notices.md §5).
    let fee_letter = crate::service::letters::fee_stage(&cw.desk.profile, &entry, now)
        .map(|stage| super::actions::letter(cw, actor, move |_| stage.clone()));
    let (action, event_name) = match &entry {
        LedgerEntry::Invoice { .. } => ("fee.invoiced", "invoice_fee"),
        LedgerEntry::Payment { .. } => ("fee.payment_recorded", "record_payment"),
        LedgerEntry::Waiver { .. } => ("fee.waived", "waive_fee"),
        LedgerEntry::Refund { .. } => ("fee.refunded", "fee_refunded"),
        LedgerEntry::Reversal { .. } => ("fee.reversed", "fee_reversed"),
    };
    match entry {
        LedgerEntry::Invoice { amount, .. } => {
            let received = row.received_at.map_or(today, |at| jst_date(at.and_utc()));
            let schedules = cw.schedules().await?;
            let methods = schedule_in_force(&schedules, received)
                .map(|s| s.payment_methods.clone())
                .unwrap_or_default();
            let detail = notices::fee_due(
                lang_of(&row),
                amount,
                &methods,
                &cw.desk.profile.office.payment,
            );
            let notice = notice_to(
                cw,
                &row,
                "fee_invoiced",
                (
                    "手数料のお支払いをお願いします。金額とお支払い方法は確認用ページに記載しています。",
                    "Please pay the fee. The amount and the ways to pay are on your request's page.",
                ),
                &detail,
            )
            .await?;
            let event = Event::InvoiceFee { amount, fee_after };
            let parts = (Some(notice), None, Some(write_entry));
            fire_with_letter(cw, actor, (row, event, action), parts, fee_letter, now).await
        }
        LedgerEntry::Payment { amount, .. } => {
            let event = Event::RecordPayment { amount, fee_after };
            let parts = (None, None, Some(write_entry));
            fire_with_letter(cw, actor, (row, event, action), parts, fee_letter, now).await
        }
        LedgerEntry::Waiver { reason, .. } => {
            let event = Event::WaiveFee { reason, fee_after };
            fire(
                cw,
                actor,
                row,
                event,
                action,
                (None, None, Some(write_entry)),
                now,
            )
            .await
        }
        LedgerEntry::Refund { .. } | LedgerEntry::Reversal { .. } => {
            // Neither moves the case through its states; the fee's status follows the ledger.
            let mut facts = parse_facts(&row).map_err(corrupt)?;
            facts.fee = fee_after;
            let mut row = row;
            row.facts = facts_json(&facts).map_err(corrupt)?;
            row.updated_at = now.naive_utc();
            let audit_row = actor.audit(now, action, &row.id);
            Ok(cw
                .db
                .write(move |conn| {
                    write_entry(conn, &row)?;
                    save_with_audit(conn, &row, event_name, &audit_row)
                })
                .await?)
        }
    }
}

/// Builds the ledger entry a form describes.
pub fn ledger_entry(
    kind: &str,
    amount: Yen,
    method: Option<PaymentMethod>,
    reference: &str,
    reason: &str,
) -> Result<LedgerEntry, CaseworkError> {
    let reason_required = || CaseworkError::Invalid(vec![("reason", "required")]);
    Ok(match kind {
        "invoice" => LedgerEntry::Invoice {
            amount,
            item: FeeItem::RequestFee,
        },
        "copy_fee" => LedgerEntry::Invoice {
            amount,
            item: FeeItem::CopyPages,
        },
        "payment" => LedgerEntry::Payment {
            amount,
            method: method.ok_or(CaseworkError::Invalid(vec![("method", "choose")]))?,
            reference: reference.trim().to_string(),
        },
        "waiver" if reason.trim().is_empty() => return Err(reason_required()),
        "waiver" => LedgerEntry::Waiver {
            amount,
            reason: reason.trim().to_string(),
        },
        "refund" if reason.trim().is_empty() => return Err(reason_required()),
        "refund" => LedgerEntry::Refund {
            amount,
            reason: reason.trim().to_string(),
        },
        reversal if reversal.starts_with("reversal_") && reason.trim().is_empty() => {
            return Err(reason_required());
        }
        reversal if reversal.starts_with("reversal_") => LedgerEntry::Reversal {
            of: reversal
                .trim_start_matches("reversal_")
                .parse()
                .map_err(|()| CaseworkError::Invalid(vec![("entry", "choose")]))?,
            amount,
            reason: reason.trim().to_string(),
        },
        _ => return Err(CaseworkError::Invalid(vec![("entry", "choose")])),
    })
}

/// The request fee charged when a case is received (online submission confirmed, paper
/// entered), written by the receipt's own transaction and audited as the system.
pub struct ReceiptInvoice {
    row: FeeEntryRow,
    audit: AuditEvent,
    /// Where the fee stands once it is charged.
    pub status: FeeStatus,
    pub amount: Yen,
    /// The ways to pay of the schedule that priced it.
    pub methods: Vec<PaymentMethod>,
}

impl ReceiptInvoice {
    /// The charge for `case_id` received at `now`, or `None` when the request costs nothing.
    /// Its ledger row's id is the case's own, so a second attempt to charge it at receipt fails
    /// with the receipt (a unique key), never charging twice.
    pub fn prepare(
        master: &MasterKey,
        schedules: &[FeeSchedule],
        (regime, kind, online): (Regime, RequestKind, bool),
        case_id: &str,
        now: DateTime<Utc>,
        received_on: NaiveDate,
    ) -> Result<Option<ReceiptInvoice>, CryptoError> {
        let Some(entry) = request_fee_at_receipt(regime, schedules, kind, online, received_on)
        else {
            return Ok(None);
        };
        let status = match FeeLedger::from_entries(std::slice::from_ref(&entry)) {
            Ok(ledger) => ledger.status,
            Err(_) => return Ok(None),
        };
        let id = format!("{case_id}.request_fee");
        let sealed_entry = master.seal_value(
            &format!("fee:{id}"),
            &serde_json::to_vec(&entry).unwrap_or_default(),
        )?;
        let row = FeeEntryRow {
            id,
            case_id: case_id.to_string(),
            at: now.naive_utc(),
            entry: entry.kind_name().to_string(),
            amount: entry.amount().0,
            recorded_by: "system".into(),
            sealed_entry,
            value_date: Some(received_on),
        };
        let audit = AuditEvent::new(now.naive_utc(), "system", "fee.invoiced")
            .case(case_id)
            .target(format!("request_fee at receipt, schedule of {received_on}"));
        let methods = schedule_in_force(schedules, received_on)
            .map(|s| s.payment_methods.clone())
            .unwrap_or_default();
        Ok(Some(ReceiptInvoice {
            amount: entry.amount(),
            row,
            audit,
            status,
            methods,
        }))
    }

    /// Writes the charge, its timeline entry and its audit record.
    pub fn write(&self, conn: &mut DbConnection, state: CaseState) -> Result<(), DbError> {
        fees::insert(conn, &self.row)?;
        append_event(
            conn,
            &self.row.case_id,
            self.row.at.and_utc(),
            "system",
            "invoice_fee",
            Some(state),
            state,
        )?;
        audit::append(conn, &self.audit)
    }
}

/// What a disclosure decided on is handed over as, counted by the clerk before delivery.
#[derive(Debug, Clone, Default)]
pub struct CopyOrder {
    pub pages: Vec<PageCount>,
    pub discs: u32,
    /// The actual postage once known; otherwise the schedule's estimate.
    pub postage: Option<Yen>,
    /// How many ledger entries the form was drawn with.
    pub seen_entries: Option<usize>,
}

/// Charges the copies, discs and postage of a decided disclosure, itemised by the domain's quote
/// (the schedule in force on the day of receipt), one ledger charge per line, in one
/// transaction. Delivery then waits for them to be paid (docs/fees.md §7).
pub async fn invoice_copies(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case: (&str, i64),
    order: CopyOrder,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let row = open_case(cw.db, actor, case.0, now).await?;
    let case_id = row.id.clone();
    let existing = cw
        .db
        .read(move |conn| fees::for_case(conn, &case_id))
        .await?;
    if order
        .seen_entries
        .is_some_and(|seen| seen != existing.len())
    {
        return Err(refused(FeeError::LedgerChanged));
    }
    if row.version != case.1 {
        return Err(CaseworkError::Conflict);
    }
    let facts = crate::service::case_record::parse_facts(&row).map_err(corrupt)?;
    let content: SealedContent = {
        let id = row.id.clone();
        let sealed = cw
            .db
            .read(move |conn| crate::db::cases::sealed_content(conn, &id))
            .await?;
        open_json(cw.desk.master, &format!("content:{}", row.id), &sealed).map_err(corrupt)?
    };
    let received = row
        .received_at
        .map_or_else(|| jst_date(now), |at| jst_date(at.and_utc()));
    let request = QuoteRequest {
        kind: facts.kind,
        delivery: facts
            .delivery_method
            .or(content.delivery)
            .unwrap_or(DeliveryMethod::Counter),
        pages: order.pages.into_iter().filter(|p| p.pages > 0).collect(),
        discs: order.discs,
        online: row.channel == RequestChannel::Online,
        date: received,
        postage: order.postage,
    };
    let schedules = cw.schedules().await?;
    let quote = quote_copies(facts.regime, &schedules, &request).map_err(|e| match e {
        FeeError::NoPageRate { .. } => CaseworkError::Invalid(vec![("pages", "no_rate")]),
        other => refused(other),
    })?;
    if quote.lines.is_empty() {
        return Err(CaseworkError::Invalid(vec![("pages", "nothing_to_charge")]));
    }
    let mut ledger = FeeLedger::from_entries(&open_ledger(cw, &existing)?).map_err(corrupt)?;
    let mut rows = Vec::new();
    for line in &quote.lines {
        let entry = LedgerEntry::Invoice {
            amount: line.amount_yen,
            item: line.item,
        };
        ledger = ledger.admit(&entry, false).map_err(refused)?;
        let id = uuid::Uuid::now_v7().to_string();
        let sealed_entry = cw
            .desk
            .master
            .seal_value(
                &format!("fee:{id}"),
                &serde_json::to_vec(&entry).map_err(corrupt)?,
            )
            .map_err(corrupt)?;
        rows.push(FeeEntryRow {
            id,
            case_id: row.id.clone(),
            at: now.naive_utc(),
            entry: entry.kind_name().to_string(),
            amount: line.amount_yen.0,
            recorded_by: actor.label(),
            sealed_entry,
            value_date: Some(jst_date(now)),
        });
    }
    let lang = lang_of(&row);
    let detail = quote
        .lines
        .iter()
        .map(|l| {
            format!(
                "{} × {}: {}",
                lang.pick(&l.label.ja, &l.label.en),
                l.quantity,
                l.amount_yen
            )
        })
        .chain(std::iter::once(format!(
            "{}: {}",
            lang.pick("合計", "Total"),
            quote.total_yen
        )))
        .chain(std::iter::once(notices::fee_due(
            lang,
            quote.total_yen,
            &schedule_in_force(&schedules, received)
                .map(|s| s.payment_methods.clone())
                .unwrap_or_default(),
            &cw.desk.profile.office.payment,
        )))
        .collect::<Vec<_>>()
        .join("\n");
    let notice = notice_to(
        cw,
        &row,
        "fee_invoiced",
        (
            "写しの交付に要する費用のお支払いをお願いします。お支払いを確認してから交付（発送）します。",
            "Please pay for the copies. They are handed over (sent) once the payment has arrived.",
        ),
        &detail,
    )
    .await?;
    let write_rows: AlsoWrite = Box::new(move |conn, _| {
        for r in &rows {
            fees::insert(conn, r)?;
        }
        Ok(())
    });
    let event = Event::InvoiceFee {
        amount: quote.total_yen,
        fee_after: ledger.status,
    };
    // The invoice for the copies is an official letter like the request fee's (docs/notices.md
    // §5): the total, then each line as the quote priced it.
    let total = LedgerEntry::Invoice {
        amount: quote.total_yen,
        item: FeeItem::CopyPages,
    };
    let letter =
        crate::service::letters::fee_stage(&cw.desk.profile, &total, now).map(|mut stage| {
            stage.particulars.extend(quote.lines.iter().map(|l| {
                (
                    l.label.clone(),
                    crate::domain::text::Bilingual::owned(
                        format!("{}円 × {}：{}円", l.unit_yen.0, l.quantity, l.amount_yen.0),
                        format!(
                            "JPY {} × {}: JPY {}",
                            l.unit_yen.0, l.quantity, l.amount_yen.0
                        ),
                    ),
                )
            }));
            super::actions::letter(cw, actor, move |_| stage.clone())
        });
    fire_with_letter(
        cw,
        actor,
        (row, event, "fee.copies_invoiced"),
        (Some(notice), None, Some(write_rows)),
        letter,
        now,
    )
    .await
}
