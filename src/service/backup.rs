//! Backup sets, their check, and restoring from one (`docs/operations.md §3`).
//!
//! A set is a directory `madoguchi-<UTC time>` under the backup target holding a snapshot of the
//! SQLite database, the encrypted documents (an incremental set only those not in the set before
//! it; its manifest names the set that holds each of the others) and `manifest.json` with every
//! file's size and SHA-256. It never holds a key: without the document key it is unreadable.
//! A set is written under a hidden name and renamed into place when complete, so a failed backup
//! leaves nothing that looks like a set.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::audit::{self, AuditEvent};
use crate::db::{DatabaseUrl, Db, DbError, backup as repo};
use crate::domain::audit_chain::{Intact, hex};
use crate::storage::crypto::MasterKey;

pub const FORMAT: &str = "madoguchi-backup/1";
const MANIFEST: &str = "manifest.json";
const DATABASE_FILE: &str = "madoguchi.db";
const DOCUMENTS: &str = "documents";
const SET_PREFIX: &str = "madoguchi-";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SetKind {
    Full,
    Incremental,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentEntry {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
    /// The set (a sibling directory) that holds the file: this one, or an earlier one.
    pub set: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub kind: SetKind,
    /// The set an incremental set continues.
    pub base: Option<String>,
    /// None when the database is PostgreSQL, whose own tools back it up.
    pub database: Option<FileEntry>,
    pub documents: Vec<DocumentEntry>,
    /// Where the keys are, which this set never holds.
    pub keys: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The command cannot start: a target that is not writable, a set that is not one, a
    /// database that already holds cases (exit 2; nothing is left half-done).
    #[error("{0}")]
    BadInput(String),
    /// A set does not match its manifest (exit 1).
    #[error("{0}")]
    Broken(String),
    /// Reading or writing failed midway (exit 1; what was written is removed).
    #[error("{0}")]
    Failed(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A set just written.
#[derive(Debug)]
pub struct Taken {
    pub set: PathBuf,
    pub manifest: Manifest,
    /// Bytes written into this set.
    pub bytes: u64,
    /// Documents copied into this set (the others are in earlier sets).
    pub copied: usize,
    pub manifest_sha256: String,
}

/// What a backup reads.
pub struct Sources<'a> {
    pub db: &'a Db,
    pub documents_dir: &'a Path,
    /// Where the keys are (printed and written into the manifest, never copied).
    pub keys: String,
    /// Who takes the set, for the audit log and the record: `cli` or `schedule`.
    pub taken_by: &'static str,
}

/// Removes a directory being written unless it was completed.
struct Unfinished(Option<PathBuf>);

impl Unfinished {
    fn done(mut self) {
        self.0 = None;
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            let _ = fs::remove_dir_all(dir);
        }
    }
}

fn failed(what: &Path, e: impl std::fmt::Display) -> BackupError {
    BackupError::Failed(format!("{}: {e}", what.display()))
}

/// Takes a set under `root` while the service runs, and records it in the audit log.
pub fn take(
    sources: &Sources<'_>,
    root: &Path,
    incremental: bool,
    now: DateTime<Utc>,
) -> Result<Taken, BackupError> {
    fs::create_dir_all(root)
        .map_err(|e| BackupError::BadInput(format!("backup target {}: {e}", root.display())))?;
    let base = if incremental {
        Some(latest_set(root)?.ok_or_else(|| {
            BackupError::BadInput(format!(
                "no earlier set in {} for an incremental backup to continue; take a full one first",
                root.display()
            ))
        })?)
    } else {
        None
    };
    let name = format!("{SET_PREFIX}{}", now.format("%Y%m%dT%H%M%S%3fZ"));
    let partial = root.join(format!(".{name}.partial"));
    fs::create_dir(&partial).map_err(|e| {
        BackupError::BadInput(format!(
            "backup target {} is not writable: {e}",
            root.display()
        ))
    })?;
    let unfinished = Unfinished(Some(partial.clone()));
    restrict(&partial, 0o700).map_err(|e| failed(&partial, e))?;
    let mut bytes = 0u64;

    let database = match sources.db.url() {
        DatabaseUrl::Sqlite(_) => {
            let file = partial.join(DATABASE_FILE);
            sources
                .db
                .with_reader(|conn| repo::snapshot_into(conn, &file))?;
            restrict(&file, 0o600).map_err(|e| failed(&file, e))?;
            fs::File::open(&file)
                .and_then(|f| f.sync_all())
                .map_err(|e| failed(&file, e))?;
            let (size, sha256) = hash_file(&file).map_err(|e| failed(&file, e))?;
            bytes += size;
            Some(FileEntry {
                path: DATABASE_FILE.into(),
                bytes: size,
                sha256,
            })
        }
        DatabaseUrl::Postgres(_) => None,
    };

    let documents_out = partial.join(DOCUMENTS);
    fs::create_dir(&documents_out).map_err(|e| failed(&documents_out, e))?;
    restrict(&documents_out, 0o700).map_err(|e| failed(&documents_out, e))?;
    let mut documents = Vec::new();
    let mut copied = 0;
    for file_name in document_files(sources.documents_dir)? {
        let path = format!("{DOCUMENTS}/{file_name}");
        let from = sources.documents_dir.join(&file_name);
        let Ok(size) = fs::metadata(&from).map(|m| m.len()) else {
            continue; // destroyed since the listing
        };
        // Documents never change once written (new ids, written aside and renamed): one the set
        // before already holds at this size is the same file.
        let earlier = base.as_ref().and_then(|(_, manifest)| {
            manifest
                .documents
                .iter()
                .find(|d| d.path == path && d.bytes == size)
        });
        if let Some(earlier) = earlier {
            documents.push(earlier.clone());
            continue;
        }
        let to = documents_out.join(&file_name);
        match copy_hashed(&from, &to) {
            Ok((size, sha256)) => {
                bytes += size;
                copied += 1;
                documents.push(DocumentEntry {
                    path,
                    bytes: size,
                    sha256,
                    set: name.clone(),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(failed(&from, e)),
        }
    }

    let manifest = Manifest {
        format: FORMAT.into(),
        name: name.clone(),
        created_at: now,
        kind: if base.is_some() {
            SetKind::Incremental
        } else {
            SetKind::Full
        },
        base: base.map(|(name, _)| name),
        database,
        documents,
        keys: sources.keys.clone(),
    };
    let text = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| BackupError::Failed(format!("manifest: {e}")))?;
    let manifest_path = partial.join(MANIFEST);
    write_synced(&manifest_path, &text).map_err(|e| failed(&manifest_path, e))?;
    let manifest_sha256 = hex(&Sha256::digest(&text));
    let set = root.join(&name);
    fs::rename(&partial, &set).map_err(|e| failed(&set, e))?;
    unfinished.done();
    sync_dir(root);

    let record = AuditEvent::new(now.naive_utc(), sources.taken_by, "backup.taken").target(
        format!("{name} bytes={bytes} manifest_sha256={manifest_sha256}"),
    );
    let kind = match manifest.kind {
        SetKind::Full => "full",
        SetKind::Incremental => "incremental",
    };
    sources.db.with_writer(|conn| {
        repo::record_set(
            conn,
            &name,
            now.naive_utc(),
            kind,
            i64::try_from(bytes).unwrap_or(i64::MAX),
            &manifest_sha256,
            sources.taken_by,
        )?;
        audit::append(conn, &record)
    })?;
    Ok(Taken {
        set,
        manifest,
        bytes,
        copied,
        manifest_sha256,
    })
}

/// What a sound set holds.
#[derive(Debug)]
pub struct Verified {
    pub manifest: Manifest,
    pub files: usize,
    pub bytes: u64,
}

/// Checks a set against its manifest: every file there (in this set or the earlier one named),
/// with its size and SHA-256.
pub fn verify(set: &Path) -> Result<Verified, BackupError> {
    let manifest = read_manifest(set)?;
    let parent = set.parent().unwrap_or(Path::new("."));
    let mut files = 0;
    let mut bytes = 0;
    let mut check = |holder: &Path, path: &str, size: u64, sha256: &str| {
        let file = holder.join(path);
        let (found, digest) = hash_file(&file).map_err(|e| {
            BackupError::Broken(format!("{}: missing or unreadable ({e})", file.display()))
        })?;
        if found != size {
            return Err(BackupError::Broken(format!(
                "{}: {found} bytes, the manifest says {size}",
                file.display()
            )));
        }
        if digest != sha256 {
            return Err(BackupError::Broken(format!(
                "{}: its SHA-256 differs from the manifest's (altered)",
                file.display()
            )));
        }
        files += 1;
        bytes += size;
        Ok(())
    };
    if let Some(db) = &manifest.database {
        if db.path != DATABASE_FILE {
            return Err(BackupError::Broken(format!(
                "the manifest names `{}` as the database",
                db.path
            )));
        }
        check(set, &db.path, db.bytes, &db.sha256)?;
    }
    for doc in &manifest.documents {
        if !plain_document_path(&doc.path) || !plain_name(&doc.set) {
            return Err(BackupError::Broken(format!(
                "the manifest names `{}` in `{}`, which is not a document of a set",
                doc.path, doc.set
            )));
        }
        let holder = if doc.set == manifest.name {
            set.to_path_buf()
        } else {
            parent.join(&doc.set)
        };
        check(&holder, &doc.path, doc.bytes, &doc.sha256)?;
    }
    Ok(Verified {
        manifest,
        files,
        bytes,
    })
}

/// Where a restore goes.
pub struct Target<'a> {
    pub url: &'a DatabaseUrl,
    pub documents_dir: &'a Path,
    pub master: &'a MasterKey,
}

/// A restore that passed its checks.
#[derive(Debug)]
pub struct Restored {
    pub cases: i64,
    pub documents: usize,
    pub audit: Intact,
}

/// Restores `set` into a database without cases and a documents directory without documents,
/// then checks the result: SQLite's integrity check, the audit log's seals, and every document
/// kept opened with the document key. Anything written is removed again when a check fails.
pub fn restore(set: &Path, target: &Target<'_>) -> Result<Restored, BackupError> {
    let manifest = match verify(set) {
        Ok(verified) => verified.manifest,
        Err(BackupError::Broken(why)) => {
            return Err(BackupError::BadInput(format!("the set is damaged: {why}")));
        }
        Err(other) => return Err(other),
    };
    if let DatabaseUrl::Sqlite(_) = target.url {
        if manifest.database.is_none() {
            return Err(BackupError::BadInput(
                "this set holds no database (it was taken on PostgreSQL): restore that with pg_restore"
                    .into(),
            ));
        }
        refuse_cases(target.url)?;
    }
    if document_files(target.documents_dir)?.next().is_some() {
        return Err(BackupError::BadInput(format!(
            "{} already holds documents; restore only into a data directory without any",
            target.documents_dir.display()
        )));
    }
    let parent = set.parent().unwrap_or(Path::new("."));
    let mut written = Written::default();
    match target.url {
        DatabaseUrl::Sqlite(file) => {
            let Some(database) = &manifest.database else {
                return Err(BackupError::BadInput("this set holds no database".into()));
            };
            if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
                fs::create_dir_all(dir)
                    .map_err(|e| BackupError::BadInput(format!("{}: {e}", dir.display())))?;
            }
            for old in sqlite_files(file) {
                let _ = fs::remove_file(old);
            }
            written.sqlite = Some(file.clone());
            let aside = file.with_extension("restoring");
            copy_hashed(&set.join(&database.path), &aside).map_err(|e| failed(&aside, e))?;
            fs::rename(&aside, file).map_err(|e| failed(file, e))?;
        }
        DatabaseUrl::Postgres(_) => {
            // The database part was restored with pg_restore beforehand (docs/operations.md §3).
            let db = Db::connect(target.url, 2)?;
            if !db.with_reader(repo::has_schema)? {
                return Err(BackupError::BadInput(
                    "the PostgreSQL database is empty: restore it with pg_restore first".into(),
                ));
            }
        }
    }
    let result = (|| {
        fs::create_dir_all(target.documents_dir).map_err(|e| failed(target.documents_dir, e))?;
        for doc in &manifest.documents {
            let holder = if doc.set == manifest.name {
                set.to_path_buf()
            } else {
                parent.join(&doc.set)
            };
            let file_name = doc.path.trim_start_matches("documents/");
            let to = target.documents_dir.join(file_name);
            written.documents.push(to.clone());
            copy_hashed(&holder.join(&doc.path), &to).map_err(|e| failed(&to, e))?;
        }
        check_restored(target, manifest.documents.len())
    })();
    match result {
        Ok(restored) => {
            written.keep();
            Ok(restored)
        }
        Err(e) => Err(e),
    }
}

/// What a restore wrote, removed unless it is kept.
#[derive(Default)]
struct Written {
    sqlite: Option<PathBuf>,
    documents: Vec<PathBuf>,
}

impl Written {
    fn keep(&mut self) {
        self.sqlite = None;
        self.documents.clear();
    }
}

impl Drop for Written {
    fn drop(&mut self) {
        if let Some(file) = self.sqlite.take() {
            for path in sqlite_files(&file) {
                let _ = fs::remove_file(path);
            }
        }
        for doc in self.documents.drain(..) {
            let _ = fs::remove_file(doc);
        }
    }
}

fn sqlite_files(file: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [file.to_path_buf(), with("-wal"), with("-shm")]
}

fn refuse_cases(url: &DatabaseUrl) -> Result<(), BackupError> {
    if let DatabaseUrl::Sqlite(file) = url
        && !file.exists()
    {
        return Ok(());
    }
    let db = Db::connect(url, 1)?;
    let (cases, running) = db.with_reader(|conn| {
        if !repo::has_schema(conn)? {
            return Ok((0, 0));
        }
        // A database from before servers registered has no such table: no server of this
        // version runs against it.
        let since = (Utc::now() - crate::service::key_rotation::SERVER_SILENT_AFTER).naive_utc();
        let running = crate::db::instances::seen_since(conn, since).map_or(0, |seen| seen.len());
        Ok((repo::case_count(conn)?, running))
    })?;
    if running > 0 {
        return Err(BackupError::BadInput(format!(
            "{running} server instance(s) use database {} now; stop them before restoring into it",
            url.redacted()
        )));
    }
    if cases > 0 {
        return Err(BackupError::BadInput(format!(
            "database {} holds {cases} cases; restore only into a database without any",
            url.redacted()
        )));
    }
    Ok(())
}

fn check_restored(target: &Target<'_>, documents: usize) -> Result<Restored, BackupError> {
    let db = Db::connect(target.url, 2)?;
    db.migrate()?;
    let integrity = db.with_reader(repo::integrity)?;
    if integrity != "ok" {
        return Err(BackupError::Failed(format!(
            "the restored database fails SQLite's integrity check: {integrity}"
        )));
    }
    let audit = match crate::service::audit_log::verify(&db)
        .map_err(|crate::service::audit_log::AuditLogError::Db(e)| BackupError::Db(e))?
    {
        Ok(intact) => intact,
        Err(broken) => {
            return Err(BackupError::Failed(format!(
                "the restored audit log is broken: {broken}"
            )));
        }
    };
    for (id, wrapped_key) in db.with_reader(repo::kept_documents)? {
        let file = target.documents_dir.join(format!("{id}.bin"));
        let blob = fs::read(&file).map_err(|e| {
            BackupError::Failed(format!("document {id} has no file in the set ({e})"))
        })?;
        if target
            .master
            .open_document(&id, &wrapped_key, &blob)
            .is_err()
        {
            return Err(BackupError::BadInput(format!(
                "document {id} does not open with this document key: give the key the set was taken with (MADOGUCHI_DOCUMENT_KEY or document.key in the data directory)"
            )));
        }
    }
    db.with_writer(crate::db::instances::forget_all)?;
    let cases = db.with_reader(repo::case_count)?;
    Ok(Restored {
        cases,
        documents,
        audit,
    })
}

/// Every complete set under `root` with its manifest, oldest first (names sort by time).
pub fn sets(root: &Path) -> Result<Vec<(String, Manifest)>, BackupError> {
    let mut names: Vec<String> = fs::read_dir(root)
        .map_err(|e| BackupError::BadInput(format!("{}: {e}", root.display())))?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with(SET_PREFIX))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let manifest = read_manifest(&root.join(&name))?;
            Ok((name, manifest))
        })
        .collect()
}

