//! Auditor tooling: check that the stored history is the history that was
//! written. `verify` walks the whole global log once, in position order.

use commands::store::{ChainError, ChainVerifier, EventStore, StoreError};

const PAGE: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("global position {found} follows {previous}: positions must be gap-free")]
    PositionGap { previous: u64, found: u64 },
    #[error("the log ends at position {last} but the store's head says {head}")]
    HeadMismatch { last: u64, head: u64 },
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyReport {
    pub events: u64,
    pub procedures: usize,
}

/// Recomputes every procedure's hash chain and checks that global positions
/// run 1, 2, 3… up to the head. Stops at the first bad event and names it.
/// `progress` is called after each page with the number of events checked.
pub async fn verify(
    store: &dyn EventStore,
    mut progress: impl FnMut(u64),
) -> Result<VerifyReport, VerifyError> {
    let head = store.head().await?;
    let mut verifier = ChainVerifier::default();
    let mut last = 0;
    loop {
        let page = store.read_all(last, PAGE).await?;
        if page.is_empty() {
            break;
        }
        for event in &page {
            if event.position != last + 1 {
                return Err(VerifyError::PositionGap {
                    previous: last,
                    found: event.position,
                });
            }
            verifier.check(event)?;
            last = event.position;
        }
        progress(last);
    }
    // Appends that committed after we read the head are fine; fewer are not.
    if last < head {
        return Err(VerifyError::HeadMismatch { last, head });
    }
    Ok(VerifyReport {
        events: last,
        procedures: verifier.procedures(),
    })
}
