//! Unattended backups (docs/operations.md §3): with `MADOGUCHI_BACKUP_DIR` set, every instance
//! looks once a minute whether today's set (JST) is due; exactly one claims it in the database
//! and takes it — a full set on Sundays and when the directory holds none, an incremental one on
//! other days (the seed's weekly full and daily differential, §4.10) — then removes the sets
//! beyond the number to keep, never one that a kept set still needs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};

use crate::db::audit::{self, AuditEvent};
use crate::db::{Db, backup as repo};
use crate::service::backup::{self, BackupError, Manifest, Sources, Taken};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSchedule {
    pub dir: PathBuf,
    /// JST time of day after which the day's set is taken.
    pub at: NaiveTime,
    /// Sets kept (and the earlier ones they need).
    pub keep: usize,
}

/// A claim whose instance has not finished in this long is taken over (the instance died).
const STALE_CLAIM: Duration = Duration::hours(3);

/// The JST day whose set is due at `now`, if the time of day has come.
pub fn due_day(now: DateTime<Utc>, at: NaiveTime) -> Option<NaiveDate> {
    let jst = now.naive_utc() + Duration::hours(9);
    (jst.time() >= at).then(|| jst.date())
}

/// Full on Sundays and when there is nothing to continue from; incremental otherwise.
pub fn full_on(day: NaiveDate, has_sets: bool) -> bool {
    day.weekday() == Weekday::Sun || !has_sets
}

/// The sets to remove so that `keep` remain, oldest first: never a set that a kept set names as
/// its base or as the holder of one of its documents.
pub fn to_prune(sets: &[(String, Manifest)], keep: usize) -> Vec<String> {
    let kept_from = sets.len().saturating_sub(keep.max(1));
    let mut needed: BTreeSet<&str> = BTreeSet::new();
    for (name, manifest) in &sets[kept_from..] {
        needed.insert(name);
        needed.extend(manifest.base.as_deref());
        needed.extend(manifest.documents.iter().map(|d| d.set.as_str()));
    }
    sets[..kept_from]
        .iter()
        .map(|(name, _)| name)
        .filter(|name| !needed.contains(name.as_str()))
        .cloned()
        .collect()
}

/// Takes today's set if it is due and this instance wins the claim; then prunes.
pub fn run_once(
    db: &Db,
    documents_dir: &Path,
    keys: String,
    schedule: &BackupSchedule,
    instance: &str,
    now: DateTime<Utc>,
) -> Result<Option<Taken>, BackupError> {
    let Some(day) = due_day(now, schedule.at) else {
        return Ok(None);
    };
    let claimed = db.with_writer(|conn| {
        repo::claim_day(
            conn,
            day,
            instance,
            now.naive_utc(),
            (now - STALE_CLAIM).naive_utc(),
        )
    })?;
    if !claimed {
        return Ok(None);
    }
    std::fs::create_dir_all(&schedule.dir).map_err(|e| {
        BackupError::BadInput(format!("backup target {}: {e}", schedule.dir.display()))
    })?;
    let has_sets = !backup::sets(&schedule.dir)?.is_empty();
    let sources = Sources {
        db,
        documents_dir,
        keys,
        taken_by: "schedule",
    };
    let taken = backup::take(&sources, &schedule.dir, !full_on(day, has_sets), now)?;
    let pruned = to_prune(&backup::sets(&schedule.dir)?, schedule.keep);
    for name in &pruned {
        let dir = schedule.dir.join(name);
        std::fs::remove_dir_all(&dir)
            .map_err(|e| BackupError::Failed(format!("{}: {e}", dir.display())))?;
    }
    db.with_writer(|conn| {
        repo::finish_claim(conn, day, now.naive_utc())?;
        if !pruned.is_empty() {
            let event = AuditEvent::new(now.naive_utc(), "schedule", "backup.pruned")
                .target(pruned.join(" "));
            audit::append(conn, &event)?;
        }
        Ok(())
    })?;
    Ok(Some(taken))
}

/// Looks every minute whether a set is due; failures are logged and tried again next minute
/// (the claim is taken over once stale).
pub fn spawn(db: Db, documents_dir: PathBuf, keys: String, schedule: BackupSchedule) {
    let instance = uuid::Uuid::now_v7().to_string();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            ticks.tick().await;
            let (db, dir, keys, schedule, instance) = (
                db.clone(),
                documents_dir.clone(),
                keys.clone(),
                schedule.clone(),
                instance.clone(),
            );
            let ran = tokio::task::spawn_blocking(move || {
                run_once(&db, &dir, keys, &schedule, &instance, Utc::now())
            })
            .await;
            match ran {
                Ok(Ok(Some(taken))) => tracing::info!(
                    set = %taken.set.display(),
                    bytes = taken.bytes,
                    "scheduled backup taken"
                ),
                Ok(Ok(None)) => {}
                Ok(Err(e)) => tracing::error!(error = %e, "scheduled backup failed; will retry"),
                Err(e) => tracing::error!(error = %e, "scheduled backup stopped"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::backup::{DocumentEntry, SetKind};

    fn set(name: &str, base: Option<&str>, documents_in: &[&str]) -> (String, Manifest) {
        (
            name.to_string(),
            Manifest {
                format: backup::FORMAT.into(),
                name: name.into(),
                created_at: Utc::now(),
                kind: if base.is_some() {
                    SetKind::Incremental
                } else {
                    SetKind::Full
                },
                base: base.map(str::to_string),
                database: None,
                documents: documents_in
                    .iter()
                    .map(|s| DocumentEntry {
                        path: format!("documents/{s}.bin"),
                        bytes: 1,
                        sha256: String::new(),
                        set: s.to_string(),
                    })
                    .collect(),
                keys: String::new(),
            },
        )
    }

    #[test]
    fn due_after_the_time_of_day_in_jst() {
        let at = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        // 17:29 UTC is 02:29 JST the next day: not yet.
        let before = "2026-12-05T17:29:00Z".parse().unwrap();
        assert_eq!(due_day(before, at), None);
        let after = "2026-12-05T17:31:00Z".parse().unwrap();
        assert_eq!(due_day(after, at), NaiveDate::from_ymd_opt(2026, 12, 6));
    }

    #[test]
    fn full_on_sundays_or_when_nothing_to_continue() {
        let sunday = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let monday = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert!(full_on(sunday, true));
        assert!(!full_on(monday, true));
        assert!(full_on(monday, false));
    }

    #[test]
    fn pruning_keeps_what_kept_sets_need() {
        let sets = vec![
            set("a", None, &["a"]),
            set("b", Some("a"), &["a", "b"]),
            set("c", None, &["c"]),
            set("d", Some("c"), &["c"]),
            set("e", Some("d"), &["c", "e"]),
        ];
        // Keep two: d and e, which need c; a and b go.
        assert_eq!(to_prune(&sets, 2), vec!["a".to_string(), "b".to_string()]);
        // Keep one: e needs d (its base) and c (a document).
        assert_eq!(to_prune(&sets, 1), vec!["a".to_string(), "b".to_string()]);
        assert!(to_prune(&sets, 10).is_empty());
        // Nothing kept is never asked for: at least the newest stays.
        assert_eq!(to_prune(&sets, 0).len(), 2);
    }
}