/// The newest complete set under `root`, by name (names sort by time).
fn latest_set(root: &Path) -> Result<Option<(String, Manifest)>, BackupError> {
    let mut names: Vec<String> = fs::read_dir(root)
        .map_err(|e| BackupError::BadInput(format!("{}: {e}", root.display())))?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with(SET_PREFIX))
        .collect();
    names.sort();
    match names.pop() {
        Some(name) => {
            let manifest = read_manifest(&root.join(&name))?;
            Ok(Some((name, manifest)))
        }
        None => Ok(None),
    }
}

fn read_manifest(set: &Path) -> Result<Manifest, BackupError> {
    if !set.is_dir() {
        return Err(BackupError::BadInput(format!(
            "{} is not a backup set (no such directory)",
            set.display()
        )));
    }
    let path = set.join(MANIFEST);
    let text = fs::read(&path).map_err(|e| {
        BackupError::BadInput(format!(
            "{} is not a backup set: {MANIFEST}: {e}",
            set.display()
        ))
    })?;
    let manifest: Manifest = serde_json::from_slice(&text)
        .map_err(|e| BackupError::Broken(format!("{}: not a manifest ({e})", path.display())))?;
    if manifest.format != FORMAT {
        return Err(BackupError::Broken(format!(
            "{}: format `{}`, expected `{FORMAT}`",
            path.display(),
            manifest.format
        )));
    }
    Ok(manifest)
}

