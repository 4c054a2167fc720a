//! `madoguchi keys rotate-session` (docs/operations.md §8): one step of changing the session key
//! per run. The first writes the next key, which every instance reads cookies under once
//! restarted; the second makes it the key new cookies are sealed under, the old one becoming the
//! previous key, still read. Two steps because with several instances none may seal a cookie
//! under a key another instance cannot yet read.

use chrono::Utc;

use super::{Exit, seal_before_exit};
use crate::config::Config;
use crate::secrets::{self, SessionKeyStep};
use crate::startup;

pub fn rotate_session_key(config: &Config) -> Exit {
    if std::env::var("MADOGUCHI_SESSION_KEY").is_ok() {
        say!("The session key comes from MADOGUCHI_SESSION_KEY; nothing was written. In turn:");
        say!(
            "1. On every instance set MADOGUCHI_SESSION_KEY_NEXT={} and restart each.",
            secrets::generate_encoded(secrets::SESSION_KEY_LEN)
        );
        say!(
            "2. Then on every instance set MADOGUCHI_SESSION_KEY_PREVIOUS to the current MADOGUCHI_SESSION_KEY, MADOGUCHI_SESSION_KEY to that new key, remove MADOGUCHI_SESSION_KEY_NEXT, and restart each."
        );
        say!(
            "3. After {} hours (the longest staff session) and a day, remove MADOGUCHI_SESSION_KEY_PREVIOUS.",
            config.session_max_hours
        );
        return super::after_output(0);
    }
    let db = match startup::open_database(config) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit(2);
        }
    };
    let step = match secrets::step_session_key(&config.data_dir) {
        Ok(step) => step,
        Err(e) => {
            eprintln!(
                "error: cannot change the session key in {}: {e}",
                config.data_dir.display()
            );
            return Exit(2);
        }
    };
    let recorded = crate::service::key_rotation::record_session_key_step(&db, &step, Utc::now());
    seal_before_exit(&db);
    match step {
        SessionKeyStep::Prepared => {
            say!("Wrote {}.", secrets::NEXT_SESSION_KEY_FILE);
            say!(
                "Next: restart every instance (each then also reads cookies under the new key), then run `madoguchi keys rotate-session` again."
            );
        }
        SessionKeyStep::Promoted => {
            say!(
                "The new key is {}; the old one is {}.",
                "session.key",
                secrets::PREVIOUS_SESSION_KEY_FILE
            );
            say!(
                "Next: restart every instance. Browsers keep their sessions; each cookie is sealed again under the new key on its next request."
            );
            say!(
                "After {} hours (the longest staff session) and a day, delete {} (the next change replaces it anyway).",
                config.session_max_hours,
                secrets::PREVIOUS_SESSION_KEY_FILE
            );
        }
    }
    match recorded {
        Ok(()) => super::after_output(0),
        Err(e) => {
            eprintln!("error: the key step was done but not recorded in the audit log: {e}");
            Exit(1)
        }
    }
}
