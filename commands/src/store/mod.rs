//! The event store: one trait, two backends (embedded SQLite and PostgreSQL),
//! chosen by a store URL.
//!
//! Both backends share one design: a single writer task per process batches
//! pending appends into one transaction (group commit), checks each append's
//! expected procedure version, chains hashes, and takes global positions from
//! a one-row counter updated last in the transaction, so positions become
//! visible strictly in commit order and a reader resuming with
//! `position > cursor` never skips an event that commits late.

mod envelope;
mod hash;
mod location;
mod plan;
pub mod postgres;
pub mod sqlite;
mod writer;

use async_trait::async_trait;
use tokio::sync::watch;

pub use envelope::{Append, Appended, Metadata, NewEvent, RecordedEvent};
pub use hash::{
    ChainError, ChainVerifier, GENESIS_HASH, canonical_envelope, event_hash, verify_chain,
};
pub use location::{EMBEDDED_FILE, StoreLocation, StoreLocationError, open_store};

/// Why a store operation failed for reasons other than the caller's input.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("store unavailable: {0}")]
    Unavailable(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("the store is shutting down")]
    Closed,
}

/// Why an append was refused.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AppendError {
    /// The procedure changed since it was read; re-read and decide again.
    #[error("procedure {procedure_id} is at version {actual}, expected {expected}")]
    Conflict {
        procedure_id: String,
        expected: u64,
        actual: u64,
    },
    /// Some but not all of the append's event ids were stored before, or they
    /// were stored for another procedure: this is not a retry of one append.
    #[error("event ids were already used by a different append: {0}")]
    IdempotencyMismatch(String),
    /// The append itself is malformed (no events, a stream of another
    /// procedure, a repeated event id...).
    #[error("invalid append: {0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[async_trait]
pub trait EventStore: Send + Sync + 'static {
    /// Appends the events atomically, conditional on the procedure being at
    /// `expected_version` (0 for a new procedure). Re-appending events whose
    /// ids are already stored returns the original result and writes nothing.
    async fn append(&self, append: Append) -> Result<Appended, AppendError>;

    /// Every event of one procedure, in procedure-version order.
    async fn read_procedure(&self, procedure_id: &str) -> Result<Vec<RecordedEvent>, StoreError>;

    /// The events of one procedure after version `after`, in
    /// procedure-version order (all of them for 0).
    async fn read_procedure_after(
        &self,
        procedure_id: &str,
        after: u64,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let mut events = self.read_procedure(procedure_id).await?;
        events.retain(|event| event.procedure_version > after);
        Ok(events)
    }

    /// Every event of one stream, in stream-version order.
    async fn read_stream(&self, stream_id: &str) -> Result<Vec<RecordedEvent>, StoreError>;

    /// Up to `limit` events with a global position greater than `after`, in
    /// commit order. Gap-free: an event never appears behind a position a
    /// reader has already passed.
    async fn read_all(&self, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, StoreError>;

    /// The global position of the last committed event (0 when empty).
    async fn head(&self) -> Result<u64, StoreError>;

    /// The kind a procedure was created with (e.g. `priceQuotation`), or
    /// `None` when no such procedure exists.
    async fn procedure_kind(&self, procedure_id: &str) -> Result<Option<String>, StoreError>;

    /// The kinds of several procedures in one query (readers of the global
    /// log look them up a page at a time); unknown ids are left out.
    async fn procedure_kinds(
        &self,
        procedure_ids: &[String],
    ) -> Result<std::collections::HashMap<String, String>, StoreError>;

    /// Every procedure kind in the log with the position of the first event
    /// of a procedure of that kind, in order of that position. Read once at
    /// start-up, to refuse a log holding kinds the server does not serve.
    async fn kinds_in_log(&self) -> Result<Vec<(String, u64)>, StoreError>;

    /// Reserves the next `count` numbers (at least 1) of the named counter
    /// and answers the first: 1 the first time, then count + 1… Atomic and
    /// durable across processes sharing the store: no number is handed out
    /// twice. A number reserved by a caller that then fails (or a process
    /// that stops before using its block) is not reused, so the numbers a
    /// caller keeps may have gaps. Used for human-readable numbers such as
    /// the daily `tenderID` counter (sequence `tenderID:2023-09-20`),
    /// through [`crate::Numbers`], which reserves them in blocks.
    async fn reserve_in_sequence(&self, name: &str, count: u64) -> Result<u64, StoreError>;

    /// The next number of the named counter ([`Self::reserve_in_sequence`]
    /// of one).
    async fn next_in_sequence(&self, name: &str) -> Result<u64, StoreError> {
        self.reserve_in_sequence(name, 1).await
    }

    /// Wakes whenever new events commit; the value is the new head.
    fn subscribe(&self) -> watch::Receiver<u64>;

    /// Whether the store answers at all (for `/health`).
    async fn ping(&self) -> Result<(), StoreError>;

    /// `embedded` or `postgres`.
    fn backend(&self) -> &'static str;
}
