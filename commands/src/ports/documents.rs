//! The document storage port: content-addressed bodies, the key being the
//! SHA-256 of the body in 64 lowercase hex characters. Events and read models
//! refer to a document by its key, so a stored body never changes and
//! storing the same body twice stores it once.
//!
//! [`FsDocumentStorage`] keeps the bodies in a directory (by default under
//! the data directory). This trait is also the port an S3-compatible object
//! store would implement: `put` becomes a `PutObject` under the key, `get` a
//! `GetObject`, and a missing object is `Ok(None)`.

use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use md5::Md5;
use sha2::{Digest, Sha256};

/// What [`DocumentStorage::put`] stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    /// SHA-256 of the body, 64 lowercase hex characters.
    pub key: String,
    /// Length of the body in bytes.
    pub size: u64,
    /// MD5 of the body in lowercase hex, for the reference API's `md5:…`
    /// `hash` field.
    pub md5: String,
}

impl StoredBlob {
    /// The key, size and MD5 of `body`.
    pub fn of(body: &[u8]) -> StoredBlob {
        StoredBlob {
            key: hex::encode(Sha256::digest(body)),
            size: body.len() as u64,
            md5: hex::encode(Md5::digest(body)),
        }
    }
}

/// What a body was uploaded as: the media type and file name it is served
/// with (`Content-Type`, `Content-Disposition`), as the reference's document
/// service serves them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Description {
    pub format: String,
    pub title: String,
}

#[derive(Debug, thiserror::Error)]
#[error("document storage: {0}")]
pub struct DocumentStorageError(pub String);

#[async_trait]
pub trait DocumentStorage: Send + Sync {
    /// Stores `body` durably and returns its key; when this returns `Ok` the
    /// body survives a crash. Storing a body that is already there is a
    /// no-op.
    async fn put(&self, body: Vec<u8>) -> Result<StoredBlob, DocumentStorageError>;
    /// The body stored under `key`; `None` if there is none or `key` is not
    /// a key (64 lowercase hex characters).
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, DocumentStorageError>;
    /// Records durably that `broker` uploaded the body under `key`: the
    /// uploader may read a body back before (or without) any public
    /// document referring to it.
    async fn record_uploader(&self, key: &str, broker: &str) -> Result<(), DocumentStorageError>;
    /// Whether `broker` uploaded the body under `key`.
    async fn uploaded_by(&self, key: &str, broker: &str) -> Result<bool, DocumentStorageError>;
    /// Records durably what the body under `key` was last uploaded as.
    async fn describe(
        &self,
        key: &str,
        description: &Description,
    ) -> Result<(), DocumentStorageError>;
    /// What the body under `key` was last uploaded as; `None` for a body
    /// stored before descriptions were kept, or no body.
    async fn description(&self, key: &str) -> Result<Option<Description>, DocumentStorageError>;
}

/// Whether `key` has the shape of a key: 64 lowercase hex characters.
pub fn is_key(key: &str) -> bool {
    key.len() == 64 && key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Bodies as files `DIR/ab/cd/abcd…` (the key's first two pairs of hex
/// digits fan the files out over at most 65 536 directories).
#[derive(Debug, Clone)]
pub struct FsDocumentStorage {
    dir: PathBuf,
}

fn io(context: &str, path: &Path, error: std::io::Error) -> DocumentStorageError {
    DocumentStorageError(format!("{context} {}: {error}", path.display()))
}

fn sync_dir(dir: &Path) -> Result<(), DocumentStorageError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io("cannot sync directory", dir, e))
}

/// Creates `dir` if needed and syncs it and its parent, so both the
/// directory and its entry in the parent are on disk.
fn ensure_dir(dir: &Path) -> Result<(), DocumentStorageError> {
    std::fs::create_dir_all(dir).map_err(|e| io("cannot create directory", dir, e))?;
    sync_dir(dir)?;
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        sync_dir(parent)?;
    }
    Ok(())
}

/// Whether the file at `path` holds exactly `body`; `None` if there is no
/// file.
fn holds(path: &Path, body: &[u8]) -> Result<Option<bool>, DocumentStorageError> {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io("cannot open", path, e)),
    };
    let length = file
        .metadata()
        .map_err(|e| io("cannot stat", path, e))?
        .len();
    if length != body.len() as u64 {
        return Ok(Some(false));
    }
    let mut stored = Vec::with_capacity(body.len());
    file.read_to_end(&mut stored)
        .map_err(|e| io("cannot read", path, e))?;
    if stored != body {
        return Ok(Some(false));
    }
    // The file may have been written by a process that crashed before its
    // sync; sync it now, since this put acknowledges it.
    file.sync_all().map_err(|e| io("cannot sync", path, e))?;
    Ok(Some(true))
}

impl FsDocumentStorage {
    /// Opens (creating if needed) the storage directory `dir`.
    pub fn open(dir: &Path) -> Result<Self, DocumentStorageError> {
        ensure_dir(dir)?;
        Ok(FsDocumentStorage {
            dir: dir.to_owned(),
        })
    }

    /// The file of a key; `key` must satisfy [`is_key`].
    fn path_of(&self, key: &str) -> PathBuf {
        self.dir.join(&key[0..2]).join(&key[2..4]).join(key)
    }

    /// The empty file that marks `broker` as an uploader of `key`: named by
    /// a hash of the broker's name, so no name can reach outside the
    /// directory.
    fn uploader_path(&self, key: &str, broker: &str) -> PathBuf {
        let name = format!(
            "{key}.uploader-{}",
            &hex::encode(Sha256::digest(broker.as_bytes()))[..32]
        );
        self.dir.join(&key[0..2]).join(&key[2..4]).join(name)
    }

