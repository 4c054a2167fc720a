//! The fee ledger of a case: invoices from the quote, payments, waivers and refunds.

use chrono::{DateTime, Utc};

use super::actions::{fire, lang_of, notice_to};
use super::{Casework, CaseworkError, StaffActor, corrupt, for_action, save_with_audit};
use crate::db::cases::CaseRow;
use crate::db::fees::{self, FeeEntryRow};
use crate::domain::event::Event;
use crate::domain::fees::{FeeItem, LedgerEntry, PaymentMethod};
use crate::domain::money::Yen;
use crate::service::lifecycle::AlsoWrite;

/// One ledger entry: invoice, payment, waiver or refund.
pub async fn record_fee(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case: (&str, i64),
    entry: LedgerEntry,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let row = for_action(cw.db, actor, case.0, case.1, now).await?;
    let id = uuid::Uuid::now_v7().to_string();
    let (kind, amount) = match &entry {
        LedgerEntry::Invoice { amount, .. } => ("invoice", *amount),
        LedgerEntry::Payment { amount, .. } => ("payment", *amount),
        LedgerEntry::Refund { amount, .. } => ("refund", *amount),
        LedgerEntry::Waiver { amount, .. } => ("waiver", *amount),
    };
    if !amount.is_positive() {
        return Err(CaseworkError::Invalid(vec![("amount", "positive")]));
    }
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
        entry: kind.to_string(),
        amount: amount.0,
        recorded_by: actor.label(),
        sealed_entry,
    };
    let mut write_entry: AlsoWrite = Box::new(move |conn, _| fees::insert(conn, &ledger_row));
    let action = match kind {
        "invoice" => "fee.invoiced",
        "payment" => "fee.payment_recorded",
        "waiver" => "fee.waived",
        _ => "fee.refunded",
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
            let event = Event::InvoiceFee { amount };
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
            let event = Event::RecordPayment { amount };
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
            let event = Event::WaiveFee { reason };
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
        LedgerEntry::Refund { .. } => {
            // A refund settles an overpayment; it does not move the case.
            let mut row = row;
            row.updated_at = now.naive_utc();
            let audit_row = actor.audit(now, action, &row.id);
            let case_id = row.id.clone();
            let existing = cw
                .db
                .read(move |conn| fees::for_case(conn, &case_id))
                .await?;
            let mut entries = crate::service::casework::file::open_ledger(cw, &existing)?;
            entries.push(entry_for_check(amount));
            if crate::domain::fees::FeeLedger::from_entries(&entries).is_err() {
                return Err(CaseworkError::Invalid(vec![("amount", "too_large")]));
            }
            Ok(cw
                .db
                .write(move |conn| {
                    write_entry(conn, &row)?;
                    save_with_audit(conn, &row, "fee_refunded", &audit_row)
                })
                .await?)
        }
    }
}

fn entry_for_check(amount: Yen) -> LedgerEntry {
    LedgerEntry::Refund {
        amount,
        reason: "check".into(),
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
        _ => return Err(CaseworkError::Invalid(vec![("entry", "choose")])),
    })
}
