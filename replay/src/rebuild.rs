//! `cdb replay rebuild`: drop the read models and build them again from the
//! log, then prove the result equals what was live. The rebuild goes into a
//! scratch store first, up to the live read models' position; each read
//! model's digest is compared with the live one at that same position; then
//! the rebuilt content replaces the live content in one transaction.
//!
//! Memory stays flat whatever the log's length: the log is read a batch at
//! a time, only the batch's procedures are kept folded, digests are
//! streamed row by row and the install copies rows in pages (SQLite: table
//! to table inside the database), so no read model is ever held whole.
//!
//! When the live read models are behind the log (no server running), they
//! are first brought up to the head the normal way, so the comparison is at
//! the head: a projector that lost or doubled events would then differ.

use std::path::Path;
use std::sync::Arc;

use commands::store::{EventStore, RecordedEvent, StoreError};
use projections::read_store::DIGESTS;
use projections::read_store::sqlite::SqliteReadStore;
use projections::{Digest, Kinds, ProjectError, Projection, Projector, ReadStore, ReadStoreError};

/// Events per rebuild batch. Memory grows with the batch, not with the log
/// (a batch's events and its procedures' folded state are held together).
const BATCH: usize = 250;

/// How often to retry when a running server moves the live read models on
/// while the rebuild is being installed.
const ATTEMPTS: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum RebuildError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    ReadStore(#[from] ReadStoreError),
    #[error(transparent)]
    Project(#[from] ProjectError),
    #[error("the live read models kept moving; gave up after {0} attempts (try again)")]
    KeptMoving(usize),
    #[error("the live read models are at position {live} but the log ends at {log}")]
    LogBehind { live: u64, log: u64 },
}

#[derive(Debug, Clone)]
pub struct RebuildReport {
    /// The log position both sides were compared at.
    pub position: u64,
    /// Where the live read models were before the rebuild brought them up
    /// to the log's head (equal to `caught_up_to` when they were current).
    pub live_was_at: u64,
    /// Where that catch-up took them.
    pub caught_up_to: u64,
    /// How many times the live read models moved on while installing.
    pub retries: usize,
    /// Documents, feed, contracts, then the search index: the live read models before the install.
    pub live: [Digest; DIGESTS],
    /// Documents, feed, contracts, then the search index: the rebuilt read models, now installed.
    pub rebuilt: [Digest; DIGESTS],
}

impl RebuildReport {
    pub fn identical(&self) -> bool {
        self.live == self.rebuilt
    }
}

/// Brings `live` up to the log's head, rebuilds every read model from
/// position 0 into a fresh store in `scratch_dir` up to the live position,
/// compares digests and installs the rebuilt content into `live` (whether or
/// not it differed). If a running server moves `live` on before the install,
/// the scratch store catches up and the comparison is made again, up to
/// five times. `progress(done, total)` is called with log positions before
/// and after each batch.
pub async fn rebuild(
    events: Arc<dyn EventStore>,
    live: Arc<dyn ReadStore>,
    kinds: &Kinds,
    scratch_dir: &Path,
    mut progress: impl FnMut(u64, u64),
) -> Result<RebuildReport, RebuildError> {
    let live_was_at = projections::projector::applied_position(live.as_ref()).await?;
    let caught_up_to = Projector::with_projection(
        Arc::clone(&events),
        Arc::clone(&live),
        Projection::batch_only(kinds.clone()),
    )
    .await?
    .with_batch(BATCH)
    .catch_up()
    .await?;
    let scratch = Arc::new(SqliteReadStore::open(&scratch_dir.join("rebuild.sqlite3"))?);
    // Only the current batch's procedures stay folded: memory does not grow
    // with the log.
    let mut projection = Projection::batch_only(kinds.clone());
    let mut built = 0;
    for retries in 0..ATTEMPTS {
        // Streamed from one consistent snapshot of the live store: the
        // position to rebuild up to, and what the rebuild must equal.
        let live_digests = live.digests().await?;
        let target = position(&live_digests);
        progress(built, target);
        // The next page is read while this one is folded and written.
        let mut ahead: Option<tokio::task::JoinHandle<Result<Vec<RecordedEvent>, StoreError>>> =
            None;
        // The batch being written to the scratch store, and where it ends.
        let mut writing: Option<Writing> = None;
        while built < target {
            let page = match ahead.take() {
                Some(read) => read.await.map_err(|e| {
                    StoreError::Unavailable(format!("reading the log failed: {e}"))
                })??,
                None => read_page(events.as_ref(), built, target).await?,
            };
            let Some(last) = page.last().map(|e| e.position) else {
                return Err(RebuildError::LogBehind {
                    live: target,
                    log: built,
                });
            };
            if last < target {
                let events = Arc::clone(&events);
                ahead = Some(tokio::spawn(async move {
                    read_page(events.as_ref(), last, target).await
                }));
            }
            // A fold that reads rows from the scratch store must see the
            // batch before it written.
            if !projection.folds_from_memory(&page)
                && let Some(pending) = writing.take()
            {
                built = finish(pending).await?;
                progress(built, target);
            }
            let batch = projection
                .batch(events.as_ref(), scratch.as_ref(), built, &page)
                .await?;
            // The previous batch was written while this one was folded.
            if let Some(pending) = writing.take() {
                built = finish(pending).await?;
                progress(built, target);
            }
            let (to, store) = (batch.to, Arc::clone(&scratch));
            writing = Some((to, tokio::spawn(async move { store.apply(batch).await })));
            built = to;
        }
        if let Some(pending) = writing.take() {
            built = finish(pending).await?;
            progress(built, target);
        }
        let report = RebuildReport {
            position: target,
            live_was_at,
            caught_up_to,
            retries,
            live: live_digests,
            rebuilt: scratch.digests().await?,
        };
        match live.replace_with(scratch.as_ref(), target).await {
            Ok(()) => return Ok(report),
            Err(ReadStoreError::Moved { .. }) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(RebuildError::KeptMoving(ATTEMPTS))
}

/// A batch being written to the scratch store, up to its position.
type Writing = (u64, tokio::task::JoinHandle<Result<(), ReadStoreError>>);

/// Waits for a batch's write; the position it reached.
async fn finish((to, task): Writing) -> Result<u64, RebuildError> {
    task.await
        .map_err(|e| ReadStoreError::Unavailable(format!("writing the rebuild failed: {e}")))??;
    Ok(to)
}

/// The events after `after`, up to `target`: one batch.
async fn read_page(
    events: &dyn EventStore,
    after: u64,
    target: u64,
) -> Result<Vec<RecordedEvent>, StoreError> {
    events
        .read_all(after, BATCH.min(target.saturating_sub(after) as usize))
        .await
}

/// The position every read model of `digests` has reached.
fn position(digests: &[Digest; DIGESTS]) -> u64 {
    digests.iter().map(|d| d.position).min().unwrap_or(0)
}
