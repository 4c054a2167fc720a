//! Who works at the help desk, as pages list them (names for assignees, filters and logs).

use std::collections::HashMap;

use crate::db::staff;
use crate::db::{Db, DbError};

pub use crate::db::staff::StaffRow;

/// Accounts that may sign in.
pub async fn active(db: &Db) -> Result<Vec<StaffRow>, DbError> {
    db.read(staff::active).await
}

/// Every account, disabled ones too.
pub async fn all(db: &Db) -> Result<Vec<StaffRow>, DbError> {
    db.read(staff::all).await
}

pub async fn find(db: &Db, id: &str) -> Result<Option<StaffRow>, DbError> {
    let id = id.to_string();
    db.read(move |conn| staff::find(conn, &id)).await
}

/// Display names by staff id, for every active account.
pub fn names(rows: &[StaffRow]) -> HashMap<String, String> {
    rows.iter()
        .map(|s| (s.id.clone(), s.display_name.clone()))
        .collect()
}
