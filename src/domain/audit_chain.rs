//! The arithmetic of the tamper-evident audit log (`docs/operations.md §2`): the digest of one
//! record, the digest of a seal over the records it covers, and the check an auditor runs over the
//! whole log. Pure: the records and seals are read elsewhere and fed in, in id order.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

/// The previous digest of the first seal.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A record that is not sealed although a sealed record was written this much later cannot be
/// one whose transaction was still open when that seal was made: no transaction lasts that long.
pub const LONGEST_TRANSACTION_MS: u64 = 10 * 60 * 1000;

/// One audit record's content, as stored.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    pub id: &'a str,
    pub at: NaiveDateTime,
    pub actor: &'a str,
    pub action: &'a str,
    pub target: Option<&'a str>,
    pub client_ip: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub role: Option<&'a str>,
    pub case_id: Option<&'a str>,
}

/// SHA-256 over every field, each length-prefixed (so no two records share an encoding), the
/// time at microseconds (what both databases keep).
pub fn record_digest(record: &Record<'_>) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"madoguchi-audit-record-v1\0");
    let mut buffer = [0u8; 26];
    let formatted;
    let at = match timestamp(record.at, &mut buffer) {
        Some(at) => at,
        None => {
            formatted = record.at.format(TIMESTAMP).to_string();
            formatted.as_str()
        }
    };
    for field in [
        Some(record.id),
        Some(at),
        Some(record.actor),
        Some(record.action),
        record.target,
        record.client_ip,
        record.request_id,
        record.role,
        record.case_id,
    ] {
        match field {
            None => hasher.update([0u8]),
            Some(text) => {
                hasher.update([1u8]);
                hasher.update((text.len() as u64).to_be_bytes());
                hasher.update(text.as_bytes());
            }
        }
    }
    hasher.finalize().into()
}

const TIMESTAMP: &str = "%Y-%m-%dT%H:%M:%S%.6f";

/// `at` as [`TIMESTAMP`] formats it, written digit by digit: chrono's formatting was a sixth of
/// `audit verify`'s time (perf, a million records). None outside years 0-9999 and on a leap
/// second, which the caller formats the slow way.
fn timestamp(at: NaiveDateTime, buffer: &mut [u8; 26]) -> Option<&str> {
    use chrono::{Datelike, Timelike};
    let year = u32::try_from(at.year()).ok().filter(|y| *y <= 9999)?;
    let micros = at.nanosecond() / 1000;
    if micros >= 1_000_000 {
        return None;
    }
    let mut put = |from: usize, width: usize, mut value: u32| {
        for position in (from..from + width).rev() {
            buffer[position] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, 4, year);
    put(5, 2, at.month());
    put(8, 2, at.day());
    put(11, 2, at.hour());
    put(14, 2, at.minute());
    put(17, 2, at.second());
    put(20, 6, micros);
    for (position, separator) in [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'.'),
    ] {
        buffer[position] = separator;
    }
    std::str::from_utf8(buffer).ok()
}

/// The action of the record a prune writes (`docs/operations.md §2`), naming the new start.
pub const PRUNED: &str = "audit.pruned";

/// Where the kept log starts after a prune: records up to seal `number` were removed, and the
/// first seal kept names `digest` as its predecessor. Seal 0 and [`GENESIS`]: nothing removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub number: i64,
    pub digest: String,
}

impl Anchor {
    pub fn genesis() -> Anchor {
        Anchor {
            number: 0,
            digest: GENESIS.to_string(),
        }
    }

    /// The target of the [`PRUNED`] record that moved the start here.
    pub fn target(&self, removed: u64) -> String {
        format!("anchor:{}:{} removed:{removed}", self.number, self.digest)
    }

    fn is_named_by(&self, target: &str) -> bool {
        target
            .strip_prefix(&format!("anchor:{}:{}", self.number, self.digest))
            .is_some_and(|rest| rest.starts_with(" removed:"))
    }
}

/// A seal's digest, fed its records' digests in id order.
pub struct SealHasher(Sha256);

impl SealHasher {
    pub fn new(number: i64, previous_digest: &str, records: i64) -> SealHasher {
        let mut hasher = Sha256::new();
        hasher.update(b"madoguchi-audit-seal-v1\0");
        hasher.update(number.to_be_bytes());
        hasher.update(previous_digest.as_bytes());
        hasher.update(records.to_be_bytes());
        SealHasher(hasher)
    }

    pub fn push(&mut self, record_digest: &[u8; 32]) {
        self.0.update(record_digest);
    }

    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0xf)] as char);
    }
    out
}

