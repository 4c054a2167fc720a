//! The operator profile as every instance sees it: the ready profile an administrator chose (or
//! the one MADOGUCHI_PROFILE names, until one is chosen) with the administrator's adjustments,
//! cached with the database's revision like the calendar and the fee schedules.

use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::db::audit::{self, AuditEvent};
use crate::db::operator_settings::{self as rows, SettingsRow};
use crate::db::{Db, DbError};
use crate::domain::operator_settings::{Adjustments, Problem};
use crate::domain::profile::{OperatorProfile, ProfileName};
use crate::service::revisioned::Revisioned;

pub struct ProfileCache {
    configured: ProfileName,
    loaded: Revisioned<OperatorProfile>,
}

/// Who last saved the profile, and the revision a form was rendered at.
#[derive(Debug, Clone)]
pub struct Saved {
    pub revision: i64,
    pub changed_by: Option<String>,
    pub changed_at: Option<NaiveDateTime>,
    /// Whether an administrator has saved a profile (otherwise the configured one applies).
    pub administered: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("the profile cannot be saved")]
    Invalid(Vec<(&'static str, Problem)>),
    /// A ready profile carries the regime every case is decided under; once a request has been
    /// received, exchanging it would change the rules of cases already running.
    #[error("the ready profile cannot be exchanged once requests have been received")]
    CasesExist,
    #[error("another administrator saved the profile meanwhile")]
    Stale,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl ProfileCache {
    pub fn new(configured: ProfileName) -> ProfileCache {
        ProfileCache {
            configured,
            loaded: Revisioned::new(configured.profile()),
        }
    }

    /// As last loaded (at most one refresh interval old): for pages.
    pub fn current(&self) -> Arc<OperatorProfile> {
        self.loaded.current()
    }

    /// As the database has it now: for writes that depend on it.
    pub async fn fresh(&self, db: &Db) -> Result<Arc<OperatorProfile>, DbError> {
        let known = self.loaded.revision();
        let loaded = db
            .read(move |conn| {
                if rows::revision(conn)? == known {
                    return Ok(None);
                }
                Ok(Some(rows::current(conn)?))
            })
            .await?;
        Ok(match loaded {
            Some(row) => self
                .loaded
                .offer(row.revision, profile_of(self.configured, &row)),
            None => self.current(),
        })
    }

    /// Who saved the profile last, at which revision.
    pub async fn saved(&self, db: &Db) -> Result<Saved, DbError> {
        let row = db.read(rows::current).await?;
        Ok(Saved {
            revision: row.revision,
            administered: row.profile.is_some(),
            changed_by: row.changed_by,
            changed_at: row.changed_at,
        })
    }

    /// Whether a ready profile may still be exchanged (no request received yet).
    pub async fn may_exchange(&self, db: &Db) -> Result<bool, DbError> {
        Ok(!db.read(rows::any_case).await?)
    }

    /// Saves `adjustments` to the profile in use, over revision `seen`.
    pub async fn adjust(
        &self,
        db: &Db,
        seen: i64,
        adjustments: Adjustments,
        actor: (&str, &str),
        now: DateTime<Utc>,
    ) -> Result<(), SettingsError> {
        let profile = self.fresh(db).await?;
        let changed = adjustments.changed_from(&Adjustments::of(&profile));
        let target = format!("{}:{}", profile.name, changed.join(","));
        self.save(
            db,
            seen,
            (profile.name, adjustments),
            false,
            (actor, target),
            now,
        )
        .await
    }

    /// Exchanges the ready profile for `name`, with its own values, over revision `seen`.
    pub async fn choose(
        &self,
        db: &Db,
        seen: i64,
        name: ProfileName,
        actor: (&str, &str),
        now: DateTime<Utc>,
    ) -> Result<(), SettingsError> {
        let before = self.fresh(db).await?.name;
        let adjustments = Adjustments::of(&name.profile());
        let target = format!("{before}->{name}");
        self.save(db, seen, (name, adjustments), true, (actor, target), now)
            .await
    }

    async fn save(
        &self,
        db: &Db,
        seen: i64,
        (name, adjustments): (ProfileName, Adjustments),
        exchanging: bool,
        ((actor, role), target): ((&str, &str), String),
        now: DateTime<Utc>,
    ) -> Result<(), SettingsError> {
        let json =
            serde_json::to_string(&adjustments).map_err(|e| DbError::Unavailable(e.to_string()))?;
        let action = if exchanging {
            "profile.chosen"
        } else {
            "profile.adjusted"
        };
        let event = AuditEvent::new(now.naive_utc(), format!("staff:{actor}"), action)
            .role(role)
            .target(target);
        let actor = actor.to_string();
        let outcome = db
            .write(move |conn| {
                // Checked in the transaction that saves, so a request received meanwhile counts.
                if exchanging && rows::any_case(conn)? {
                    return Ok(Err(SettingsError::CasesExist));
                }
                if !rows::save(conn, seen, (name.as_str(), &json), &actor, now.naive_utc())? {
                    return Ok(Err(SettingsError::Stale));
                }
                audit::append(conn, &event)?;
                Ok(Ok(()))
            })
            .await?;
        outcome?;
        self.fresh(db).await?;
        Ok(())
    }
}

/// The profile a settings row describes: its ready profile (or `configured`, until one is chosen)
/// with its adjustments.
pub fn profile_of(configured: ProfileName, row: &SettingsRow) -> OperatorProfile {
    let ready = match row.profile.as_deref().map(str::parse::<ProfileName>) {
        Some(Ok(name)) => name,
        Some(Err(e)) => {
            // Written by this application; unreadable means a newer version wrote it.
            tracing::warn!(error = %e, "chosen profile not understood; the configured one applies");
            configured
        }
        None => configured,
    }
    .profile();
    match row
        .adjustments
        .as_deref()
        .map(serde_json::from_str::<Adjustments>)
    {
        Some(Ok(adjustments)) => adjustments.apply(ready),
        Some(Err(e)) => {
            tracing::warn!(error = %e, "profile adjustments not understood; ignored");
            ready
        }
        None => ready,
    }
}
