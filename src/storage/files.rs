//! Encrypted blobs on disk under random names. Only ciphertext is ever written; a partial write
//! is never visible because files are written aside and renamed into place.

use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct BlobStore {
    dir: PathBuf,
}

impl BlobStore {
    pub fn open(dir: impl Into<PathBuf>) -> std::io::Result<BlobStore> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(BlobStore { dir })
    }

    fn path(&self, id: &str) -> std::io::Result<PathBuf> {
        // Ids are generated UUIDs; anything else would be a bug or an attack on the path.
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "invalid blob id",
            ));
        }
        Ok(self.dir.join(format!("{id}.bin")))
    }

    pub fn write(&self, id: &str, blob: &[u8]) -> std::io::Result<()> {
        let path = self.path(id)?;
        let aside = self.dir.join(format!(".{id}.partial"));
        {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options.open(&aside)?;
            file.write_all(blob)?;
            file.sync_all()?;
        }
        std::fs::rename(&aside, &path)?;
        Ok(())
    }

    pub fn read(&self, id: &str) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.path(id)?)
    }

    /// Removes the blob; removing one that is already gone is not an error.
    pub fn delete(&self, id: &str) -> std::io::Result<()> {
        match std::fs::remove_file(self.path(id)?) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_round_trip_and_delete() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path().join("docs")).unwrap();
        store.write("0190-abc", b"ciphertext").unwrap();
        assert_eq!(store.read("0190-abc").unwrap(), b"ciphertext");
        store.delete("0190-abc").unwrap();
        store.delete("0190-abc").unwrap();
        assert!(store.read("0190-abc").is_err());
        assert!(store.write("../escape", b"x").is_err());
        assert!(store.write("", b"x").is_err());
    }
}
