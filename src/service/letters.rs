//! Issuing official letters: each stage's service calls [`issue`] inside its own transaction, so
//! the step and its letter are written together or not at all. The letter is numbered from the
//! per-fiscal-year counter, composed from the case and the operator's settings, frozen and sealed
//! (it holds the requester's name). An English requester's letter is kept with its Japanese text,
//! the authoritative one.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::db::cases::{self, CaseRow};
use crate::db::letters::{self as rows, LetterRow};
use crate::db::{Db, DbConnection, DbError};
use crate::domain::deadline::jst_date;
use crate::domain::letters::dates::fiscal_year;
use crate::domain::letters::{
    LetterContent, LetterDraft, LetterKind, Sender, compose, letter_date,
};
use crate::domain::profile::OperatorProfile;
use crate::domain::text::Bilingual;
use crate::service::case_record::{SealedParty, open_json, parse_facts};
use crate::storage::crypto::MasterKey;

/// The one numbering series: every letter of the operator counts in it.
pub const SERIES: &str = "letters";

/// What issues letters within a transaction: the key that seals them, the profile that words
/// them, and who issues them.
pub struct Issuer {
    master: MasterKey,
    profile: Arc<OperatorProfile>,
    issued_by: String,
}

impl Issuer {
    pub fn new(master: &MasterKey, profile: Arc<OperatorProfile>, issued_by: String) -> Issuer {
        Issuer {
            master: master.clone_key(),
            profile,
            issued_by,
        }
    }
}

/// One stage's letter: its kind, its words and its particulars (dates, reasons, amounts).
#[derive(Debug, Clone)]
pub struct Stage {
    pub kind: LetterKind,
    pub body: Bilingual,
    pub particulars: Vec<(Bilingual, Bilingual)>,
}

/// A letter as stored: the requester's language first, then the Japanese text where that is
/// another.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Frozen {
    pub texts: Vec<LetterContent>,
}

fn corrupt(e: impl std::fmt::Display) -> DbError {
    DbError::Unavailable(format!("letter not issued: {e}"))
}

fn sealing_id(id: &str) -> String {
    format!("letter:{id}")
}

/// The sender as this operator's letters print it: the 実施機関 (or the business) once
/// confirmed, else the operator's name as its pages show it, and the representative where one
/// is confirmed.
pub fn sender_of(profile: &OperatorProfile) -> Sender {
    Sender {
        organisation: profile
            .office
            .organisation
            .public()
            .cloned()
            .unwrap_or_else(|| profile.label.clone()),
        representative: profile.office.representative.public().cloned().flatten(),
        seal_omitted: profile.letters.seal_omitted.value,
    }
}

/// The complaint contact of a private operator's letters: the one set for letters, else the
/// help desk, else the operator itself (its name is public on every page).
pub fn complaint_contact_of(profile: &OperatorProfile) -> Bilingual {
    profile
        .letters
        .complaint_contact
        .public()
        .cloned()
        .flatten()
        .or_else(|| profile.office.contact.desk.public().cloned())
        .unwrap_or_else(|| profile.label.clone())
}

/// A date as particulars print it in both languages.
pub fn date_value(profile: &OperatorProfile, date: NaiveDate) -> Bilingual {
    let style = profile.letters.date_style.value;
    Bilingual::owned(
        letter_date(date, style, false),
        letter_date(date, style, true),
    )
}

/// A letter just issued: what a mail about it names, and where it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub id: String,
    pub number: String,
    /// The title in the language the letter was sent in.
    pub title: String,
}

/// Who a letter is addressed to: the requester, or (Art. 86(3)) a third party by the name
/// staff recorded, in Japanese.
pub enum Addressee {
    Requester,
    ThirdParty(String),
}

/// Issues `stage`'s letter to the requester of `case` in the caller's transaction.
pub fn issue(
    conn: &mut DbConnection,
    issuer: &Issuer,
    case: &CaseRow,
    stage: &Stage,
    now: DateTime<Utc>,
) -> Result<Issued, DbError> {
    issue_to(conn, issuer, case, stage, Addressee::Requester, now)
}