    fn description_path(&self, key: &str) -> PathBuf {
        let name = format!("{key}.description.json");
        self.dir.join(&key[0..2]).join(&key[2..4]).join(name)
    }

    /// Writes `body` under `key` unless it is there already: to a temporary
    /// file in the same directory, synced, renamed into place, then the
    /// directories synced, so an acknowledged upload survives a crash. A
    /// crash midway leaves at most a `.tmp*` file, never a partial body.
    fn put_blocking(&self, key: &str, body: &[u8]) -> Result<(), DocumentStorageError> {
        let path = self.path_of(key);
        let leaf = path
            .parent()
            .ok_or_else(|| DocumentStorageError(format!("{} has no parent", path.display())))?;
        if holds(&path, body)? != Some(true) {
            // Missing, or damaged (a right-sized file can only differ if the
            // disk or someone else changed it): write it afresh.
            std::fs::create_dir_all(leaf).map_err(|e| io("cannot create directory", leaf, e))?;
            let mut temporary = tempfile::Builder::new()
                .prefix(".tmp")
                .tempfile_in(leaf)
                .map_err(|e| io("cannot create a temporary file in", leaf, e))?;
            temporary
                .write_all(body)
                .map_err(|e| io("cannot write", temporary.path(), e))?;
            temporary
                .as_file()
                .sync_all()
                .map_err(|e| io("cannot sync", temporary.path(), e))?;
            temporary
                .persist(&path)
                .map_err(|e| io("cannot rename into", &path, e.error))?;
        }
        // DIR/ab/cd, DIR/ab and DIR: the file's entry and the entries of the
        // fan-out directories, which this put may have created (or a crashed
        // one may have created without syncing).
        sync_dir(leaf)?;
        if let Some(middle) = leaf.parent() {
            sync_dir(middle)?;
        }
        sync_dir(&self.dir)
    }
}

fn joined(error: tokio::task::JoinError) -> DocumentStorageError {
    DocumentStorageError(format!("storage task failed: {error}"))
}

#[async_trait]
impl DocumentStorage for FsDocumentStorage {
    async fn put(&self, body: Vec<u8>) -> Result<StoredBlob, DocumentStorageError> {
        let storage = self.clone();
        tokio::task::spawn_blocking(move || {
            let blob = StoredBlob::of(&body);
            storage.put_blocking(&blob.key, &body)?;
            Ok(blob)
        })
        .await
        .map_err(joined)?
    }

    /// Also checks the body against its key, so a damaged file is an error
    /// rather than a wrong document.
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, DocumentStorageError> {
        if !is_key(key) {
            return Ok(None);
        }
        let path = self.path_of(key);
        let key = key.to_owned();
        tokio::task::spawn_blocking(move || {
            let body = match std::fs::read(&path) {
                Ok(body) => body,
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(io("cannot read", &path, e)),
            };
            if hex::encode(Sha256::digest(&body)) != key {
                return Err(DocumentStorageError(format!(
                    "{} is damaged: its content does not match its key",
                    path.display()
                )));
            }
            Ok(Some(body))
        })
        .await
        .map_err(joined)?
    }

    async fn record_uploader(&self, key: &str, broker: &str) -> Result<(), DocumentStorageError> {
        if !is_key(key) {
            return Err(DocumentStorageError(format!(
                "{key:?} is not a document key"
            )));
        }
        let path = self.uploader_path(key, broker);
        tokio::task::spawn_blocking(move || {
            if path.exists() {
                return Ok(());
            }
            File::create(&path)
                .and_then(|file| file.sync_all())
                .map_err(|e| io("cannot create", &path, e))?;
            match path.parent() {
                Some(leaf) => sync_dir(leaf),
                None => Ok(()),
            }
        })
        .await
        .map_err(joined)?
    }

    async fn uploaded_by(&self, key: &str, broker: &str) -> Result<bool, DocumentStorageError> {
        if !is_key(key) {
            return Ok(false);
        }
        let path = self.uploader_path(key, broker);
        tokio::task::spawn_blocking(move || Ok(path.exists()))
            .await
            .map_err(joined)?
    }

    /// Replaced whole through a synced temporary file, so a crash leaves
    /// the old description or the new one, never a torn one.
    async fn describe(
        &self,
        key: &str,
        description: &Description,
    ) -> Result<(), DocumentStorageError> {
        if !is_key(key) {
            return Err(DocumentStorageError(format!(
                "{key:?} is not a document key"
            )));
        }
        let path = self.description_path(key);
        let text = serde_json::to_vec(description)
            .map_err(|e| DocumentStorageError(format!("cannot encode a description: {e}")))?;
        tokio::task::spawn_blocking(move || {
            let leaf = path
                .parent()
                .ok_or_else(|| DocumentStorageError(format!("{} has no parent", path.display())))?;
            let mut temporary = tempfile::Builder::new()
                .prefix(".tmp")
                .tempfile_in(leaf)
                .map_err(|e| io("cannot create a temporary file in", leaf, e))?;
            temporary
                .write_all(&text)
                .and_then(|()| temporary.as_file().sync_all())
                .map_err(|e| io("cannot write", temporary.path(), e))?;
            temporary
                .persist(&path)
                .map_err(|e| io("cannot rename into", &path, e.error))?;
            sync_dir(leaf)
        })
        .await
        .map_err(joined)?
    }

    async fn description(&self, key: &str) -> Result<Option<Description>, DocumentStorageError> {
        if !is_key(key) {
            return Ok(None);
        }
        let path = self.description_path(key);
        tokio::task::spawn_blocking(move || match std::fs::read(&path) {
            Ok(text) => serde_json::from_slice(&text)
                .map(Some)
                .map_err(|e| DocumentStorageError(format!("{} is damaged: {e}", path.display()))),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io("cannot read", &path, e)),
        })
        .await
        .map_err(joined)?
    }
}
