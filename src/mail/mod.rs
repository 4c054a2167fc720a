//! Outgoing mail. Messages are built here, sealed and written to the outbox inside the caller's
//! transaction, and sent later by [`worker`] over SMTP (or written as `.eml` files when no SMTP
//! server is configured).
//!
//! Each message's `Message-ID` is `<outbox id@sender's domain>`, fixed when the message is
//! composed from what the outbox holds, so every attempt to send one outbox entry carries the same
//! one. That is what lets a relay or a mail client fold the one duplicate the outbox cannot rule
//! out (see [`worker`]: the relay accepted the message, and the instance stopped or lost the
//! database before recording it as sent).

pub mod worker;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Utc};
use lettre::address::Envelope;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{Address, AsyncFileTransport, AsyncSmtpTransport, Message, Tokio1Executor};

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

/// What the outbox stores, sealed: the sender, the recipient and the rendered notice, with the
/// time it was written (the message's date). The MIME message is composed when it is sent.
#[derive(serde::Serialize, serde::Deserialize)]
struct SealedMail {
    from: String,
    to: String,
    subject: String,
    text: String,
    html: Option<String>,
    written_at: DateTime<Utc>,
}

/// The form entries written before messages were composed at sending: the SMTP envelope and
/// the formatted message. Still sent as they are.
#[derive(serde::Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
struct SealedEnvelope {
    from: String,
    to: Vec<String>,
    raw_base64: String,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Sealed {
    Mail(SealedMail),
    Envelope(SealedEnvelope),
}

/// What every message carries besides its notice: where replies go and who sent it. Applied
/// when a message is composed for sending, so it never changes what the outbox holds.
#[derive(Clone)]
pub struct Letterhead {
    /// `Reply-To` (none: the sender).
    pub reply_to: Option<Mailbox>,
    /// The signature under every text body (empty: none). Called at each sending, so it names
    /// the operator as an administrator last saved it.
    pub signature: Arc<dyn Fn() -> String + Send + Sync>,
}

impl Default for Letterhead {
    fn default() -> Letterhead {
        Letterhead {
            reply_to: None,
            signature: Arc::new(String::new),
        }
    }
}

/// The signature of every notice: the operator, where to write, when the office is open and the
/// service's address, in Japanese and English (one mail may be read by either).
pub fn signature(
    operator: &crate::domain::profile::OperatorProfile,
    contact: &Mailbox,
    public_url: &str,
) -> String {
    let label = &operator.label;
    let mut out = format!("{} / {}\n", label.ja, label.en);
    out.push_str(&format!("お問い合わせ / Contact: {}\n", contact.email));
    // The help desk as the operator's policy or its administrator states it; placeholders never.
    for line in operator.office.public_contact() {
        out.push_str(&format!("{}: {}\n", line.label.ja, line.value.ja));
        if line.value.en != line.value.ja {
            out.push_str(&format!("{}: {}\n", line.label.en, line.value.en));
        }
    }
    out.push_str(&format!("{public_url}/\n"));
    out.push_str(
        "このメールはシステムから自動で送信しています。\n\
         This message was sent automatically.\n",
    );
    out
}

/// `Auto-Submitted: auto-generated` (RFC 3834): auto-responders do not answer it, so a notice
/// never loops with a vacation reply.
#[derive(Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_string())
    }
}

/// `X-Auto-Response-Suppress: All`: the same request to Microsoft Exchange and Outlook, which
/// do not read `Auto-Submitted`.
#[derive(Clone)]
struct AutoResponseSuppress;

impl Header for AutoResponseSuppress {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Auto-Response-Suppress")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoResponseSuppress)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "All".to_string())
    }
}

/// How mail leaves the system.
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
    /// Keeps messages in memory, for tests. [`Transport::from_config`] never returns it: only
    /// code can make one, so no configuration can make a production instance swallow its mail.
    Memory(MemoryTransport),
}

/// A message as the memory transport received it.
#[derive(Debug, Clone)]
pub struct MemoryMail {
    pub envelope: Envelope,
    pub raw: Vec<u8>,
}

