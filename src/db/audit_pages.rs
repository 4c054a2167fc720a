//! The audit log read for checking (`docs/operations.md §2`): pages of records in id order, each
//! page one text buffer with the records' fields as spans of it. `audit verify` reads a million
//! records; an allocation per field (diesel's `String`s) was most of its time (perf: malloc and
//! free), so on SQLite the fields are copied straight from SQLite's row into the page.

use chrono::NaiveDateTime;
use diesel::connection::LoadConnection;
use diesel::prelude::*;
use diesel::row::{Field, Row};
use diesel::sqlite::Sqlite;

use super::audit::AuditEvent;
use super::schema::audit_events;
use super::{DbConnection, DbError};
use crate::domain::audit_chain::Record;

/// Where a field lies in a page's text; None for NULL.
type Span = Option<(usize, usize)>;

/// The fields of [`Record`] in the order they are read, then the digest written with it.
const ID: usize = 0;
const TEXT_FIELDS: usize = 9;

#[derive(Clone, Copy)]
struct PageRow {
    /// id, actor, action, target, client_ip, request_id, role, case_id, digest.
    spans: [Span; TEXT_FIELDS],
    at: NaiveDateTime,
    seal: Option<i64>,
}

/// Records in id order, read for checking.
#[derive(Default)]
pub struct RecordPage {
    text: String,
    rows: Vec<PageRow>,
}

impl RecordPage {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn span(&self, span: Span) -> Option<&str> {
        span.and_then(|(start, end)| self.text.get(start..end))
    }

    /// Each record, the digest written with it, and its seal.
    pub fn records(&self) -> impl Iterator<Item = (Record<'_>, Option<&str>, Option<i64>)> {
        self.rows.iter().map(|row| {
            let field = |n: usize| self.span(row.spans[n]);
            (
                Record {
                    id: field(ID).unwrap_or_default(),
                    at: row.at,
                    actor: field(1).unwrap_or_default(),
                    action: field(2).unwrap_or_default(),
                    target: field(3),
                    client_ip: field(4),
                    request_id: field(5),
                    role: field(6),
                    case_id: field(7),
                },
                field(8),
                row.seal,
            )
        })
    }

    pub fn last_id(&self) -> Option<&str> {
        self.rows.last().and_then(|row| self.span(row.spans[ID]))
    }

    fn clear(&mut self) {
        self.text.clear();
        self.rows.clear();
    }

    fn copy(&mut self, text: Option<&str>) -> Span {
        let start = self.text.len();
        self.text.push_str(text?);
        Some((start, self.text.len()))
    }
}

/// Fills `page` with up to `limit` records after `after` in id order (keyset paging through the
/// primary key).
pub fn fill_page(
    conn: &mut DbConnection,
    after: Option<&str>,
    limit: i64,
    page: &mut RecordPage,
) -> Result<(), DbError> {
    page.clear();
    match conn {
        DbConnection::Postgres(pg) => {
            let mut query = audit_events::table
                .select((
                    AuditEvent::as_select(),
                    audit_events::digest,
                    audit_events::seal,
                ))
                .order(audit_events::id)
                .limit(limit)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(audit_events::id.gt(after.to_string()));
            }
            let rows: Vec<(AuditEvent, Option<String>, Option<i64>)> = query.load(pg)?;
            for (event, digest, seal) in &rows {
                let fields = [
                    Some(event.id.as_str()),
                    Some(event.actor.as_str()),
                    Some(event.action.as_str()),
                    event.target.as_deref(),
                    event.client_ip.as_deref(),
                    event.request_id.as_deref(),
                    event.role.as_deref(),
                    event.case_id.as_deref(),
                    digest.as_deref(),
                ];
                let spans = fields.map(|text| page.copy(text));
                page.rows.push(PageRow {
                    spans,
                    at: event.at,
                    seal: *seal,
                });
            }
            Ok(())
        }
        DbConnection::Sqlite(lite) => sqlite_fill_page(lite, after, limit, page),
    }
}