/// Issues `stage`'s letter on `case` to `to` in the caller's transaction.
pub fn issue_to(
    conn: &mut DbConnection,
    issuer: &Issuer,
    case: &CaseRow,
    stage: &Stage,
    to: Addressee,
    now: DateTime<Utc>,
) -> Result<Issued, DbError> {
    let profile = &issuer.profile;
    let facts = parse_facts(case).map_err(corrupt)?;
    let (name, english) = match to {
        Addressee::Requester => {
            let sealed_party = cases::sealed_party(conn, &case.id)?;
            let party: SealedParty =
                open_json(&issuer.master, &format!("party:{}", case.id), &sealed_party)
                    .map_err(corrupt)?;
            (party.person.name, case.lang == "en")
        }
        Addressee::ThirdParty(name) => (name, false),
    };
    let issued_on = jst_date(now);
    let fy = fiscal_year(issued_on);
    let seq = rows::next_seq(conn, SERIES, fy)?;
    let settings = &profile.letters;
    let number = settings
        .number_format
        .value
        .number(seq, issued_on, settings.date_style.value);
    let sender = sender_of(profile);
    let contact = complaint_contact_of(profile);
    let draft = |english: bool| LetterDraft {
        kind: stage.kind,
        request: facts.kind,
        regime: facts.regime,
        english,
        number: number.clone(),
        issued_on,
        addressee: &name,
        sender: &sender,
        body: stage.body.clone(),
        particulars: stage.particulars.clone(),
        complaint_contact: Some(&contact),
    };
    let mut texts = vec![compose(&draft(english), settings)];
    let (list_title, list_date) = (texts[0].title.clone(), texts[0].date.clone());
    if english {
        texts.push(compose(&draft(false), settings));
    }
    let id = uuid::Uuid::now_v7().to_string();
    let title = texts[0].title.clone();
    let json = serde_json::to_vec(&Frozen { texts }).map_err(corrupt)?;
    let sealed_content = issuer
        .master
        .seal_value(&sealing_id(&id), &json)
        .map_err(corrupt)?;
    rows::insert(
        conn,
        &LetterRow {
            id: id.clone(),
            case_id: case.id.clone(),
            kind: stage.kind.code(),
            series: SERIES.to_string(),
            fiscal_year: fy,
            seq,
            number: number.clone(),
            issued_on,
            lang: if english { "en" } else { "ja" }.to_string(),
            sealed_content,
            issued_by: issuer.issued_by.clone(),
            issued_at: now.naive_utc(),
            list_title,
            list_date,
        },
    )?;
    Ok(Issued { id, number, title })
}

/// A private link to `issued` for the mail that names it: the requester's other links are not
/// known (only their digests are kept), so a new one is added to the case, as a look-up adds one
/// (docs/security.md §5); the requester ends it from the case page like any other.
pub fn private_link(
    conn: &mut DbConnection,
    case_id: &str,
    public_url: &str,
    issued: &Issued,
    now: DateTime<Utc>,
) -> Result<String, DbError> {
    let token = crate::auth::token::case_link(case_id);
    crate::db::case_links::add(
        conn,
        case_id,
        &crate::auth::token::digest(&token),
        now.naive_utc(),
    )?;
    Ok(format!("{public_url}/case/{token}/letters/{}", issued.id))
}

/// A letter in a case's list: what the requester and staff see before opening it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub id: String,
    pub number: String,
    pub issued_on: NaiveDate,
    pub title: String,
    pub date: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    #[error("no such letter")]
    NotFound,
    #[error("stored letter unreadable")]
    Corrupt,
    #[error(transparent)]
    Db(#[from] DbError),
}

fn open_sealed(master: &MasterKey, id: &str, sealed: &[u8]) -> Result<Frozen, LetterError> {
    let json = master
        .open_value(&sealing_id(id), sealed)
        .map_err(|_| LetterError::Corrupt)?;
    serde_json::from_slice(&json).map_err(|_| LetterError::Corrupt)
}

/// Every letter sent on a case, oldest first, titled in the language it was sent in.
pub async fn list(db: &Db, master: &MasterKey, case_id: &str) -> Result<Vec<Listed>, LetterError> {
    let id = case_id.to_string();
    let found = db.read(move |conn| rows::list_for_case(conn, &id)).await?;
    listed(master, found)
}

/// Whether the requester's pages show the letter: all but the notice to an objecting third
/// party, which names that party.
pub fn addressed_to_requester(kind: &str) -> bool {
    LetterKind::parse(kind).is_none_or(LetterKind::for_requester)
}

/// Who opens a letter: the requester sees only what is addressed to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Requester,
    Staff,
}

/// One letter of a case as sent: in the language it was sent in, or its Japanese text when
/// `japanese` is asked for.
pub async fn open(
    db: &Db,
    master: &MasterKey,
    (case_id, letter_id): (&str, &str),
    reader: Reader,
    japanese: bool,
) -> Result<LetterContent, LetterError> {
    let (case, letter) = (case_id.to_string(), letter_id.to_string());
    let row = db
        .read(move |conn| rows::find(conn, &case, &letter))
        .await?
        .filter(|row| reader == Reader::Staff || addressed_to_requester(&row.kind))
        .ok_or(LetterError::NotFound)?;
    let mut frozen = open_sealed(master, &row.id, &row.sealed_content)?;
    let at = if japanese {
        frozen
            .texts
            .iter()
            .position(|t| t.lang == "ja")
            .unwrap_or(0)
    } else {
        0
    };
    if at < frozen.texts.len() {
        Ok(frozen.texts.swap_remove(at))
    } else {
        Err(LetterError::Corrupt)
    }
}

