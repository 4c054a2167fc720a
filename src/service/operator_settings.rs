//! Saving the operator profile: the ready profile an administrator chose (or the one
//! MADOGUCHI_PROFILE names, until one is chosen) with the administrator's adjustments, each save
//! audited in its transaction. Every instance reads it through its [`ProfileCache`].

use chrono::{DateTime, Utc};

use crate::db::audit::{self, AuditEvent};
use crate::db::operator_settings as rows;
use crate::db::{Db, DbError};
use crate::domain::operator_settings::{Adjustments, Problem};
use crate::domain::profile::ProfileName;
use crate::service::caches::ProfileCache;

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
        let mut adjustments = adjustments;
        if adjustments.letters.is_none() {
            adjustments.letters = Adjustments::of(&profile).letters;
        }
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

    /// Saves the letters page's values to the profile in use, over revision `seen`.
    pub async fn adjust_letters(
        &self,
        db: &Db,
        seen: i64,
        letters: crate::domain::letters::settings::LetterAdjustments,
        actor: (&str, &str),
        now: DateTime<Utc>,
    ) -> Result<(), SettingsError> {
        let profile = self.fresh(db).await?;
        let mut adjustments = Adjustments::of(&profile);
        adjustments.letters = Some(letters);
        let target = format!("{}:letters", profile.name);
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
