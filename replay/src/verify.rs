//! `cdb replay verify`: check that the stored history is the history that
//! was written. [`verify`] walks the whole global log once, in position
//! order; [`verify_bundle`] checks an exported bundle without a store.

use std::fmt;

use commands::store::{ChainError, ChainVerifier, EventStore, RecordedEvent, StoreError};

use crate::export::{Bundle, FORMAT, FORMAT_VERSION};

/// Events read per page.
const PAGE: usize = 1000;

/// The first event that is not what was written, with what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadEvent {
    pub position: u64,
    pub procedure_id: String,
    pub event_id: String,
    pub event_type: String,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The hash chain is broken here (content, link or procedure version).
    Chain(ChainError),
    /// A global position is missing before this event (or it repeats one).
    PositionGap { previous: u64 },
    /// A bundle's event is not in position order.
    OutOfOrder { previous: u64 },
    /// A bundle's event belongs to another procedure.
    Foreign { expected: String },
}

impl BadEvent {
    fn new(event: &RecordedEvent, problem: Problem) -> Self {
        BadEvent {
            position: event.position,
            procedure_id: event.procedure_id.clone(),
            event_id: event.event_id.clone(),
            event_type: event.event_type.clone(),
            problem,
        }
    }
}

impl fmt::Display for BadEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "event {} (position {}, procedure {}, type {}) ",
            self.event_id, self.position, self.procedure_id, self.event_type
        )?;
        match &self.problem {
            Problem::Chain(ChainError::HashMismatch {
                stored, computed, ..
            }) => write!(f, "has hash {stored} but its content hashes to {computed}"),
            Problem::Chain(ChainError::BrokenLink {
                expected, found, ..
            }) => write!(
                f,
                "links to previous hash {found}, but the procedure's previous event hashes to {expected}"
            ),
            Problem::Chain(ChainError::VersionGap {
                expected, found, ..
            }) => write!(f, "is procedure version {found}, expected {expected}"),
            Problem::PositionGap { previous } => write!(
                f,
                "follows position {previous}: global positions must run without a gap"
            ),
            Problem::OutOfOrder { previous } => {
                write!(f, "follows position {previous}: events are out of order")
            }
            Problem::Foreign { expected } => {
                write!(
                    f,
                    "belongs to another procedure than the bundle's {expected}"
                )
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("{0}")]
    BadEvent(Box<BadEvent>),
    #[error("the log ends at position {last} but the store's head says {head}: events are missing")]
    HeadMismatch { last: u64, head: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl VerifyError {
    /// The bad event, if the failure is one.
    pub fn bad_event(&self) -> Option<&BadEvent> {
        match self {
            VerifyError::BadEvent(bad) => Some(bad),
            _ => None,
        }
    }
}

fn bad(event: &RecordedEvent, problem: Problem) -> Box<BadEvent> {
    Box::new(BadEvent::new(event, problem))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyReport {
    pub events: u64,
    pub procedures: usize,
}

/// Recomputes every procedure's hash chain and checks that global positions
/// run 1, 2, 3… up to the head. Stops at the first bad event and names it.
/// `progress` is called after each page with the number of events checked.
///
/// Each page is checked on a blocking thread while the next one is read, so
/// hashing (the bulk of the work) and reading and decoding the log use a
/// core each.
pub async fn verify(
    store: &dyn EventStore,
    mut progress: impl FnMut(u64),
) -> Result<VerifyReport, VerifyError> {
    let head = store.head().await?;
    let mut checked = Checked::default();
    let mut page = store.read_all(0, PAGE).await?;
    while let Some(after) = page.last().map(|e| e.position) {
        let checking = tokio::task::spawn_blocking(move || {
            let result = checked.page(&page);
            (checked, result)
        });
        let next = store.read_all(after, PAGE).await;
        let (done, result) = checking
            .await
            .map_err(|e| StoreError::Unavailable(format!("verification task failed: {e}")))?;
        checked = done;
        result.map_err(VerifyError::BadEvent)?;
        progress(checked.last);
        page = next?;
    }
    let last = checked.last;
    // Appends that committed after we read the head are fine; fewer are not.
    if last < head {
        return Err(VerifyError::HeadMismatch { last, head });
    }
    Ok(VerifyReport {
        events: last,
        procedures: checked.verifier.procedures(),
    })
}

/// What verification has seen so far.
#[derive(Default)]
struct Checked {
    verifier: ChainVerifier,
    /// The last position checked.
    last: u64,
}

impl Checked {
    /// Checks the next page of the log (events after `self.last`).
    fn page(&mut self, page: &[RecordedEvent]) -> Result<(), Box<BadEvent>> {
        for event in page {
            if event.position != self.last + 1 {
                return Err(bad(
                    event,
                    Problem::PositionGap {
                        previous: self.last,
                    },
                ));
            }
            self.verifier
                .check(event)
                .map_err(|e| bad(event, Problem::Chain(e)))?;
            self.last = event.position;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("not an opencdb procedure bundle (format {format:?} version {version})")]
    Format { format: String, version: u32 },
    #[error("the bundle has no events")]
    Empty,
    #[error("{0}")]
    BadEvent(Box<BadEvent>),
    #[error(
        "the bundle's head_hash {stated} is not the hash of its last event ({actual}): events were cut off or added"
    )]
    Head { stated: String, actual: String },
}

impl BundleError {
    /// The bad event, if the failure is one.
    pub fn bad_event(&self) -> Option<&BadEvent> {
        match self {
            BundleError::BadEvent(bad) => Some(bad),
            _ => None,
        }
    }
}

/// Checks an exported bundle without a store: every event belongs to the
/// procedure and comes in position order, versions run 1, 2, 3…, every hash
/// matches its event and links to the one before, and the stated head is
/// the last hash. Answers the number of events checked.
pub fn verify_bundle(bundle: &Bundle) -> Result<usize, BundleError> {
    if bundle.format != FORMAT || bundle.format_version != FORMAT_VERSION {
        return Err(BundleError::Format {
            format: bundle.format.clone(),
            version: bundle.format_version,
        });
    }
    let mut verifier = ChainVerifier::default();
    let mut previous = 0;
    for event in &bundle.events {
        if event.procedure_id != bundle.procedure_id {
            return Err(BundleError::BadEvent(bad(
                event,
                Problem::Foreign {
                    expected: bundle.procedure_id.clone(),
                },
            )));
        }
        if event.position <= previous {
            return Err(BundleError::BadEvent(bad(
                event,
                Problem::OutOfOrder { previous },
            )));
        }
        verifier
            .check(event)
            .map_err(|e| BundleError::BadEvent(bad(event, Problem::Chain(e))))?;
        previous = event.position;
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

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use commands::store::{GENESIS_HASH, Metadata, event_hash};
    use serde_json::json;

    use super::*;

    /// A correctly chained procedure of `n` events at positions 1…n.
    fn chain(procedure: &str, n: u64) -> Vec<RecordedEvent> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|version| {
                let mut event = RecordedEvent {
                    position: version,
                    procedure_id: procedure.into(),
                    procedure_version: version,
                    stream_id: format!("tender-{procedure}"),
                    stream_version: version,
                    event_id: format!("event-{version}"),
                    event_type: "Something".into(),
                    schema_version: 1,
                    data: json!({"n": version}),
                    metadata: Metadata::default(),
                    recorded_at: Utc
                        .timestamp_opt(1_700_000_000 + version as i64, 0)
                        .unwrap(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                event.hash = event_hash(&event);
                prev = event.hash.clone();
                event
            })
            .collect()
    }

    fn bundle(events: Vec<RecordedEvent>) -> Bundle {
        Bundle {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            procedure_id: "p".into(),
            kind: "priceQuotation".into(),
            head_hash: events.last().map(|e| e.hash.clone()).unwrap_or_default(),
            events,
        }
    }

    #[test]
    fn an_intact_bundle_verifies() {
        assert_eq!(verify_bundle(&bundle(chain("p", 4))).unwrap(), 4);
    }

    #[test]
    fn edited_data_is_named() {
        let mut b = bundle(chain("p", 4));
        b.events[2].data = json!({"n": 99});
        let error = verify_bundle(&b).unwrap_err();
        let bad = error.bad_event().expect("a bad event");
        assert_eq!((bad.position, bad.event_id.as_str()), (3, "event-3"));
        assert!(matches!(
            bad.problem,
            Problem::Chain(ChainError::HashMismatch { .. })
        ));
        let text = error.to_string();
        assert!(
            text.contains("event-3") && text.contains("position 3"),
            "{text}"
        );
        assert!(
            text.contains("procedure p") && text.contains("Something"),
            "{text}"
        );
    }

    #[test]
    fn a_rehashed_edit_breaks_the_next_link() {
        let mut b = bundle(chain("p", 4));
        b.events[1].data = json!({"n": 99});
        b.events[1].hash = event_hash(&b.events[1]);
        let error = verify_bundle(&b).unwrap_err();
        let bad = error.bad_event().expect("a bad event");
        assert_eq!(bad.position, 3);
        assert!(matches!(
            bad.problem,
            Problem::Chain(ChainError::BrokenLink { .. })
        ));
    }

    #[test]
    fn removed_reordered_foreign_and_cut_off_events_fail() {
        let mut removed = bundle(chain("p", 4));
        removed.events.remove(1);
        let bad = verify_bundle(&removed).unwrap_err();
        assert!(matches!(
            bad.bad_event().map(|b| &b.problem),
            Some(Problem::Chain(ChainError::VersionGap { .. }))
        ));

        let mut reordered = bundle(chain("p", 4));
        reordered.events.swap(1, 2);
        assert_eq!(
            verify_bundle(&reordered)
                .unwrap_err()
                .bad_event()
                .map(|b| b.position),
            Some(3)
        );

        let mut foreign = bundle(chain("p", 2));
        foreign.events.extend(chain("q", 3).into_iter().skip(2));
        assert!(matches!(
            verify_bundle(&foreign)
                .unwrap_err()
                .bad_event()
                .map(|b| &b.problem),
            Some(Problem::Foreign { .. })
        ));

        let mut cut = bundle(chain("p", 4));
        cut.events.pop();
        assert!(matches!(verify_bundle(&cut), Err(BundleError::Head { .. })));

        let mut empty = bundle(chain("p", 1));
        empty.events.clear();
        assert!(matches!(verify_bundle(&empty), Err(BundleError::Empty)));

        let mut other = bundle(chain("p", 1));
        other.format = "something-else".into();
        assert!(matches!(
            verify_bundle(&other),
            Err(BundleError::Format { .. })
        ));
    }
}
