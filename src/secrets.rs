//! Secrets that must survive restarts: the session cookie key and the document master key. Taken
//! from the environment when set there; otherwise read from, or generated into, the data directory
//! with mode 0600 so that a fresh install needs no configuration.

use std::fmt;
use std::io::Write;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rand::RngCore;

pub const SESSION_KEY_LEN: usize = 64;
pub const DOCUMENT_KEY_LEN: usize = 32;

#[derive(Clone)]
pub struct Secrets {
    /// The key new session cookies are sealed under.
    pub session_key: [u8; SESSION_KEY_LEN],
    /// Keys a cookie may still be sealed under while the session key changes (the previous key,
    /// and the next one before it takes over): read, never used for new cookies
    /// (docs/operations.md §8).
    pub other_session_keys: Vec<[u8; SESSION_KEY_LEN]>,
    pub document_key: [u8; DOCUMENT_KEY_LEN],
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secrets(<redacted>)")
    }
}

pub fn load_or_create(
    data_dir: &Path,
    session_from_env: Option<&str>,
    document_from_env: Option<&str>,
) -> Result<Secrets, Vec<String>> {
    let session = key::<SESSION_KEY_LEN>(
        data_dir,
        "MADOGUCHI_SESSION_KEY",
        "session.key",
        session_from_env,
    );
    let document = key::<DOCUMENT_KEY_LEN>(
        data_dir,
        "MADOGUCHI_DOCUMENT_KEY",
        "document.key",
        document_from_env,
    );
    match (session, document) {
        (Ok(session_key), Ok(document_key)) => Ok(Secrets {
            session_key,
            other_session_keys: Vec::new(),
            document_key,
        }),
        (session, document) => Err([session.err(), document.err()]
            .into_iter()
            .flatten()
            .collect()),
    }
}

fn key<const N: usize>(
    data_dir: &Path,
    var: &str,
    file: &str,
    from_env: Option<&str>,
) -> Result<[u8; N], String> {
    if let Some(encoded) = from_env {
        return decode::<N>(encoded).map_err(|why| format!("{var}: {why}"));
    }
    let path = data_dir.join(file);
    match std::fs::read_to_string(&path) {
        Ok(encoded) => {
            decode::<N>(encoded.trim()).map_err(|why| format!("{}: {why}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => generate::<N>(&path).map_err(|e| {
            format!(
                "{}: cannot create ({e}); set {var} or make the data directory writable",
                path.display()
            )
        }),
        Err(e) => Err(format!("{}: cannot read ({e})", path.display())),
    }
}

fn decode<const N: usize>(encoded: &str) -> Result<[u8; N], String> {
    let bytes = BASE64
        .decode(encoded.trim())
        .map_err(|_| format!("not valid base64 (expected {N} random bytes, base64-encoded)"))?;
    <[u8; N]>::try_from(bytes.as_slice())
        .map_err(|_| format!("decodes to {} bytes, expected exactly {N}", bytes.len()))
}

fn generate<const N: usize>(path: &Path) -> std::io::Result<[u8; N]> {
    let mut key = [0u8; N];
    rand::rng().fill_bytes(&mut key);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
        restrict_dir(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(BASE64.encode(key).as_bytes())?;
            file.sync_all()?;
            Ok(key)
        }
        // Another instance sharing the data directory generated it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let encoded = std::fs::read_to_string(path)?;
            decode::<N>(&encoded).map_err(std::io::Error::other)
        }
        Err(e) => Err(e),
    }
}

/// Where a key rotation keeps the new document key until it is finished (docs/operations.md §7).
pub const NEXT_DOCUMENT_KEY_FILE: &str = "document.key.next";

/// The new document key of a rotation: `new_from_env` when keys come from the environment,
/// otherwise read from, or generated into, `document.key.next` (so an interrupted rotation
/// resumes with the same key). `None` when the rotation already swapped the files.
pub fn next_document_key(
    data_dir: &Path,
    new_from_env: Option<&str>,
) -> Result<[u8; DOCUMENT_KEY_LEN], String> {
    key::<DOCUMENT_KEY_LEN>(
        data_dir,
        "MADOGUCHI_NEW_DOCUMENT_KEY",
        NEXT_DOCUMENT_KEY_FILE,
        new_from_env,
    )
}

/// Ends a rotation on disk: the current `document.key` is renamed `document.key.retired-<stamp>`
/// and `document.key.next` becomes `document.key`. Returns the retired key's path.
pub fn swap_document_keys(data_dir: &Path, stamp: &str) -> std::io::Result<std::path::PathBuf> {
    let retired = data_dir.join(format!("document.key.retired-{stamp}"));
    std::fs::rename(data_dir.join("document.key"), &retired)?;
    std::fs::rename(
        data_dir.join(NEXT_DOCUMENT_KEY_FILE),
        data_dir.join("document.key"),
    )?;
    std::fs::File::open(data_dir)?.sync_all()?;
    Ok(retired)
}