/// Whether `text` is [`hex`] of `bytes`, without writing it out (once per record when checking).
fn is_hex_of(text: &str, bytes: &[u8]) -> bool {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    text.len() == bytes.len() * 2
        && text.as_bytes().chunks(2).zip(bytes).all(|(pair, byte)| {
            pair[0] == DIGITS[usize::from(byte >> 4)] && pair[1] == DIGITS[usize::from(byte & 0xf)]
        })
}

/// The milliseconds since 1970 a UUIDv7 carries in its first 48 bits; None for any other id.
pub fn uuid_v7_millis(id: &str) -> Option<u64> {
    let bytes = id.as_bytes();
    if id.len() != 36 || bytes.get(14) != Some(&b'7') {
        return None;
    }
    let millis: String = id.chars().filter(|c| *c != '-').take(12).collect();
    u64::from_str_radix(&millis, 16).ok()
}

/// A seal as stored.
#[derive(Debug, Clone)]
pub struct SealHeader {
    pub number: i64,
    pub records: i64,
    pub first_id: String,
    pub last_id: String,
    pub previous_digest: String,
    pub digest: String,
}

/// The first thing found wrong, naming the record (or the seal, when a record is missing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Broken {
    Record { id: String, why: String },
    Seal { number: i64, why: String },
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Broken::Record { id, why } => write!(f, "record {id}: {why}"),
            Broken::Seal { number, why } => write!(f, "seal {number}: {why}"),
        }
    }
}

/// What an intact log holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intact {
    pub records: u64,
    pub sealed: u64,
    /// Records written since the latest seal, which the next seal covers.
    pub pending: u64,
    /// The latest seal's number and digest, to keep elsewhere.
    pub latest: Option<(i64, String)>,
    /// Where the kept log starts, when older records were pruned.
    pub anchor: Option<Anchor>,
}

struct OpenSeal {
    header: SealHeader,
    hasher: Option<SealHasher>,
    seen: i64,
}

/// The auditor's check: the seals' own chain first ([`ChainCheck::new`]), then every record in id
/// order ([`ChainCheck::record`]), then what is missing ([`ChainCheck::finish`]).
pub struct ChainCheck {
    seals: HashMap<i64, OpenSeal>,
    newest_sealed_millis: Option<u64>,
    latest: Option<(i64, String)>,
    anchor: Anchor,
    /// The target of the newest prune record met so far.
    newest_prune: Option<String>,
    records: u64,
    sealed: u64,
    pending: u64,
}

impl ChainCheck {
    /// Checks that the seals, in number order, run on from the anchor (1, 2, 3… when nothing was
    /// pruned) each naming its predecessor's digest, the first the anchor's, and that the head
    /// (the newest number and digest, kept apart) is the last of them.
    pub fn new(
        mut seals: Vec<SealHeader>,
        head: (i64, &str),
        anchor: Anchor,
    ) -> Result<ChainCheck, Broken> {
        seals.sort_by_key(|s| s.number);
        let mut previous = anchor.digest.clone();
        for (expected, seal) in (anchor.number + 1..).zip(&seals) {
            if seal.number != expected {
                return Err(Broken::Seal {
                    number: expected,
                    why: "is missing from the chain of seals".into(),
                });
            }
            if seal.previous_digest != previous {
                return Err(Broken::Seal {
                    number: seal.number,
                    why: "does not name the digest of the seal before it".into(),
                });
            }
            previous = seal.digest.clone();
        }
        let last = seals.last().map_or(anchor.number, |s| s.number);
        if head.0 != last || head.1 != previous {
            return Err(Broken::Seal {
                number: head.0,
                why: format!(
                    "the newest seal is recorded as {} but the chain ends at {last}",
                    head.0
                ),
            });
        }
        let newest_sealed_millis = seals
            .iter()
            .filter_map(|s| uuid_v7_millis(&s.last_id))
            .max();
        let latest = match seals.last() {
            Some(s) => Some((s.number, s.digest.clone())),
            None if anchor.number > 0 => Some((anchor.number, anchor.digest.clone())),
            None => None,
        };
        Ok(ChainCheck {
            seals: seals
                .into_iter()
                .map(|header| {
                    (
                        header.number,
                        OpenSeal {
                            header,
                            hasher: None,
                            seen: 0,
                        },
                    )
                })
                .collect(),
            newest_sealed_millis,
            latest,
            anchor,
            newest_prune: None,
            records: 0,
            sealed: 0,
            pending: 0,
        })
    }

