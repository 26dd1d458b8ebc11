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
use crate::public_events::PublicEventRow;
use crate::revisions::{RevisionChange, RevisionQuery, RevisionRow};
use crate::search::SearchRow;
use crate::search_query::{SearchHit, SearchQuery, StatsQuery, StatsRow};

/// [`crate::model::is_draft`] in SQL, for the feed row `f` (both backends
/// have `substr`; `LIKE` would be case-insensitive in SQLite).
/// How many digests [`ReadStore::digests`] gives: documents, feed,
/// contracts, the search index, the history and the public event log.
pub const DIGESTS: usize = 6;

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

    /// Up to `limit` events of the public event log after position `after`,
    /// in log order (see [`crate::public_events`]).
    async fn public_events(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<PublicEventRow>, ReadStoreError>;

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
    /// positions. This holds the whole read models in memory: for tests and
    /// small stores; a rebuild uses [`ReadStore::digests`] and
    /// [`ReadStore::replace_with`] instead.
    async fn snapshot(&self) -> Result<Snapshot, ReadStoreError>;

    /// Replaces the whole content with `snapshot`, if the stored positions
    /// are still `expected` (what the caller compared against).
    async fn replace(&self, snapshot: Snapshot, expected: u64) -> Result<(), ReadStoreError>;

    /// The digests of the read models (documents, feed, contracts, search,
    /// revisions) with the
    /// positions they are at, read in one consistent snapshot like
    /// [`ReadStore::snapshot`] and equal to its [`Snapshot::digests`], but
    /// streamed: rows are hashed a page at a time and never held together.
    async fn digests(&self) -> Result<[Digest; DIGESTS], ReadStoreError>;

    /// Replaces the whole content with that of `rebuilt` (an SQLite read
    /// store nobody else writes meanwhile), in one transaction, if the
    /// stored positions are still `expected`; the positions become
    /// `rebuilt`'s. The rows are copied in pages, never held together.
    async fn replace_with(
        &self,
        rebuilt: &sqlite::SqliteReadStore,
        expected: u64,
    ) -> Result<(), ReadStoreError>;

    /// A page of the history's published versions in log order, each with
    /// the version before it when that one was published (see
    /// [`RevisionChange::history`]).
    async fn revisions(&self, query: &RevisionQuery)
    -> Result<Vec<RevisionChange>, ReadStoreError>;

    /// Every version of one procedure's document, in revision order.
    async fn procedure_revisions(
        &self,
        procedure_id: &str,
    ) -> Result<Vec<RevisionRow>, ReadStoreError>;

    /// The procedure whose public id (`tenderID`, `auctionId`) is
    /// `public_id`, if one is public (drafts included: their id is public
    /// once a version is).
    async fn procedure_by_public_id(
        &self,
        public_id: &str,
    ) -> Result<Option<String>, ReadStoreError>;

    /// A page of the search index (see [`crate::search_query::search_sql`]).
    async fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>, ReadStoreError>;

    /// Statistics over the search index (see [`crate::search_query::stats_sql`]).
    async fn stats(&self, query: &StatsQuery) -> Result<Vec<StatsRow>, ReadStoreError>;

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
    /// Ordered by procedure id, then revision.
    pub revisions: Vec<RevisionRow>,
    /// Ordered by position.
    pub events: Vec<PublicEventRow>,
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
    /// backend, and the same as [`ReadStore::digests`], which streams them.
    pub fn digests(&self) -> [Digest; DIGESTS] {
        let mut digester = Digester::default();
        self.documents.iter().for_each(|row| digester.document(row));
        // The search index is a function of the documents: what a store
        // holds must be what its documents give.
        let search: Vec<SearchRow> = self
            .documents
            .iter()
            .filter_map(SearchRow::from_document)
            .collect();
        search
            .iter()
            .for_each(|row| digester.search_row(&row.digest_fields()));
        for row in &search {
            for (facet, value) in &row.facets {
                digester.search_facet(&row.procedure_id, facet, value);
            }
        }
        self.feed.iter().for_each(|row| digester.feed(row));
        self.contracts.iter().for_each(|row| digester.contract(row));
        self.revisions.iter().for_each(|row| digester.revision(row));
        self.events.iter().for_each(|row| digester.event(row));
        digester.finish(
            self.documents_position,
            self.feed_position,
            self.contracts_position,
        )
    }
}

/// The digests of the read models, fed one row at a time (each model's
/// rows in the order of [`ReadStore::snapshot`]: procedure id, then
/// contract id or revision), so that a digest never needs the whole read model in
/// memory. Every field of a row is hashed as its text followed by a zero
/// byte.
#[derive(Default)]
pub struct Digester {
    documents: (Sha256, u64),
    /// Rows (scalar fields, in procedure id order), then facets (in
    /// procedure id, facet, value order).
    search: (Sha256, u64),
    feed: (Sha256, u64),
    contracts: (Sha256, u64),
    revisions: (Sha256, u64),
    events: (Sha256, u64),
}

