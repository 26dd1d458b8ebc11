//! `cdb replay rebuild`: drop the read models and build them again from the
//! log, then prove the result equals what was live. The rebuild goes into a
//! scratch store first, up to the live read models' position; each read
//! model's digest is compared with the live one at that same position; then
//! the rebuilt content replaces the live content in one transaction.
//!
//! When the live read models are behind the log (no server running), they
//! are first brought up to the head the normal way, so the comparison is at
//! the head: a projector that lost or doubled events would then differ.

use std::path::Path;
use std::sync::Arc;

use commands::store::{EventStore, StoreError};
use projections::read_store::sqlite::SqliteReadStore;
use projections::{
    Digest, ProjectError, Projection, Projector, ReadStore, ReadStoreError, Snapshot,
};

/// Events per rebuild batch.
const BATCH: usize = 1000;

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
}

#[derive(Debug, Clone)]
pub struct RebuildReport {
    pub position: u64,
    pub live: [Digest; 2],
    pub rebuilt: [Digest; 2],
}

impl RebuildReport {
    pub fn identical(&self) -> bool {
        self.live == self.rebuilt
    }
}

/// Rebuilds into `scratch_dir`; `progress(done, total)` is called after each
/// batch with log positions.
pub async fn rebuild(
    events: Arc<dyn EventStore>,
    live: Arc<dyn ReadStore>,
    scratch_dir: &Path,
    mut progress: impl FnMut(u64, u64),
) -> Result<RebuildReport, RebuildError> {
    Projector::new(Arc::clone(&events), Arc::clone(&live))
        .await?
        .catch_up()
        .await?;
    let scratch = SqliteReadStore::open(&scratch_dir.join("rebuild.sqlite3"))?;
    let mut projection = Projection::default();
    let mut built = 0;
    for _ in 0..ATTEMPTS {
        let live_snapshot = live.snapshot().await?;
        let target = live_snapshot
            .documents_position
            .min(live_snapshot.feed_position);
        while built < target {
            let page = events
                .read_all(built, BATCH.min((target - built) as usize))
                .await?;
            if page.is_empty() {
                break;
            }
            let batch = projection
                .batch(events.as_ref(), &scratch, built, &page)
                .await?;
            built = batch.to;
            scratch.apply(batch).await?;
            progress(built, target);
        }
        let rebuilt_snapshot = scratch.snapshot().await?;
        let report = RebuildReport {
            position: target,
            live: live_snapshot.digests(),
            rebuilt: rebuilt_snapshot.digests(),
        };
        match install(live.as_ref(), rebuilt_snapshot, target).await {
            Ok(()) => return Ok(report),
            Err(ReadStoreError::Moved { .. }) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(RebuildError::KeptMoving(ATTEMPTS))
}

async fn install(
    live: &dyn ReadStore,
    rebuilt: Snapshot,
    position: u64,
) -> Result<(), ReadStoreError> {
    live.replace(rebuilt, position).await
}