    /// Takes the next record in id order, with the digest written with it and its seal.
    pub fn record(
        &mut self,
        record: &Record<'_>,
        stored_digest: Option<&str>,
        seal: Option<i64>,
    ) -> Result<(), Broken> {
        let broken = |why: String| Broken::Record {
            id: record.id.to_string(),
            why,
        };
        self.records += 1;
        if record.action == PRUNED {
            self.newest_prune = record.target.map(str::to_string);
        }
        let digest = record_digest(record);
        if stored_digest.is_some_and(|stored| !is_hex_of(stored, &digest)) {
            return Err(broken(
                "its content does not match the digest written with it (edited)".into(),
            ));
        }
        let Some(number) = seal else {
            self.pending += 1;
            let Some(written) = uuid_v7_millis(record.id) else {
                return Err(broken(
                    "is not sealed and its id is not one the service writes".into(),
                ));
            };
            if self
                .newest_sealed_millis
                .is_some_and(|newest| written + LONGEST_TRANSACTION_MS < newest)
            {
                return Err(broken(
                    "is not sealed although records written well after it are (inserted)".into(),
                ));
            }
            return Ok(());
        };
        let Some(open) = self.seals.get_mut(&number) else {
            return Err(broken(format!("names seal {number}, which does not exist")));
        };
        if open.seen == open.header.records {
            return Err(broken(format!(
                "is one more record than seal {number} covers (inserted)"
            )));
        }
        if open.seen == 0 && record.id != open.header.first_id {
            return Err(if record.id < open.header.first_id.as_str() {
                broken(format!(
                    "comes before the first record of seal {number} (inserted)"
                ))
            } else {
                Broken::Seal {
                    number,
                    why: format!(
                        "its first record {} is missing (deleted)",
                        open.header.first_id
                    ),
                }
            });
        }
        let hasher = open.hasher.get_or_insert_with(|| {
            SealHasher::new(number, &open.header.previous_digest, open.header.records)
        });
        hasher.push(&digest);
        open.seen += 1;
        self.sealed += 1;
        if open.seen == open.header.records {
            if record.id != open.header.last_id {
                return Err(broken(format!(
                    "ends seal {number}, whose last record is {} (inserted or deleted)",
                    open.header.last_id
                )));
            }
            let computed = open.hasher.take().map(SealHasher::finish);
            if computed.as_deref() != Some(open.header.digest.as_str()) {
                return Err(Broken::Seal {
                    number,
                    why: format!(
                        "its records from {} to {} no longer give its digest (edited)",
                        open.header.first_id, open.header.last_id
                    ),
                });
            }
        }
        Ok(())
    }

