//! Envelope encryption with AES-256-GCM. Each document gets a fresh random data key; the data key
//! is stored only wrapped by the master key (beside the document's database row, not in the file).
//! Destroying the wrapped key makes the document unreadable even if a copy of the file survives,
//! e.g. in a backup. Both layers bind the document id as associated data, so a blob or key moved to
//! another record fails to open.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use rand::RngCore;
use zeroize::Zeroizing;

const NONCE_LEN: usize = 12;
/// First byte of every sealed value, so the format can change without guessing.
const FORMAT_V1: u8 = 1;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("encryption failed")]
    Seal,
    #[error("the data cannot be decrypted with this key for this record")]
    Open,
    #[error("unknown encryption format")]
    Format,
}

/// A document ready for storage: `wrapped_key` goes to the database, `blob` to the file.
pub struct SealedDocument {
    pub wrapped_key: Vec<u8>,
    pub blob: Vec<u8>,
}

pub struct MasterKey(Zeroizing<[u8; 32]>);

impl MasterKey {
    pub fn new(bytes: [u8; 32]) -> MasterKey {
        MasterKey(Zeroizing::new(bytes))
    }

    /// A second handle on the same key, for work moved to another thread.
    pub fn clone_key(&self) -> MasterKey {
        MasterKey(self.0.clone())
    }

    /// The key's bytes, for deriving the search-index key from it.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&Key::<Aes256Gcm>::from(*self.0))
    }

    pub fn seal_document(
        &self,
        record_id: &str,
        plaintext: &[u8],
    ) -> Result<SealedDocument, CryptoError> {
        let mut data_key = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(data_key.as_mut_slice());
        let blob = seal(
            &Aes256Gcm::new(&Key::<Aes256Gcm>::from(*data_key)),
            record_id.as_bytes(),
            plaintext,
        )?;
        let wrapped_key = seal(&self.cipher(), &key_aad(record_id), data_key.as_slice())?;
        Ok(SealedDocument { wrapped_key, blob })
    }

    pub fn open_document(
        &self,
        record_id: &str,
        wrapped_key: &[u8],
        blob: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let data_key = Zeroizing::new(open(&self.cipher(), &key_aad(record_id), wrapped_key)?);
        if data_key.len() != 32 {
            return Err(CryptoError::Open);
        }
        let key = *Key::<Aes256Gcm>::from_slice(data_key.as_slice());
        open(&Aes256Gcm::new(&key), record_id.as_bytes(), blob).map(Zeroizing::new)
    }

    /// Seals a small value (an outgoing e-mail, a field) directly under the master key.
    pub fn seal_value(&self, record_id: &str, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        seal(&self.cipher(), record_id.as_bytes(), plaintext)
    }

    pub fn open_value(
        &self,
        record_id: &str,
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        open(&self.cipher(), record_id.as_bytes(), sealed).map(Zeroizing::new)
    }
}

/// How a sealed value is bound to its record: a value sealed directly (an e-mail, a field), or a
/// document's data key wrapped by the master key.
#[derive(Debug, Clone, Copy)]
pub enum Binding<'a> {
    Value(&'a str),
    DocumentKey(&'a str),
}

impl Binding<'_> {
    fn aad(&self) -> Vec<u8> {
        match self {
            Binding::Value(record) => record.as_bytes().to_vec(),
            Binding::DocumentKey(record) => key_aad(record),
        }
    }
}

impl MasterKey {
    /// Whether this key opens `sealed` for its record.
    pub fn opens(&self, binding: Binding<'_>, sealed: &[u8]) -> bool {
        open(&self.cipher(), &binding.aad(), sealed).is_ok()
    }

    /// Opens `sealed` under this key and seals the same plaintext under `new` (key rotation).
    pub fn reseal(
        &self,
        new: &MasterKey,
        binding: Binding<'_>,
        sealed: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let aad = binding.aad();
        let plain = Zeroizing::new(open(&self.cipher(), &aad, sealed)?);
        seal(&new.cipher(), &aad, &plain)
    }

    /// A short public name for the key (the first 8 bytes of a labelled SHA-256, in hex), so
    /// an operator can tell keys apart without showing them.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update(b"madoguchi master key fingerprint v1");
        hasher.update(self.0.as_slice());
        crate::auth::token::hex(&hasher.finalize()[..8])
    }
}

fn key_aad(record_id: &str) -> Vec<u8> {
    [b"madoguchi-data-key:".as_slice(), record_id.as_bytes()].concat()
}