/// The names of the stored documents (`<id>.bin`), sorted; none when the directory is missing.
fn document_files(dir: &Path) -> Result<std::vec::IntoIter<String>, BackupError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new().into_iter()),
        Err(e) => return Err(BackupError::BadInput(format!("{}: {e}", dir.display()))),
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| plain_document_path(&format!("{DOCUMENTS}/{n}")))
        .collect();
    names.sort();
    Ok(names.into_iter())
}

/// `documents/<id>.bin` with an id of letters, digits and dashes: nothing a manifest says can
/// point a restore outside the data directory.
fn plain_document_path(path: &str) -> bool {
    path.strip_prefix("documents/")
        .and_then(|name| name.strip_suffix(".bin"))
        .is_some_and(|id| {
            !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn plain_name(name: &str) -> bool {
    name.starts_with(SET_PREFIX) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        size += read as u64;
    }
    Ok((size, hex(&hasher.finalize())))
}

/// Copies `from` to the new file `to` (owner-only), hashing as it goes, and flushes it to disk.
fn copy_hashed(from: &Path, to: &Path) -> std::io::Result<(u64, String)> {
    let mut source = fs::File::open(from)?;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut target = options.open(to)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let read = source.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        target.write_all(&buffer[..read])?;
        size += read as u64;
    }
    target.sync_all()?;
    Ok((size, hex(&hasher.finalize())))
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// A set holds personal data: readable by the service account only.
fn restrict(path: &Path, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Makes a rename inside `dir` durable.
fn sync_dir(dir: &Path) {
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}
