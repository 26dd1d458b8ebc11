//! The document storage port: content-addressed bodies (the key is the
//! SHA-256 of the body). [`FsDocumentStorage`] keeps them in the data
//! directory; an S3-compatible store implements the same trait.

use std::io::Write;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use md5::Md5;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    /// SHA-256 of the body, 64 lowercase hex characters.
    pub key: String,
    pub size: u64,
    /// MD5 of the body in hex, for the reference API's `md5:…` hash field.
    pub md5: String,
}

#[derive(Debug, thiserror::Error)]
#[error("document storage: {0}")]
pub struct DocumentStorageError(pub String);

#[async_trait]
pub trait DocumentStorage: Send + Sync {
    async fn put(&self, body: Vec<u8>) -> Result<StoredBlob, DocumentStorageError>;
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, DocumentStorageError>;
}

pub struct FsDocumentStorage {
    dir: PathBuf,
}

fn is_key(key: &str) -> bool {
    key.len() == 64
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn io(error: std::io::Error) -> DocumentStorageError {
    DocumentStorageError(error.to_string())
}

impl FsDocumentStorage {
    pub fn open(dir: &Path) -> Result<Self, DocumentStorageError> {
        std::fs::create_dir_all(dir).map_err(io)?;
        Ok(FsDocumentStorage {
            dir: dir.to_owned(),
        })
    }

    fn path_of(&self, key: &str) -> PathBuf {
        self.dir.join(&key[0..2]).join(&key[2..4]).join(key)
    }
}

/// Writes to a temporary file, fsyncs it, renames it into place and fsyncs
/// the directory, so an acknowledged upload survives a crash.
fn write_durably(path: &Path, body: &[u8]) -> Result<(), DocumentStorageError> {
    let dir = path
        .parent()
        .ok_or_else(|| DocumentStorageError("no parent directory".into()))?;
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut temporary = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    temporary.write_all(body).map_err(io)?;
    temporary.as_file().sync_all().map_err(io)?;
    temporary
        .persist(path)
        .map_err(|e| DocumentStorageError(e.to_string()))?;
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io)?;
    Ok(())
}

#[async_trait]
impl DocumentStorage for FsDocumentStorage {
    async fn put(&self, body: Vec<u8>) -> Result<StoredBlob, DocumentStorageError> {
        let key = hex::encode(Sha256::digest(&body));
        let blob = StoredBlob {
            key: key.clone(),
            size: body.len() as u64,
            md5: hex::encode(Md5::digest(&body)),
        };
        let path = self.path_of(&key);
        tokio::task::spawn_blocking(move || {
            if path.exists() {
                return Ok(());
            }
            write_durably(&path, &body)
        })
        .await
        .map_err(|e| DocumentStorageError(e.to_string()))??;
        Ok(blob)
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, DocumentStorageError> {
        if !is_key(key) {
            return Ok(None);
        }
        match tokio::fs::read(self.path_of(key)).await {
            Ok(body) => Ok(Some(body)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(e)),
        }
    }
}