/// `[format][nonce][ciphertext+tag]`
fn seal(cipher: &Aes256Gcm, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    // The thread's CSPRNG (ChaCha, seeded by the OS) rather than a system call per nonce: a
    // submission seals four values, and each `getrandom` call showed in its profile.
    let mut nonce_bytes = [0u8; NONCE_LEN];
    rand::rng().fill_bytes(&mut nonce_bytes);
    let nonce = Nonce::from(nonce_bytes);
    let ciphertext = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| CryptoError::Seal)?;
    let mut out = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
    out.push(FORMAT_V1);
    out.extend_from_slice(nonce.as_slice());
    out.extend_from_slice(&ciphertext);
    Ok(out)
}

fn open(cipher: &Aes256Gcm, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let (&format, rest) = sealed.split_first().ok_or(CryptoError::Format)?;
    if format != FORMAT_V1 || rest.len() < NONCE_LEN {
        return Err(CryptoError::Format);
    }
    let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
    let nonce = *Nonce::from_slice(nonce);
    cipher
        .decrypt(
            &nonce,
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map_err(|_| CryptoError::Open)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reseal_moves_values_and_document_keys_to_the_new_key() {
        let (old, new) = (master(1), master(2));
        let value = old.seal_value("message:1", b"hello").unwrap();
        let moved = old
            .reseal(&new, Binding::Value("message:1"), &value)
            .unwrap();
        assert!(!old.opens(Binding::Value("message:1"), &moved));
        assert_eq!(
            new.open_value("message:1", &moved).unwrap().as_slice(),
            b"hello"
        );
        // Bound to its record: resealing under another record's name fails.
        assert!(
            old.reseal(&new, Binding::Value("message:2"), &value)
                .is_err()
        );

        let doc = old.seal_document("doc-1", b"scan").unwrap();
        let wrapped = old
            .reseal(&new, Binding::DocumentKey("doc-1"), &doc.wrapped_key)
            .unwrap();
        assert!(new.opens(Binding::DocumentKey("doc-1"), &wrapped));
        assert_eq!(
            new.open_document("doc-1", &wrapped, &doc.blob)
                .unwrap()
                .as_slice(),
            b"scan"
        );
        assert!(old.open_document("doc-1", &wrapped, &doc.blob).is_err());
        assert_ne!(old.fingerprint(), new.fingerprint());
        assert_eq!(old.fingerprint().len(), 16);
    }

    fn master(byte: u8) -> MasterKey {
        MasterKey::new([byte; 32])
    }

    #[test]
    fn a_document_opens_only_with_its_key_its_record_and_its_master() {
        let key = master(7);
        let sealed = key
            .seal_document("doc-1", b"%PDF-1.7 health record")
            .unwrap();
        assert!(
            !sealed.blob.windows(6).any(|w| w == b"health"),
            "no plaintext in the blob"
        );
        assert_eq!(
            key.open_document("doc-1", &sealed.wrapped_key, &sealed.blob)
                .unwrap()
                .as_slice(),
            b"%PDF-1.7 health record"
        );
        assert_eq!(
            key.open_document("doc-2", &sealed.wrapped_key, &sealed.blob)
                .err(),
            Some(CryptoError::Open)
        );
        assert_eq!(
            master(8)
                .open_document("doc-1", &sealed.wrapped_key, &sealed.blob)
                .err(),
            Some(CryptoError::Open)
        );
        let other = key.seal_document("doc-1", b"other").unwrap();
        assert_eq!(
            key.open_document("doc-1", &other.wrapped_key, &sealed.blob)
                .err(),
            Some(CryptoError::Open),
            "keys are per document"
        );
    }

    #[test]
    fn tampering_is_detected() {
        let key = master(1);
        let mut sealed = key.seal_value("mail-1", b"hello").unwrap();
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert_eq!(
            key.open_value("mail-1", &sealed).err(),
            Some(CryptoError::Open)
        );
        assert_eq!(
            key.open_value("mail-1", &[9, 1, 2]).err(),
            Some(CryptoError::Format)
        );
        assert_eq!(
            key.open_value("mail-1", &[]).err(),
            Some(CryptoError::Format)
        );
    }

    #[test]
    fn the_same_plaintext_never_seals_the_same_way() {
        let key = master(3);
        assert_ne!(
            key.seal_value("x", b"same").unwrap(),
            key.seal_value("x", b"same").unwrap()
        );
    }
}
