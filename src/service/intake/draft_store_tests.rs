//! A browser's draft token names its row from the first save on; tokens that name no row (given
//! before tokens named rows) still find theirs by digest.

use chrono::Utc;

use super::draft::RequestDraft;
use super::submit::{StoredDraft, load_draft, save_draft};
use crate::auth::token;
use crate::db::{DatabaseUrl, Db};
use crate::domain::kind::RequestKind;
use crate::storage::crypto::MasterKey;

fn opened(stored: Option<StoredDraft>) -> Option<RequestDraft> {
    match stored {
        Some(StoredDraft::Open(draft)) => Some(*draft),
        _ => None,
    }
}

#[actix_web::test]
async fn the_first_save_names_the_row_and_the_secret_still_finds_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&DatabaseUrl::Sqlite(dir.path().join("drafts.db")), 2).unwrap();
    db.migrate().unwrap();
    let master = MasterKey::new([7; 32]);
    let now = Utc::now();
    let first = RequestDraft {
        kind: Some(RequestKind::Disclosure),
        ..RequestDraft::default()
    };

    let secret = token::generate();
    let named = save_draft(&db, &master, &secret, &first, now)
        .await
        .unwrap();
    let (id, kept) = token::draft_token_parts(&named);
    assert!(id.is_some(), "the token names its row: {named}");
    assert_eq!(kept, secret, "and keeps its secret");
    let load = |t: String| {
        let (db, master) = (&db, &master);
        async move { opened(load_draft(db, master, &t, now).await.unwrap()) }
    };
    assert_eq!(load(named.clone()).await, Some(first.clone()));
    assert_eq!(
        load(secret.clone()).await,
        Some(first.clone()),
        "found by digest"
    );

    // Saved again under either token: the same row, and the token stays as it is.
    let second = RequestDraft {
        kind: Some(RequestKind::Correction),
        ..first
    };
    assert_eq!(
        save_draft(&db, &master, &named, &second, now)
            .await
            .unwrap(),
        named
    );
    assert_eq!(load(secret.clone()).await, Some(second.clone()));
    assert_eq!(
        save_draft(&db, &master, &secret, &second, now)
            .await
            .unwrap(),
        secret
    );
    assert_eq!(load(named.clone()).await, Some(second));

    // The id alone, or the secret under another id, opens nothing.
    let id = id.unwrap();
    assert_eq!(load(token::draft_token(id, &token::generate())).await, None);
    assert_eq!(load(token::draft_token(id + 1, &secret)).await, None);
}
