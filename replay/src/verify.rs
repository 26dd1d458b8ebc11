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

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("not an opencdb procedure bundle (format {format:?} version {version})")]
    Format { format: String, version: u32 },
    #[error("the bundle has no events")]
    Empty,
    #[error("event {event_id} (position {position}) belongs to procedure {found}, not {expected}")]
    Foreign {
        position: u64,
        event_id: String,
        expected: String,
        found: String,
    },
    #[error("the bundle's head hash {stated} is not the last event's hash {actual}")]
    Head { stated: String, actual: String },
    #[error(transparent)]
    Chain(#[from] ChainError),
}

/// Checks an exported bundle without a store: every event belongs to the
/// procedure, versions run 1, 2, 3…, every hash matches its event and links
/// to the one before, and the stated head is the last hash. Answers the
/// number of events checked.
pub fn verify_bundle(bundle: &crate::Bundle) -> Result<usize, BundleError> {
    if bundle.format != crate::export::FORMAT
        || bundle.format_version != crate::export::FORMAT_VERSION
    {
        return Err(BundleError::Format {
            format: bundle.format.clone(),
            version: bundle.format_version,
        });
    }
    let mut verifier = ChainVerifier::default();
    for event in &bundle.events {
        if event.procedure_id != bundle.procedure_id {
            return Err(BundleError::Foreign {
                position: event.position,
                event_id: event.event_id.clone(),
                expected: bundle.procedure_id.clone(),
                found: event.procedure_id.clone(),
            });
        }
        verifier.check(event)?;
    }
    let last = bundle.events.last().ok_or(BundleError::Empty)?;
    if last.hash != bundle.head_hash {
        return Err(BundleError::Head {
            stated: bundle.head_hash.clone(),
            actual: last.hash.clone(),
        });
    }
    Ok(bundle.events.len())
}