impl MemoryMail {
    /// The formatted message as text, with line ends as written (CRLF).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    /// The value of the `Message-ID` header.
    pub fn message_id(&self) -> Option<String> {
        self.text().lines().find_map(|line| {
            line.strip_prefix("Message-ID: ")
                .map(|value| value.trim().to_string())
        })
    }
}

/// The mail kept by [`Transport::Memory`]. Clones share the messages, so a test keeps one clone
/// and hands another to the worker.
#[derive(Clone, Default)]
pub struct MemoryTransport {
    sent: Arc<Mutex<Vec<MemoryMail>>>,
    delay: Option<Duration>,
    lost_replies: Arc<AtomicUsize>,
}

impl MemoryTransport {
    pub fn new() -> MemoryTransport {
        MemoryTransport::default()
    }

    /// Each send takes `delay`, as over a slow relay.
    pub fn with_delay(mut self, delay: Duration) -> MemoryTransport {
        self.delay = Some(delay);
        self
    }

    /// The next `count` messages are kept but reported as not sent, as when the connection
    /// drops after the relay accepted a message and before its reply arrived.
    pub fn lose_replies(&self, count: usize) {
        self.lost_replies.store(count, Ordering::SeqCst);
    }

    /// Every message received so far, in order.
    pub fn messages(&self) -> Vec<MemoryMail> {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    async fn send(&self, envelope: &Envelope, raw: &[u8]) -> Result<(), String> {
        if let Some(delay) = self.delay {
            tokio::time::sleep(delay).await;
        }
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(MemoryMail {
                envelope: envelope.clone(),
                raw: raw.to_vec(),
            });
        let lost = self
            .lost_replies
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if lost {
            return Err("memory transport: reply lost".to_string());
        }
        Ok(())
    }
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

/// Checks the recipient and seals the notice for the outbox. Pure work, done before the
/// transaction that stores it, so the single SQLite writer is held only for the insert; the MIME
/// message is composed by the worker that sends it ([`compose`]), off every request's path.
pub fn prepare(
    master: &MasterKey,
    from: &Mailbox,
    mail: &OutgoingMail,
    purpose: &str,
    case_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<NewOutboxMessage, MailError> {
    parse_mailbox(&mail.to)?;
    let id = uuid::Uuid::now_v7().to_string();
    let sealed = SealedMail {
        from: from.to_string(),
        to: mail.to.clone(),
        subject: mail.subject.clone(),
        text: mail.text.clone(),
        html: mail.html.clone(),
        written_at: now,
    };
    let json = serde_json::to_vec(&sealed).map_err(|e| MailError::Build(e.to_string()))?;
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

/// The SMTP envelope and the formatted message of an outbox entry `id`. The same entry always
/// gives the same `Message-ID` (see the module's note).
fn compose(
    id: &str,
    sealed: Sealed,
    letterhead: &Letterhead,
) -> Result<(Envelope, Vec<u8>), MailError> {
    let mail = match sealed {
        Sealed::Envelope(envelope) => {
            let raw = BASE64
                .decode(envelope.raw_base64)
                .map_err(|e| MailError::Build(e.to_string()))?;
            let from = envelope
                .from
                .parse::<Address>()
                .map_err(|_| MailError::Address(envelope.from))?;
            let to = envelope
                .to
                .iter()
                .map(|a| {
                    a.parse::<Address>()
                        .map_err(|_| MailError::Address(a.clone()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let envelope =
                Envelope::new(Some(from), to).map_err(|e| MailError::Build(e.to_string()))?;
            return Ok((envelope, raw));
        }
        Sealed::Mail(mail) => mail,
    };
    let from = parse_mailbox(&mail.from)?;
    let to = parse_mailbox(&mail.to)?;
    let domain = from.email.domain().to_string();
    let reply_to = letterhead.reply_to.clone().unwrap_or_else(|| from.clone());
    let builder = Message::builder()
        .from(from)
        .reply_to(reply_to)
        .to(to)
        .subject(mail.subject)
        .message_id(Some(format!("<{id}@{domain}>")))
        .date(mail.written_at.into())
        .header(AutoSubmitted)
        .header(AutoResponseSuppress);
    let signature = (letterhead.signature)();
    let body = if signature.is_empty() {
        mail.text
    } else {
        // "-- " on a line of its own: mail clients recognise the signature and leave it out of
        // a quoted reply (RFC 3676 §4.3).
        let mut body = mail.text;
        if !body.ends_with('\n') {
            body.push('\n');
        }
        body.push_str("\n-- \n");
        body.push_str(&signature);
        body
    };
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(body);
    let message = match mail.html {
        Some(html) => builder.multipart(
            MultiPart::alternative().singlepart(text).singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(html),
            ),
        ),
        None => builder.singlepart(text),
    }
    .map_err(|e| MailError::Build(e.to_string()))?;
    Ok((message.envelope().clone(), message.formatted()))
}

/// Opens and composes the outbox entry `id` for sending.
fn open(
    master: &MasterKey,
    id: &str,
    sealed: &[u8],
    letterhead: &Letterhead,
) -> Result<(Envelope, Vec<u8>), MailError> {
    let json = master.open_value(id, sealed)?;
    let sealed: Sealed =
        serde_json::from_slice(&json).map_err(|e| MailError::Build(e.to_string()))?;
    compose(id, sealed, letterhead)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn from() -> Mailbox {
        "窓口 <no-reply@example.jp>".parse().expect("sender")
    }

    fn text(raw: &[u8]) -> String {
        String::from_utf8_lossy(raw).replace("\r\n", "\n")
    }

    #[test]
    fn a_prepared_notice_is_composed_when_it_is_sent() {
        let master = MasterKey::new([7; 32]);
        let now = DateTime::parse_from_rfc3339("2026-12-02T10:00:00+09:00")
            .expect("time")
            .with_timezone(&Utc);
        let mail = OutgoingMail {
            to: "hanako@example.jp".into(),
            subject: "受付のお知らせ".into(),
            text: "請求を受け付けました。".into(),
            html: None,
        };
        let row =
            prepare(&master, &from(), &mail, "receipt", Some("case-1"), now).expect("prepared");
        let json = master
            .open_value(&row.id, &row.sealed_message)
            .expect("sealed");
        assert!(
            !String::from_utf8_lossy(&json).contains("Content-Type"),
            "composed too early"
        );
        let (envelope, raw) = open(
            &master,
            &row.id,
            &row.sealed_message,
            &Letterhead::default(),
        )
        .expect("composed");
        assert_eq!(envelope.to()[0].to_string(), "hanako@example.jp");
        let raw = text(&raw);
        assert!(
            raw.contains(&format!("Message-ID: <{}@example.jp>", row.id)),
            "{raw}"
        );
        assert!(
            raw.contains("Date: Wed, 02 Dec 2026 01:00:00 +0000"),
            "{raw}"
        );
        assert!(raw.contains("To: hanako@example.jp"), "{raw}");
        assert!(raw.contains("Subject: =?utf-8?"), "{raw}");
        let bad = OutgoingMail {
            to: "not an address".into(),
            ..mail
        };
        assert!(matches!(
            prepare(&master, &from(), &bad, "receipt", None, now),
            Err(MailError::Address(_))
        ));
    }

    #[test]
    fn an_entry_written_formatted_is_sent_as_it_was_written() {
        let master = MasterKey::new([7; 32]);
        let raw =
            b"From: no-reply@example.jp\r\nTo: taro@example.jp\r\nSubject: old\r\n\r\nbody\r\n";
        let envelope = SealedEnvelope {
            from: "no-reply@example.jp".into(),
            to: vec!["taro@example.jp".into()],
            raw_base64: BASE64.encode(raw),
        };
        let id = "0190-old";
        let sealed = master
            .seal_value(id, &serde_json::to_vec(&envelope).expect("json"))
            .expect("sealed");
        let (envelope, sent) = open(&master, id, &sealed, &Letterhead::default()).expect("opened");
        assert_eq!(sent, raw);
        assert_eq!(envelope.to()[0].to_string(), "taro@example.jp");
    }
}
