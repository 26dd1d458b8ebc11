//! Where read models live: a transactional store holding the rows and, in
//! the same transaction, the log position each read model has applied. A
//! batch is applied only if the stored position is the one it starts from,
//! so a crash or a second projector never applies an event twice or skips one.

pub mod postgres;
pub mod sqlite;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use commands::store::StoreLocation;
use sha2::{Digest as _, Sha256};

use crate::model::{ChangeBatch, ContractRow, Digest, DocumentRow, FeedEntry, FeedQuery, FeedRow};

/// [`crate::model::is_draft`] in SQL, for the feed row `f` (both backends
/// have `substr`; `LIKE` would be case-insensitive in SQLite).
pub(crate) const NOT_DRAFT: &str = "f.status <> 'draft' AND substr(f.status, 1, 6) <> 'draft.'";

/// Whether stored positions disagree, which only happens when an upgrade
/// added a read model (its position starts at 0 next to the others'). The
/// new model cannot be derived from the others (it needs each row's last
/// change), so every read model then starts again from position 0 and the
/// projector rebuilds them all from the log.
pub(crate) fn uneven(positions: &[(&'static str, u64)]) -> bool {
    positions.windows(2).any(|pair| pair[0].1 != pair[1].1)
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ReadStoreError {
    #[error("read store unavailable: {0}")]
    Unavailable(String),
    /// Someone else applied events first (another projector, a rebuild).
    #[error("read model is at position {actual}, the batch starts at {expected}")]
    Moved { expected: u64, actual: u64 },
}

pub(crate) fn unavailable(error: impl std::fmt::Display) -> ReadStoreError {
    ReadStoreError::Unavailable(error.to_string())
}

#[async_trait]
pub trait ReadStore: Send + Sync + 'static {
    /// The log position each read model has applied, as (name, position).
    async fn positions(&self) -> Result<Vec<(&'static str, u64)>, ReadStoreError>;

    /// Applies one batch atomically with its positions.
    async fn apply(&self, batch: ChangeBatch) -> Result<(), ReadStoreError>;

    async fn document(&self, procedure_id: &str) -> Result<Option<DocumentRow>, ReadStoreError>;

    async fn feed_row(&self, procedure_id: &str) -> Result<Option<FeedRow>, ReadStoreError>;

    /// Whether some public document refers to the stored body `key` (see
    /// [`crate::model::referenced_bodies`]).
    async fn body_is_public(&self, key: &str) -> Result<bool, ReadStoreError>;

    /// The documents of several procedures in one query (missing ones left out).
    async fn documents(
        &self,
        procedure_ids: &[String],
    ) -> Result<HashMap<String, DocumentRow>, ReadStoreError>;

    /// The feed rows of several procedures in one query (missing ones left out).
    async fn feed_rows(
        &self,
        procedure_ids: &[String],
    ) -> Result<HashMap<String, FeedRow>, ReadStoreError>;

    /// A page of the procedures' change feed. Drafts are left out (see
    /// [`crate::model::is_draft`]): a draft appears once it is published, at
    /// the position of that change.
    async fn feed(&self, query: &FeedQuery) -> Result<Vec<FeedEntry>, ReadStoreError>;

    /// Contract `contract_id` (contract ids are generated unique; should two
    /// procedures show the same one, the one changed last).
    async fn contract(&self, contract_id: &str) -> Result<Option<ContractRow>, ReadStoreError>;

    /// The contracts of several procedures in one query.
    async fn procedure_contracts(
        &self,
        procedure_ids: &[String],
    ) -> Result<Vec<ContractRow>, ReadStoreError>;

    /// A page of the contracts' change feed, ordered by (position, contract
    /// id). Several contracts can change at one position (one event of their
    /// procedure), and an offset is a position, so a page never ends inside
    /// such a group: it holds up to `limit` contracts plus the rest of the
    /// last position's (`with_body` is ignored: the body is the row).
    async fn contracts_feed(&self, query: &FeedQuery) -> Result<Vec<ContractRow>, ReadStoreError>;

    /// Every row of the read models, ordered by procedure id (contracts by
    /// procedure id, then contract id), read in one snapshot with their
    /// positions (for digests and copying).
    async fn snapshot(&self) -> Result<Snapshot, ReadStoreError>;

    /// Replaces the whole content with `snapshot`, if the stored positions
    /// are still `expected` (what the caller compared against).
    async fn replace(&self, snapshot: Snapshot, expected: u64) -> Result<(), ReadStoreError>;

    /// `embedded` or `postgres`.
    fn backend(&self) -> &'static str;
}

/// The whole content of the read models at one position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub documents_position: u64,
    pub feed_position: u64,
    pub contracts_position: u64,
    pub documents: Vec<DocumentRow>,
    pub feed: Vec<FeedRow>,
    pub contracts: Vec<ContractRow>,
}

impl Snapshot {
    /// The position every read model of the snapshot has reached.
    pub fn position(&self) -> u64 {
        self.documents_position
            .min(self.feed_position)
            .min(self.contracts_position)
    }

    /// A SHA-256 over each read model's rows in snapshot order (documents,
    /// feed, contracts). The same content gives the same digest on either
    /// backend.
    pub fn digests(&self) -> [Digest; 3] {
        let mut documents = Sha256::new();
        for row in &self.documents {
            for field in [
                row.procedure_id.as_str(),
                row.kind.as_str(),
                &row.revision.to_string(),
                &row.position.to_string(),
                row.body.as_str(),
            ] {
                documents.update(field.as_bytes());
                documents.update([0]);
            }
        }
        let mut feed = Sha256::new();
        for row in &self.feed {
            for field in [
                row.procedure_id.as_str(),
                row.kind.as_str(),
                &row.position.to_string(),
                row.date_modified.as_str(),
                row.status.as_str(),
                row.procurement_method_type.as_str(),
                row.owner.as_str(),
                if row.bids_disclosed { "1" } else { "0" },
            ] {
                feed.update(field.as_bytes());
                feed.update([0]);
            }
        }
        let mut contracts = Sha256::new();
        for row in &self.contracts {
            for field in [
                row.procedure_id.as_str(),
                row.contract_id.as_str(),
                row.kind.as_str(),
                &row.revision.to_string(),
                &row.position.to_string(),
                row.date_modified.as_str(),
                row.status.as_str(),
                row.body.as_str(),
            ] {
                contracts.update(field.as_bytes());
                contracts.update([0]);
            }
        }
        [
            Digest {
                read_model: crate::model::DOCUMENTS,
                position: self.documents_position,
                rows: self.documents.len() as u64,
                sha256: hex::encode(documents.finalize()),
            },
            Digest {
                read_model: crate::model::FEED,
                position: self.feed_position,
                rows: self.feed.len() as u64,
                sha256: hex::encode(feed.finalize()),
            },
            Digest {
                read_model: crate::model::CONTRACTS,
                position: self.contracts_position,
                rows: self.contracts.len() as u64,
                sha256: hex::encode(contracts.finalize()),
            },
        ]
    }
}

/// The read-model file of an SQLite event store at `events`.
pub fn sqlite_read_path(events: &Path) -> PathBuf {
    let mut name = events.file_name().unwrap_or_default().to_os_string();
    name.push(".read");
    events.with_file_name(name)
}

/// Opens the read store that belongs to an event store location: a file
/// next to an SQLite store, the same database for PostgreSQL.
pub async fn open(location: &StoreLocation) -> Result<Arc<dyn ReadStore>, ReadStoreError> {
    match location {
        StoreLocation::Sqlite(path) => {
            let path = sqlite_read_path(path);
            let store = tokio::task::spawn_blocking(move || sqlite::SqliteReadStore::open(&path))
                .await
                .map_err(unavailable)??;
            Ok(Arc::new(store))
        }
        StoreLocation::Postgres(url) => {
            Ok(Arc::new(postgres::PostgresReadStore::connect(url).await?))
        }
    }
}
