//! Outgoing mail. Messages are built here, sealed and written to the outbox inside the caller's
//! transaction, and sent later by [`worker`] over SMTP (or written as `.eml` files when no SMTP
//! server is configured).

pub mod worker;

use std::path::PathBuf;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Utc};
use lettre::message::{Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, Message, Tokio1Executor};

use crate::db::outbox::{self, NewOutboxMessage};
use crate::db::{DbConnection, DbError};
use crate::storage::crypto::{CryptoError, MasterKey};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address: {0}")]
    Address(String),
    #[error("message could not be built: {0}")]
    Build(String),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A notice to one person, already rendered in their language.
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

/// What the outbox stores (sealed): the SMTP envelope and the formatted message.
#[derive(serde::Serialize, serde::Deserialize)]
struct SealedEnvelope {
    from: String,
    to: Vec<String>,
    raw_base64: String,
}

/// How mail leaves the system.
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

impl Transport {
    /// `smtp://host:port`, `smtp://host:587?tls=required`, `smtps://user:pass@host:465`; None writes
    /// `.eml` files under `mail_dir`.
    pub fn from_config(smtp_url: Option<&str>, mail_dir: PathBuf) -> Result<Transport, String> {
        match smtp_url {
            Some(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map(|builder| Transport::Smtp(builder.build()))
                .map_err(|e| format!("MADOGUCHI_SMTP_URL: {e}")),
            None => {
                std::fs::create_dir_all(&mail_dir)
                    .and_then(|()| crate::secrets::restrict_dir(&mail_dir))
                    .map_err(|e| format!("{}: cannot create ({e})", mail_dir.display()))?;
                Ok(Transport::Files(
                    AsyncFileTransport::new(&mail_dir),
                    mail_dir,
                ))
            }
        }
    }
}

pub fn parse_mailbox(raw: &str) -> Result<Mailbox, MailError> {
    raw.parse::<Mailbox>()
        .map_err(|_| MailError::Address(raw.to_string()))
}

/// Builds the message and seals it for the outbox. Pure work, done before the transaction that
/// stores it, so the single SQLite writer is held only for the insert.
pub fn prepare(
    master: &MasterKey,
    from: &Mailbox,
    mail: &OutgoingMail,
    purpose: &str,
    case_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<NewOutboxMessage, MailError> {
    let to = parse_mailbox(&mail.to)?;
    let id = uuid::Uuid::now_v7().to_string();
    let domain = from.email.domain().to_string();
    let builder = Message::builder()
        .from(from.clone())
        .to(to.clone())
        .subject(mail.subject.clone())
        .message_id(Some(format!("<{id}@{domain}>")))
        .date(now.into());
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(mail.text.clone());
    let message = match &mail.html {
        Some(html) => builder.multipart(
            MultiPart::alternative().singlepart(text).singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(html.clone()),
            ),
        ),
        None => builder.singlepart(text),
    }
    .map_err(|e| MailError::Build(e.to_string()))?;
    let envelope = SealedEnvelope {
        from: from.email.to_string(),
        to: vec![to.email.to_string()],
        raw_base64: BASE64.encode(message.formatted()),
    };
    let json = serde_json::to_vec(&envelope).map_err(|e| MailError::Build(e.to_string()))?;
    let sealed_message = master.seal_value(&id, &json)?;
    Ok(NewOutboxMessage {
        id,
        created_at: now.naive_utc(),
        purpose: purpose.to_string(),
        case_id: case_id.map(str::to_string),
        sealed_message,
        next_attempt_at: now.naive_utc(),
    })
}

/// Builds, seals and writes the message to the outbox on `conn` (the caller's transaction).
/// Returns the outbox id.
pub fn enqueue(
    conn: &mut DbConnection,
    master: &MasterKey,
    from: &Mailbox,
    mail: &OutgoingMail,
    purpose: &str,
    case_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, MailError> {
    let prepared = prepare(master, from, mail, purpose, case_id, now)?;
    outbox::enqueue(conn, &prepared)?;
    Ok(prepared.id)
}