/// [`fill_page`] on SQLite: each field copied from SQLite's row into the page, the time read as
/// the text stored and parsed by [`stored_time`] (diesel's parser tries chrono's format strings).
fn sqlite_fill_page(
    conn: &mut diesel::SqliteConnection,
    after: Option<&str>,
    limit: i64,
    page: &mut RecordPage,
) -> Result<(), DbError> {
    use diesel::dsl::sql;
    use diesel::sql_types::Text;
    let mut query = audit_events::table
        .select((
            audit_events::id,
            audit_events::actor,
            audit_events::action,
            audit_events::target,
            audit_events::client_ip,
            audit_events::request_id,
            audit_events::role,
            audit_events::case_id,
            audit_events::digest,
            sql::<Text>("at"),
            audit_events::seal,
        ))
        .order(audit_events::id)
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(audit_events::id.gt(after.to_string()));
    }
    for row in LoadConnection::load(conn, query)? {
        let row = row?;
        let mut spans: [Span; TEXT_FIELDS] = [None; TEXT_FIELDS];
        for (n, span) in spans.iter_mut().enumerate() {
            *span = copy_text(&row, n, page);
        }
        let at = read_time(&row, TEXT_FIELDS).ok_or_else(|| {
            let id = page.span(spans[ID]).unwrap_or_default();
            DbError::Query(diesel::result::Error::DeserializationError(
                format!("audit record {id}: its time is not one the service writes").into(),
            ))
        })?;
        let seal = read_long(&row, TEXT_FIELDS + 1);
        page.rows.push(PageRow { spans, at, seal });
    }
    Ok(())
}

fn copy_text<'a, R: Row<'a, Sqlite>>(row: &R, index: usize, page: &mut RecordPage) -> Span {
    let field = row.get(index)?;
    let mut value = field.value()?;
    page.copy(Some(value.read_text()))
}

fn read_long<'a, R: Row<'a, Sqlite>>(row: &R, index: usize) -> Option<i64> {
    let field = row.get(index)?;
    let mut value = field.value()?;
    Some(value.read_long())
}

fn read_time<'a, R: Row<'a, Sqlite>>(row: &R, index: usize) -> Option<NaiveDateTime> {
    let field = row.get(index)?;
    let mut value = field.value()?;
    stored_time(value.read_text())
}

/// A time as diesel writes it into SQLite (`%F %T%.f`: `2026-12-05 10:00:00`, with a fraction of
/// 1 to 9 digits when it is not zero), read digit by digit; any other text through chrono with
/// that same format. None when neither reads it.
pub fn stored_time(text: &str) -> Option<NaiveDateTime> {
    fast_stored_time(text.as_bytes())
        .or_else(|| NaiveDateTime::parse_from_str(text, "%F %T%.f").ok())
}

fn fast_stored_time(bytes: &[u8]) -> Option<NaiveDateTime> {
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes.get(range)?.iter().try_fold(0u32, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b' '), (13, b':'), (16, b':')];
    if separators.iter().any(|(at, c)| bytes.get(*at) != Some(c)) {
        return None;
    }
    let nanos = match bytes.get(19..) {
        Some([]) => 0,
        Some([b'.', digits @ ..]) if (1..=9).contains(&digits.len()) => {
            number(20..bytes.len())? * 10u32.pow(9 - digits.len() as u32)
        }
        _ => return None,
    };
    chrono::NaiveDate::from_ymd_opt(number(0..4)? as i32, number(5..7)?, number(8..10)?)?
        .and_hms_nano_opt(number(11..13)?, number(14..16)?, number(17..19)?, nanos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn stored_times_read_back_as_chrono_reads_them(
            seconds in 0i64..253_402_300_799,
            nanos in prop_oneof![Just(0u32), 0u32..1_000_000_000, (0u32..1000).prop_map(|m| m * 1_000_000), (0u32..1_000_000).prop_map(|u| u * 1000)],
        ) {
            let at = chrono::DateTime::from_timestamp(seconds, nanos).unwrap().naive_utc();
            let text = at.format("%F %T%.f").to_string();
            prop_assert_eq!(fast_stored_time(text.as_bytes()), Some(at));
            prop_assert_eq!(stored_time(&text), NaiveDateTime::parse_from_str(&text, "%F %T%.f").ok());
        }
    }

    #[test]
    fn other_texts_go_the_slow_way_or_nowhere() {
        for text in [
            "2026-12-05T10:00:00",
            "2026-12-05 10:00",
            "2026-02-30 10:00:00",
            "",
            "2026-12-05 10:00:00.",
            "2026-12-05 10:00:00.1234567890",
        ] {
            assert_eq!(fast_stored_time(text.as_bytes()), None, "{text}");
            assert_eq!(
                stored_time(text),
                NaiveDateTime::parse_from_str(text, "%F %T%.f").ok(),
                "{text}"
            );
        }
        assert_eq!(
            stored_time("2026-12-05 10:00:00.5"),
            chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
                .and_then(|d| d.and_hms_milli_opt(10, 0, 0, 500))
        );
    }
}
