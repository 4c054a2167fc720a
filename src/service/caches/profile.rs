//! The operator profile as this instance last loaded it: for pages, `current`; for writes that
//! depend on it, `fresh` (one tiny query compares revisions).

use std::sync::Arc;

use chrono::NaiveDateTime;

use super::Revisioned;
use crate::db::operator_settings::{self as rows, SettingsRow};
use crate::db::{Db, DbError};
use crate::domain::operator_settings::Adjustments;
use crate::domain::profile::{OperatorProfile, ProfileName};

/// Who last saved the profile, and the revision a form was rendered at.
#[derive(Debug, Clone)]
pub struct Saved {
    pub revision: i64,
    pub changed_by: Option<String>,
    pub changed_at: Option<NaiveDateTime>,
    /// Whether an administrator has saved a profile (otherwise the configured one applies).
    pub administered: bool,
}

pub struct ProfileCache {
    pub(in crate::service) configured: ProfileName,
    loaded: Revisioned<OperatorProfile>,
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