/// The listed letters of a case (rows read by the caller's query); a letter issued before the
/// list columns is titled from its sealed text.
pub fn listed(master: &MasterKey, found: Vec<rows::ListedRow>) -> Result<Vec<Listed>, LetterError> {
    found
        .into_iter()
        .map(|row| {
            let (title, date) = match &row.sealed_content {
                Some(sealed) => {
                    let frozen = open_sealed(master, &row.id, sealed)?;
                    let first = frozen
                        .texts
                        .into_iter()
                        .next()
                        .ok_or(LetterError::Corrupt)?;
                    (first.title, first.date)
                }
                None => (row.list_title, row.list_date),
            };
            Ok(Listed {
                id: row.id,
                number: row.number,
                issued_on: row.issued_on,
                title,
                date,
            })
        })
        .collect()
}

/// The receipt letter: the receipt number, the day received and the decision deadline.
pub fn receipt_stage(
    profile: &OperatorProfile,
    number: &str,
    received_on: NaiveDate,
    due_on: Option<NaiveDate>,
) -> Stage {
    let mut particulars = vec![
        (
            Bilingual::fixed("受付番号", "Receipt number"),
            Bilingual::owned(number.to_string(), number.to_string()),
        ),
        (
            Bilingual::fixed("受付日", "Received on"),
            date_value(profile, received_on),
        ),
    ];
    if let Some(due) = due_on {
        particulars.push((
            Bilingual::fixed("決定の期限", "Decision due by"),
            date_value(profile, due),
        ));
    }
    Stage {
        kind: LetterKind::Receipt,
        body: Bilingual::fixed(
            "次のとおりご請求を受け付けましたので通知します。",
            "We have received your request as follows.",
        ),
        particulars,
    }
}

/// The letter a ledger entry calls for: an invoice for a charge, a receipt for a payment;
/// other entries send none.
pub fn fee_stage(
    profile: &OperatorProfile,
    entry: &crate::domain::ledger::LedgerEntry,
    now: DateTime<Utc>,
) -> Option<Stage> {
    use crate::domain::ledger::LedgerEntry;
    let yen = |amount: i64| Bilingual::owned(format!("{amount}円"), format!("JPY {amount}"));
    match entry {
        LedgerEntry::Invoice { amount, .. } => {
            let mut particulars = vec![(Bilingual::fixed("金額", "Amount"), yen(amount.0))];
            if let Some(Some(account)) = profile.office.payment.bank_account.public() {
                particulars.push((
                    Bilingual::fixed("振込先", "Bank transfer to"),
                    Bilingual::owned(
                        format!(
                            "{} {} {} {} {}",
                            account.bank,
                            account.branch,
                            account.account_type.ja,
                            account.number,
                            account.holder
                        ),
                        format!(
                            "{} {} {} {} {}",
                            account.bank,
                            account.branch,
                            account.account_type.en,
                            account.number,
                            account.holder
                        ),
                    ),
                ));
            }
            Some(Stage {
                kind: LetterKind::FeeInvoice,
                body: Bilingual::fixed(
                    "ご請求に係る手数料について、次のとおり納付をお願いします。納付の方法は、確認用ページにも記載しています。",
                    "Please pay the fee for your request as follows. The ways to pay are also on your request's page.",
                ),
                particulars,
            })
        }
        LedgerEntry::Payment { amount, .. } => Some(Stage {
            kind: LetterKind::PaymentReceipt,
            body: Bilingual::fixed(
                "ご請求に係る手数料を、次のとおり受領しました。",
                "We have received your payment of the fee as follows.",
            ),
            particulars: vec![
                (Bilingual::fixed("金額", "Amount"), yen(amount.0)),
                (
                    Bilingual::fixed("受領日", "Received on"),
                    date_value(profile, jst_date(now)),
                ),
            ],
        }),
        _ => None,
    }
}

/// The dismissal letter (a 処分: a public body's carries its 教示), with the reason.
pub fn dismissal_stage(public: bool, reason: &str) -> Stage {
    Stage {
        kind: LetterKind::Dismissal,
        body: if public {
            Bilingual::fixed(
                "ご請求について、次の理由により却下しましたので通知します。",
                "We have dismissed your request for the following reason.",
            )
        } else {
            Bilingual::fixed(
                "ご請求について、次の理由によりお応えできないことをお知らせします。",
                "We cannot proceed with your request, for the following reason.",
            )
        },
        particulars: vec![(
            Bilingual::fixed("理由", "Reason"),
            Bilingual::owned(reason.to_string(), reason.to_string()),
        )],
    }
}