/// The session key that takes over at the next step of a change (docs/operations.md §8).
pub const NEXT_SESSION_KEY_FILE: &str = "session.key.next";
/// The session key a change replaced; cookies under it are still read.
pub const PREVIOUS_SESSION_KEY_FILE: &str = "session.key.previous";

/// The other session keys cookies are read under: the previous and the next one, each from its
/// variable when set, otherwise from its file when the file exists (never generated).
pub fn other_session_keys(
    data_dir: &Path,
    previous_from_env: Option<&str>,
    next_from_env: Option<&str>,
) -> Result<Vec<[u8; SESSION_KEY_LEN]>, Vec<String>> {
    let mut keys = Vec::new();
    let mut problems = Vec::new();
    for (var, file, from_env) in [
        (
            "MADOGUCHI_SESSION_KEY_PREVIOUS",
            PREVIOUS_SESSION_KEY_FILE,
            previous_from_env,
        ),
        (
            "MADOGUCHI_SESSION_KEY_NEXT",
            NEXT_SESSION_KEY_FILE,
            next_from_env,
        ),
    ] {
        let read = match from_env {
            Some(encoded) => {
                Some(decode::<SESSION_KEY_LEN>(encoded).map_err(|why| format!("{var}: {why}")))
            }
            None => {
                let path = data_dir.join(file);
                match std::fs::read_to_string(&path) {
                    Ok(encoded) => Some(
                        decode::<SESSION_KEY_LEN>(encoded.trim())
                            .map_err(|why| format!("{}: {why}", path.display())),
                    ),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                    Err(e) => Some(Err(format!("{}: cannot read ({e})", path.display()))),
                }
            }
        };
        match read {
            Some(Ok(key)) => keys.push(key),
            Some(Err(problem)) => problems.push(problem),
            None => {}
        }
    }
    if problems.is_empty() {
        Ok(keys)
    } else {
        Err(problems)
    }
}

/// What one step of changing the session key did (docs/operations.md §8).
#[derive(Debug, PartialEq, Eq)]
pub enum SessionKeyStep {
    /// `session.key.next` was written: every instance, once restarted, reads cookies under it.
    Prepared,
    /// `session.key` became `session.key.previous` and `session.key.next` became `session.key`:
    /// every instance, once restarted, seals new cookies under the new key and re-seals old ones.
    Promoted,
}

/// The next step of changing the session key kept in `data_dir`: writes a new next key when there
/// is none, and otherwise makes it the current key (the current one becomes the previous, in
/// place of any older previous key).
pub fn step_session_key(data_dir: &Path) -> std::io::Result<SessionKeyStep> {
    let next = data_dir.join(NEXT_SESSION_KEY_FILE);
    if !next.exists() {
        generate::<SESSION_KEY_LEN>(&next)?;
        return Ok(SessionKeyStep::Prepared);
    }
    let current = data_dir.join("session.key");
    // The next key must be readable before anything moves.
    let encoded = std::fs::read_to_string(&next)?;
    decode::<SESSION_KEY_LEN>(encoded.trim()).map_err(std::io::Error::other)?;
    if current.exists() {
        std::fs::rename(&current, data_dir.join(PREVIOUS_SESSION_KEY_FILE))?;
    }
    std::fs::rename(&next, &current)?;
    std::fs::File::open(data_dir)?.sync_all()?;
    Ok(SessionKeyStep::Promoted)
}

/// The data directory holds the database, keys, documents and mail: owner only.
pub fn restrict_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// A fresh random key, base64-encoded, for operators who set keys in the environment.
pub fn generate_encoded(len: usize) -> String {
    let mut key = vec![0u8; len];
    rand::rng().fill_bytes(&mut key);
    BASE64.encode(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_persist_with_owner_only_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create(dir.path(), None, None).unwrap();
        let again = load_or_create(dir.path(), None, None).unwrap();
        assert_eq!(first.session_key, again.session_key);
        assert_eq!(first.document_key, again.document_key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("session.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn keys_from_the_environment_win_and_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let session = generate_encoded(SESSION_KEY_LEN);
        let secrets = load_or_create(dir.path(), Some(&session), None).unwrap();
        assert_eq!(BASE64.encode(secrets.session_key), session);
        assert!(!dir.path().join("session.key").exists());

        let short = BASE64.encode([1u8; 16]);
        let problems = load_or_create(dir.path(), Some(&short), Some("%%%")).unwrap_err();
        assert_eq!(problems.len(), 2);
        assert!(problems[0].contains("decodes to 16 bytes, expected exactly 64"));
        assert!(problems[1].contains("MADOGUCHI_DOCUMENT_KEY: not valid base64"));
    }
}
