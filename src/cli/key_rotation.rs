//! `madoguchi keys rotate` (docs/operations.md §7): the order of steps that makes a rotation
//! safe to interrupt. The database is moved to the new key first, the key files swapped second,
//! and the rotation marked finished last; a run after an interruption at any point resumes.

use chrono::Utc;

use super::{Exit, seal_before_exit};
use crate::config::Config;
use crate::secrets;
use crate::service::key_rotation::{self, Rotation, RotationError};
use crate::startup;
use crate::storage::crypto::MasterKey;

pub fn rotate_keys(config: &Config) -> Exit {
    let db = match startup::open_database(config) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit(2);
        }
    };
    let exit = rotate(config, &db);
    seal_before_exit(&db);
    exit
}

fn rotate(config: &Config, db: &crate::db::Db) -> Exit {
    let started = std::time::Instant::now();
    let current = MasterKey::new(config.secrets.document_key);
    let from_env = std::env::var("MADOGUCHI_DOCUMENT_KEY").is_ok();
    let next_on_disk = config.data_path(secrets::NEXT_DOCUMENT_KEY_FILE).exists();
    let under_way = match key_rotation::under_way(db) {
        Ok(under_way) => under_way,
        Err(e) => return fail(&RotationError::Db(e)),
    };
    // After an interruption between the file swap and the end, document.key already is the
    // new key: the run only checks every value and finishes.
    let finishing_on_disk = !from_env && under_way && !next_on_disk;
    // Nothing is written (not even the new key's file) before the plain refusals.
    if let Err(e) = key_rotation::refuse_if_servers_run(db, Utc::now())
        .and_then(|()| key_rotation::check_keys(db, &current, &current))
        .or_else(|e| match e {
            // A resumed rotation may have moved the sample already: checked with both keys below.
            RotationError::WrongKey { .. } if under_way => Ok(()),
            e => Err(e),
        })
    {
        return fail(&e);
    }
    let new = if finishing_on_disk {
        current.clone_key()
    } else {
        let new_from_env = std::env::var("MADOGUCHI_NEW_DOCUMENT_KEY").ok();
        if from_env && new_from_env.is_none() {
            eprintln!(
                "error: the document key comes from MADOGUCHI_DOCUMENT_KEY: set MADOGUCHI_NEW_DOCUMENT_KEY to a new key (`madoguchi keys` prints one) and run again"
            );
            return Exit(2);
        }
        match secrets::next_document_key(&config.data_dir, new_from_env.as_deref()) {
            Ok(bytes) => MasterKey::new(bytes),
            Err(why) => {
                eprintln!("error: {why}");
                return Exit(2);
            }
        }
    };
    let same = new.fingerprint() == current.fingerprint();
    if same && !under_way {
        return fail(&RotationError::SameKey(current.fingerprint()));
    }
    if let Err(e) = key_rotation::check_keys(db, &current, &new) {
        return fail(&e);
    }
    if let Err(e) = key_rotation::begin(db, &current, &new, Utc::now()) {
        return fail(&e);
    }
    let rotation = Rotation {
        db,
        current: &current,
        new: &new,
    };
    let rotated = match rotation.run() {
        Ok(rotated) => rotated,
        Err(e) => return fail(&e),
    };
    let retired = if from_env || finishing_on_disk {
        None
    } else {
        let stamp = Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
        match secrets::swap_document_keys(&config.data_dir, &stamp) {
            Ok(path) => Some(path),
            Err(e) => {
                eprintln!(
                    "error: every value is under the new key, but the key files could not be swapped ({e}); run `madoguchi keys rotate` again"
                );
                return Exit(1);
            }
        }
    };
    if let Err(e) = key_rotation::finish(db, &new, &rotated, Utc::now()) {
        return fail(&RotationError::Db(e));
    }
    println!(
        "document key rotated to {} in {:.1} s: {} values sealed again, {} already under the new key, {} cases re-indexed",
        new.fingerprint(),
        started.elapsed().as_secs_f64(),
        rotated.resealed,
        rotated.already_new,
        rotated.cases_reindexed
    );
    match retired {
        Some(path) => println!(
            "the old key is now {}: it opens no stored value any more, only backup sets taken before this rotation; keep it with those sets, away from this machine, and delete it here",
            path.display()
        ),
        None if from_env => println!(
            "set MADOGUCHI_DOCUMENT_KEY to the new key (the value of MADOGUCHI_NEW_DOCUMENT_KEY) for every instance, then remove MADOGUCHI_NEW_DOCUMENT_KEY; a server started with the old key refuses to start"
        ),
        None => {}
    }
    Exit(0)
}

fn fail(e: &RotationError) -> Exit {
    eprintln!("error: {e}");
    Exit(e.exit_code())
}