fn hash_fields(hash: &mut (Sha256, u64), fields: &[&str]) {
    for field in fields {
        hash.0.update(field.as_bytes());
        hash.0.update([0]);
    }
    hash.1 += 1;
}

impl Digester {
    pub fn document(&mut self, row: &DocumentRow) {
        hash_fields(
            &mut self.documents,
            &[
                row.procedure_id.as_str(),
                row.kind.as_str(),
                &row.revision.to_string(),
                &row.position.to_string(),
                row.body.as_str(),
            ],
        );
    }

    pub fn feed(&mut self, row: &FeedRow) {
        hash_fields(
            &mut self.feed,
            &[
                row.procedure_id.as_str(),
                row.kind.as_str(),
                &row.position.to_string(),
                row.date_modified.as_str(),
                row.status.as_str(),
                row.procurement_method_type.as_str(),
                row.owner.as_str(),
                if row.bids_disclosed { "1" } else { "0" },
            ],
        );
    }

    pub fn contract(&mut self, row: &ContractRow) {
        hash_fields(
            &mut self.contracts,
            &[
                row.procedure_id.as_str(),
                row.contract_id.as_str(),
                row.kind.as_str(),
                &row.revision.to_string(),
                &row.position.to_string(),
                row.date_modified.as_str(),
                row.status.as_str(),
                row.body.as_str(),
            ],
        );
    }

    pub fn revision(&mut self, row: &RevisionRow) {
        hash_fields(
            &mut self.revisions,
            &[
                row.procedure_id.as_str(),
                row.kind.as_str(),
                &row.revision.to_string(),
                &row.position.to_string(),
                row.event_type.as_str(),
                row.recorded_at.as_str(),
                if row.published { "1" } else { "0" },
                row.body.as_str(),
            ],
        );
    }

    pub fn event(&mut self, row: &PublicEventRow) {
        hash_fields(
            &mut self.events,
            &[&row.position.to_string(), row.body.as_str()],
        );
    }

    /// One search row's fields ([`SearchRow::digest_fields`]).
    pub fn search_row(&mut self, fields: &[String]) {
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        hash_fields(&mut self.search, &fields);
    }

    /// One search facet, after every row.
    pub fn search_facet(&mut self, procedure_id: &str, facet: &str, value: &str) {
        hash_fields(&mut self.search, &[procedure_id, facet, value]);
        // Rows count rows, not facets.
        self.search.1 -= 1;
    }

    /// Documents, feed, contracts, then the search index and the history
    /// (at the documents' position: they are written with them) and the
    /// public event log (at the feed's), at the given positions.
    pub fn finish(self, documents: u64, feed: u64, contracts: u64) -> [Digest; DIGESTS] {
        let digest = |read_model, position, (hash, rows): (Sha256, u64)| Digest {
            read_model,
            position,
            rows,
            sha256: hex::encode(hash.finalize()),
        };
        [
            digest(crate::model::DOCUMENTS, documents, self.documents),
            digest(crate::model::FEED, feed, self.feed),
            digest(crate::model::CONTRACTS, contracts, self.contracts),
            digest(crate::search::SEARCH, documents, self.search),
            digest(crate::revisions::REVISIONS, documents, self.revisions),
            digest(crate::public_events::EVENTS, feed, self.events),
        ]
    }
}

/// A statistics row from its text columns: the group keys, then the
/// counts and sums in the order of [`crate::search_query::stats_sql`].
pub(crate) fn stats_row(
    keys: Vec<String>,
    counts: [i64; 4],
    sums: [Option<String>; 3],
) -> Result<StatsRow, ReadStoreError> {
    let decimal = |text: &Option<String>| -> Result<rust_decimal::Decimal, ReadStoreError> {
        match text {
            None => Ok(rust_decimal::Decimal::ZERO),
            Some(text) => text
                .parse::<rust_decimal::Decimal>()
                .map(|d| d.normalize())
                .map_err(|e| unavailable(format!("sum {text}: {e}"))),
        }
    };
    let [procedures, with_bids, bids, awarded_procedures] = counts.map(|n| n.max(0) as u64);
    Ok(StatsRow {
        keys,
        procedures,
        with_bids,
        bids,
        value: decimal(&sums[0])?,
        awarded_procedures,
        awarded_expected: decimal(&sums[1])?,
        awarded: decimal(&sums[2])?,
    })
}

/// The position of read model `name` in `positions` (0 when missing).
pub(crate) fn position_of(positions: &[(&'static str, u64)], name: &str) -> u64 {
    positions
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(0, |(_, p)| *p)
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