    /// Every seal must have met all its records, and a log that starts after a prune must hold
    /// the record of that prune (the newest one), naming where it starts.
    pub fn finish(self) -> Result<Intact, Broken> {
        let mut short: Vec<&OpenSeal> = self
            .seals
            .values()
            .filter(|s| s.seen < s.header.records)
            .collect();
        short.sort_by_key(|s| s.header.number);
        if let Some(open) = short.first() {
            return Err(Broken::Seal {
                number: open.header.number,
                why: format!(
                    "covers {} records from {} to {} but {} are left (deleted)",
                    open.header.records, open.header.first_id, open.header.last_id, open.seen
                ),
            });
        }
        let anchored = self.anchor.number > 0;
        if anchored
            && !self
                .newest_prune
                .as_deref()
                .is_some_and(|target| self.anchor.is_named_by(target))
        {
            return Err(Broken::Seal {
                number: self.anchor.number,
                why: format!(
                    "the log starts after it, but the newest {PRUNED} record does not name it (records removed outside a prune)"
                ),
            });
        }
        Ok(Intact {
            records: self.records,
            sealed: self.sealed,
            pending: self.pending,
            latest: self.latest,
            anchor: anchored.then_some(self.anchor),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
            .and_then(|d| d.and_hms_micro_opt(10, 0, 0, 123_456))
            .unwrap()
    }

    fn ids() -> Vec<String> {
        (0..5)
            .map(|n| format!("019af000-0000-7000-8000-00000000000{n}"))
            .collect()
    }

    fn record(id: &str) -> Record<'_> {
        Record {
            id,
            at: at(),
            actor: "system",
            action: "case.dismissed",
            target: None,
            client_ip: None,
            request_id: None,
            role: None,
            case_id: Some("c1"),
        }
    }

    /// Two seals: the first over ids 0-2, the second over 3-4.
    fn sealed(ids: &[String]) -> (Vec<SealHeader>, String) {
        let mut seals = Vec::new();
        let mut previous = GENESIS.to_string();
        for (number, range) in [(1, 0..3), (2, 3..5)] {
            let mut hasher = SealHasher::new(number, &previous, range.len() as i64);
            for id in &ids[range.clone()] {
                hasher.push(&record_digest(&record(id)));
            }
            let digest = hasher.finish();
            seals.push(SealHeader {
                number,
                records: range.len() as i64,
                first_id: ids[range.start].clone(),
                last_id: ids[range.end - 1].clone(),
                previous_digest: previous.clone(),
                digest: digest.clone(),
            });
            previous = digest;
        }
        (seals, previous)
    }

    fn check(
        seals: Vec<SealHeader>,
        head: &str,
        rows: &[(Record<'_>, Option<i64>)],
    ) -> Result<Intact, Broken> {
        let mut check = ChainCheck::new(seals, (2, head), Anchor::genesis())?;
        for (row, seal) in rows {
            check.record(row, Some(&hex(&record_digest(&record(row.id)))), *seal)?;
        }
        check.finish()
    }

    fn rows(ids: &[String]) -> Vec<(Record<'_>, Option<i64>)> {
        ids.iter()
            .enumerate()
            .map(|(n, id)| (record(id), Some(if n < 3 { 1 } else { 2 })))
            .collect()
    }

    #[test]
    fn an_untouched_log_is_intact_and_names_its_latest_seal() {
        let ids = ids();
        let (seals, head) = sealed(&ids);
        let intact = check(seals, &head, &rows(&ids)).unwrap();
        assert_eq!(intact.records, 5);
        assert_eq!(intact.latest, Some((2, head)));
    }

    #[test]
    fn an_edit_names_the_record() {
        let ids = ids();
        let (seals, head) = sealed(&ids);
        let mut rows = rows(&ids);
        rows[1].0.action = "case.approved";
        let broken = check(seals, &head, &rows).unwrap_err();
        assert!(
            matches!(&broken, Broken::Record { id, .. } if *id == ids[1]),
            "{broken}"
        );
    }

    #[test]
    fn an_edit_that_rewrote_the_digest_too_breaks_the_seal() {
        let ids = ids();
        let (seals, head) = sealed(&ids);
        let mut check = ChainCheck::new(seals, (2, &head), Anchor::genesis()).unwrap();
        let mut edited = record(&ids[0]);
        edited.actor = "staff:someone";
        let forged = hex(&record_digest(&edited));
        assert_eq!(check.record(&edited, Some(&forged), Some(1)), Ok(()));
        check.record(&record(&ids[1]), None, Some(1)).unwrap();
        let broken = check.record(&record(&ids[2]), None, Some(1)).unwrap_err();
        assert!(matches!(broken, Broken::Seal { number: 1, .. }), "{broken}");
    }

    #[test]
    fn a_deletion_names_the_seal_it_left_short() {
        let ids = ids();
        let (seals, head) = sealed(&ids);
        let mut rows = rows(&ids);
        rows.remove(1);
        let broken = check(seals.clone(), &head, &rows).unwrap_err();
        assert!(matches!(broken, Broken::Seal { number: 1, .. }), "{broken}");
        let mut rows = self::rows(&ids);
        rows.remove(3);
        let broken = check(seals, &head, &rows).unwrap_err();
        assert!(matches!(broken, Broken::Seal { number: 2, .. }), "{broken}");
    }

    #[test]
    fn an_insertion_names_the_inserted_record() {
        let ids = ids();
        let (seals, head) = sealed(&ids);
        let forged = "019af000-0000-7000-8000-000000000001a".to_string();
        let mut with_seal = rows(&ids);
        with_seal.insert(2, (record(&forged), Some(1)));
        let broken = check(seals.clone(), &head, &with_seal).unwrap_err();
        assert!(
            matches!(
                &broken,
                Broken::Record { .. } | Broken::Seal { number: 1, .. }
            ),
            "{broken}"
        );
        // Unsealed, dated long before records already sealed.
        let old = "00000000-0000-7000-8000-000000000000".to_string();
        let mut later = ids.clone();
        later[4] = "019af100-0000-7000-8000-000000000004".into();
        let (seals, head) = sealed(&later);
        let mut unsealed_later = self::rows(&later);
        unsealed_later.insert(0, (record(&old), None));
        let broken = check(seals, &head, &unsealed_later).unwrap_err();
        assert!(
            matches!(&broken, Broken::Record { id, .. } if *id == old),
            "{broken}"
        );
    }

    #[test]
    fn a_rewritten_seal_chain_is_found() {
        let ids = ids();
        let (mut seals, head) = sealed(&ids);
        seals[1].previous_digest = GENESIS.into();
        assert!(ChainCheck::new(seals.clone(), (2, &head), Anchor::genesis()).is_err());
        seals.pop();
        assert!(ChainCheck::new(seals, (2, &head), Anchor::genesis()).is_err());
    }

    #[test]
    fn timestamps_are_written_as_chrono_writes_them() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        for at in [
            day.and_hms_micro_opt(3, 4, 5, 0).unwrap(),
            day.and_hms_micro_opt(23, 59, 59, 999_999).unwrap(),
            day.and_hms_micro_opt(0, 0, 0, 123_456).unwrap(),
            chrono::NaiveDate::from_ymd_opt(9, 12, 31)
                .and_then(|d| d.and_hms_micro_opt(12, 0, 0, 7))
                .unwrap(),
        ] {
            let mut buffer = [0u8; 26];
            assert_eq!(
                timestamp(at, &mut buffer),
                Some(at.format(TIMESTAMP).to_string().as_str())
            );
        }
    }

    /// The check of [`sealed`]'s log after a prune up to seal 1.
    fn pruned(ids: &[String]) -> ChainCheck {
        let (mut seals, head) = sealed(ids);
        seals.remove(0);
        ChainCheck::new(seals, (2, &head), anchor_one(ids)).unwrap()
    }

    /// The prune's own record, not yet sealed.
    fn prune_record(target: &str) -> Record<'_> {
        let mut prune = record("019af000-0000-7000-8000-0000000000ff");
        prune.action = PRUNED;
        prune.target = Some(target);
        prune
    }

    fn anchor_one(ids: &[String]) -> Anchor {
        let (seals, _) = sealed(ids);
        Anchor {
            number: 1,
            digest: seals[0].digest.clone(),
        }
    }

    fn run(
        mut check: ChainCheck,
        ids: &[String],
        tail: &[Record<'_>],
        edit: Option<usize>,
    ) -> Result<Intact, Broken> {
        for (n, id) in ids.iter().enumerate().skip(3) {
            let mut row = record(id);
            if edit == Some(n) {
                row.actor = "staff:someone";
            }
            check.record(&row, Some(&hex(&record_digest(&record(id)))), Some(2))?;
        }
        for row in tail {
            check.record(row, None, None)?;
        }
        check.finish()
    }

    #[test]
    fn a_pruned_log_verifies_from_its_anchor_and_still_names_an_edit() {
        let ids = ids();
        let target = anchor_one(&ids).target(3);
        let tail = [prune_record(&target)];
        let intact = run(pruned(&ids), &ids, &tail, None).unwrap();
        assert_eq!((intact.records, intact.sealed), (3, 2));
        assert_eq!(intact.anchor, Some(anchor_one(&ids)));
        let broken = run(pruned(&ids), &ids, &tail, Some(4)).unwrap_err();
        assert!(
            matches!(&broken, Broken::Record { id, .. } if *id == ids[4]),
            "{broken}"
        );
    }

    #[test]
    fn a_start_no_prune_record_names_is_found() {
        let ids = ids();
        let broken = run(pruned(&ids), &ids, &[], None).unwrap_err();
        assert!(matches!(broken, Broken::Seal { number: 1, .. }), "{broken}");
        let elsewhere = Anchor {
            number: 1,
            digest: GENESIS.into(),
        };
        let target = elsewhere.target(3);
        assert!(run(pruned(&ids), &ids, &[prune_record(&target)], None).is_err());
    }

    #[test]
    fn a_chain_that_does_not_continue_from_the_anchor_is_found() {
        let ids = ids();
        let (mut seals, head) = sealed(&ids);
        seals.remove(0);
        assert!(ChainCheck::new(seals.clone(), (2, &head), Anchor::genesis()).is_err());
        let moved = Anchor {
            number: 1,
            digest: "f".repeat(64),
        };
        assert!(ChainCheck::new(seals, (2, &head), moved).is_err());
    }

    #[test]
    fn uuid_v7_carries_its_millisecond() {
        assert_eq!(
            uuid_v7_millis("019af000-0000-7000-8000-000000000000"),
            Some(0x019a_f000_0000)
        );
        assert_eq!(uuid_v7_millis("not-a-uuid"), None);
        assert_eq!(uuid_v7_millis("019af000-0000-4000-8000-000000000000"), None);
    }
}
