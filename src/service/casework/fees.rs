//! The fee ledger of a case: invoices from the quote, payments, waivers, refunds and reversals.

use chrono::{DateTime, Utc};

use super::actions::{fire, lang_of, notice_to};
use super::file::open_ledger;
use super::{Casework, CaseworkError, StaffActor, corrupt, for_action, save_with_audit};
use crate::db::cases::CaseRow;
use crate::db::fees::{self, FeeEntryRow};
use crate::domain::event::Event;
use crate::domain::fees::{FeeError, FeeItem, FeeLedger, LedgerEntry, PaymentMethod};
use crate::domain::money::Yen;
use crate::service::case_record::{facts_json, parse_facts};
use crate::service::lifecycle::AlsoWrite;

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
    };
    CaseworkError::Invalid(vec![(field, code)])
}

/// Records one ledger entry: invoice, payment, waiver, refund or reversal. The ledger, with the
/// case's earlier entries, decides whether it may be recorded and where the fee then stands; the
/// case's facts take that status and nothing else (docs/fees.md §6). `confirmed`: the clerk
/// confirmed a payment beyond what is owed.
pub async fn record_fee(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case: (&str, i64),
    entry: LedgerEntry,
    confirmed: bool,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let row = for_action(cw.db, actor, case.0, case.1, now).await?;
    let case_id = row.id.clone();
    let existing = cw
        .db
        .read(move |conn| fees::for_case(conn, &case_id))
        .await?;
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
    };
    let mut write_entry: AlsoWrite = crate::service::letters::with_fee_letter(
        cw,
        actor,
        &entry,
        now,
        Box::new(move |conn, _| fees::insert(conn, &ledger_row)),
    );
    let (action, event_name) = match &entry {
        LedgerEntry::Invoice { .. } => ("fee.invoiced", "invoice_fee"),
        LedgerEntry::Payment { .. } => ("fee.payment_recorded", "record_payment"),
        LedgerEntry::Waiver { .. } => ("fee.waived", "waive_fee"),
        LedgerEntry::Refund { .. } => ("fee.refunded", "fee_refunded"),
        LedgerEntry::Reversal { .. } => ("fee.reversed", "fee_reversed"),
    };
    match entry {
        LedgerEntry::Invoice { amount, .. } => {
            let detail = format!("{}: {} 円 / JPY", lang_of(&row).t("fee.amount"), amount.0);
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
            fire(
                cw,
                actor,
                row,
                event,
                action,
                (Some(notice), None, Some(write_entry)),
                now,
            )
            .await
        }
        LedgerEntry::Payment { amount, .. } => {
            let event = Event::RecordPayment { amount, fee_after };
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
