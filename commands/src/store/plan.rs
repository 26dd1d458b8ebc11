//! The part of a batched append that is the same for every backend: given
//! what the database holds for the batch's procedures, streams and event ids,
//! decide each append's fate (written, duplicate, conflict, invalid), number
//! the new events and chain their hashes. Backends only do the I/O around it.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use chrono::{DurationRound, TimeDelta};

use super::hash::{GENESIS_HASH, event_hash};
use super::{Append, AppendError, Appended, RecordedEvent};

/// An already stored event that has one of the batch's event ids.
#[derive(Debug, Clone)]
pub struct ExistingEvent {
    pub position: u64,
    pub procedure_id: String,
    pub procedure_version: u64,
}

#[derive(Debug, Clone)]
pub struct ProcedureHead {
    pub kind: String,
    pub version: u64,
    pub head_hash: String,
}

#[derive(Debug, Clone)]
pub struct StreamHead {
    pub procedure_id: String,
    pub version: u64,
}

/// What the database holds for one batch.
#[derive(Debug, Default)]
pub struct Lookups {
    pub existing_events: HashMap<String, ExistingEvent>,
    /// Procedures that exist (absent: new).
    pub procedures: HashMap<String, ProcedureHead>,
    /// Streams that exist (absent: new).
    pub streams: HashMap<String, StreamHead>,
}

/// The new head of a procedure the batch writes to.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcedureUpdate {
    pub procedure_id: String,
    pub kind: String,
    pub version: u64,
    pub head_hash: String,
}

enum Outcome {
    Written {
        rows: Range<usize>,
        procedure_version: u64,
    },
    Duplicate(Appended),
    SameAsEarlier(usize),
    Failed(AppendError),
}

pub struct Plan {
    /// New events in commit order; `position` counts from 1 until
    /// [`Plan::finalize`] shifts it and computes hashes.
    pub rows: Vec<RecordedEvent>,
    /// The base of the last [`Plan::finalize`] (0 before it).
    base: u64,
    outcomes: Vec<Outcome>,
    procedure_kinds: HashMap<String, String>,
    starting_hashes: HashMap<String, String>,
}

/// Every distinct procedure id, stream id and event id a batch touches: the
/// keys a backend looks up before planning.
pub struct Keys {
    pub procedure_ids: Vec<String>,
    pub stream_ids: Vec<String>,
    pub event_ids: Vec<String>,
}

pub fn keys(batch: &[Append]) -> Keys {
    let mut procedure_ids: Vec<String> = batch.iter().map(|a| a.procedure_id.clone()).collect();
    let mut stream_ids: Vec<String> = batch
        .iter()
        .flat_map(|a| a.events.iter().map(|e| e.stream_id.clone()))
        .collect();
    let mut event_ids: Vec<String> = batch
        .iter()
        .flat_map(|a| a.events.iter().map(|e| e.event_id.clone()))
        .collect();
    for ids in [&mut procedure_ids, &mut stream_ids, &mut event_ids] {
        // Sorted so that backends lock rows in one global order.
        ids.sort_unstable();
        ids.dedup();
    }
    Keys {
        procedure_ids,
        stream_ids,
        event_ids,
    }
}

fn validate(append: &Append) -> Result<(), AppendError> {
    let invalid = |why: String| Err(AppendError::Invalid(why));
    if append.procedure_id.is_empty() {
        return invalid("procedure id is empty".into());
    }
    if append.procedure_kind.is_empty() {
        return invalid("procedure kind is empty".into());
    }
    if append.events.is_empty() {
        return invalid("an append needs at least one event".into());
    }
    let mut seen = HashSet::new();
    for event in &append.events {
        if event.event_id.is_empty() || event.stream_id.is_empty() || event.event_type.is_empty() {
            return invalid("event id, stream id and event type must not be empty".into());
        }
        if !seen.insert(event.event_id.as_str()) {
            return invalid(format!("event id {} appears twice", event.event_id));
        }
    }
    Ok(())
}

fn duplicate_of_stored(
    append: &Append,
    lookups: &Lookups,
) -> Option<Result<Appended, AppendError>> {
    let stored: Vec<&ExistingEvent> = append
        .events
        .iter()
        .filter_map(|e| lookups.existing_events.get(&e.event_id))
        .collect();
    if stored.is_empty() {
        return None;
    }
    if stored.len() != append.events.len()
        || stored.iter().any(|e| e.procedure_id != append.procedure_id)
    {
        return Some(Err(AppendError::IdempotencyMismatch(format!(
            "{} of the {} event ids of this append to procedure {} are already stored",
            stored.len(),
            append.events.len(),
            append.procedure_id
        ))));
    }
    let positions = stored.iter().map(|e| e.position);
    Some(Ok(Appended {
        procedure_version: stored
            .iter()
            .map(|e| e.procedure_version)
            .max()
            .unwrap_or(0),
        first_position: positions.clone().min().unwrap_or(0),
        last_position: positions.max().unwrap_or(0),
        duplicate: true,
    }))
}

/// Decides every append of a batch against the stored state and the appends
/// before it in the same batch (the second of two appends decided on the same
/// procedure version gets a conflict, exactly as if it came later).
pub fn plan(batch: &[Append], lookups: &Lookups) -> Plan {
    let mut rows: Vec<RecordedEvent> = Vec::new();
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut versions: HashMap<&str, u64> = HashMap::new();
    let mut kinds: HashMap<String, String> = HashMap::new();
    let mut stream_heads: HashMap<&str, (&str, u64)> = HashMap::new();
    let mut claimed_ids: HashMap<&str, usize> = HashMap::new();

    for (index, append) in batch.iter().enumerate() {
        let outcome = (|| {
            validate(append)?;
            if let Some(result) = duplicate_of_stored(append, lookups) {
                return Ok(match result {
                    Ok(appended) => Outcome::Duplicate(appended),
                    Err(error) => Outcome::Failed(error),
                });
            }
            let earlier: HashSet<usize> = append
                .events
                .iter()
                .filter_map(|e| claimed_ids.get(e.event_id.as_str()).copied())
                .collect();
            if let Some(&earlier_index) = earlier.iter().next() {
                let claimed = append
                    .events
                    .iter()
                    .filter(|e| claimed_ids.contains_key(e.event_id.as_str()))
                    .count();
                let same = earlier.len() == 1
                    && claimed == append.events.len()
                    && batch[earlier_index] == *append;
                return if same {
                    Ok(Outcome::SameAsEarlier(earlier_index))
                } else {
                    Err(AppendError::IdempotencyMismatch(format!(
                        "event ids of this append to procedure {} were used by another append",
                        append.procedure_id
                    )))
                };
            }

            let stored = lookups.procedures.get(&append.procedure_id);
            let stored_kind = kinds
                .get(&append.procedure_id)
                .map(String::as_str)
                .or(stored.map(|p| p.kind.as_str()));
            if let Some(kind) = stored_kind
                && kind != append.procedure_kind
            {
                return Err(AppendError::Invalid(format!(
                    "procedure {} is a {kind}, not a {}",
                    append.procedure_id, append.procedure_kind
                )));
            }
            let current = versions
                .get(append.procedure_id.as_str())
                .copied()
                .or(stored.map(|p| p.version))
                .unwrap_or(0);
            if current != append.expected_version {
                return Err(AppendError::Conflict {
                    procedure_id: append.procedure_id.clone(),
                    expected: append.expected_version,
                    actual: current,
                });
            }
            for event in &append.events {
                let owner = stream_heads
                    .get(event.stream_id.as_str())
                    .map(|(owner, _)| *owner)
                    .or(lookups
                        .streams
                        .get(&event.stream_id)
                        .map(|s| s.procedure_id.as_str()));
                if let Some(owner) = owner
                    && owner != append.procedure_id
                {
                    return Err(AppendError::Invalid(format!(
                        "stream {} belongs to procedure {owner}",
                        event.stream_id
                    )));
                }
            }
            Ok(Outcome::Written {
                rows: 0..0,
                procedure_version: current,
            })
        })();

        let outcome = match outcome {
            Ok(Outcome::Written { .. }) => {
                let start = rows.len();
                let mut version = append.expected_version;
                for event in &append.events {
                    version += 1;
                    let stream_version = stream_heads
                        .get(event.stream_id.as_str())
                        .map(|(_, v)| *v)
                        .or(lookups.streams.get(&event.stream_id).map(|s| s.version))
                        .unwrap_or(0)
                        + 1;
                    stream_heads.insert(&event.stream_id, (&append.procedure_id, stream_version));
                    claimed_ids.insert(&event.event_id, index);
                    rows.push(RecordedEvent {
                        position: rows.len() as u64 + 1,
                        procedure_id: append.procedure_id.clone(),
                        procedure_version: version,
                        stream_id: event.stream_id.clone(),
                        stream_version,
                        event_id: event.event_id.clone(),
                        event_type: event.event_type.clone(),
                        schema_version: event.schema_version,
                        data: event.data.clone(),
                        metadata: event.metadata.clone(),
                        // Both backends store microseconds; hash what is stored.
                        recorded_at: event
                            .recorded_at
                            .duration_trunc(TimeDelta::microseconds(1))
                            .unwrap_or(event.recorded_at),
                        prev_hash: String::new(),
                        hash: String::new(),
                    });
                }
                versions.insert(&append.procedure_id, version);
                kinds.insert(append.procedure_id.clone(), append.procedure_kind.clone());
                Outcome::Written {
                    rows: start..rows.len(),
                    procedure_version: version,
                }
            }
            Ok(other) => other,
            Err(error) => Outcome::Failed(error),
        };
        outcomes.push(outcome);
    }

    let starting_hashes = kinds
        .keys()
        .map(|id| {
            let hash = lookups
                .procedures
                .get(id)
                .map(|p| p.head_hash.clone())
                .unwrap_or_else(|| GENESIS_HASH.to_owned());
            (id.clone(), hash)
        })
        .collect();
    Plan {
        rows,
        base: 0,
        outcomes,
        procedure_kinds: kinds,
        starting_hashes,
    }
}

impl Plan {
    /// Number of new events to reserve positions for.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Places the new events after global position `base` (the head before
    /// this batch), chains their hashes, and returns the procedures' new heads.
    /// May be called again with another base (a backend that guessed the
    /// head before it knew it); the last call counts.
    pub fn finalize(&mut self, base: u64) -> Vec<ProcedureUpdate> {
        let mut heads = self.starting_hashes.clone();
        let mut versions: HashMap<String, u64> = HashMap::new();
        let previous = std::mem::replace(&mut self.base, base);
        for row in &mut self.rows {
            row.position = row.position - previous + base;
            let head = heads.entry(row.procedure_id.clone()).or_default();
            row.prev_hash = std::mem::take(head);
            row.hash = event_hash(row);
            head.clone_from(&row.hash);
            versions.insert(row.procedure_id.clone(), row.procedure_version);
        }
        let mut updates: Vec<ProcedureUpdate> = versions
            .into_iter()
            .map(|(procedure_id, version)| ProcedureUpdate {
                kind: self.procedure_kinds[&procedure_id].clone(),
                head_hash: heads[&procedure_id].clone(),
                procedure_id,
                version,
            })
            .collect();
        updates.sort_by(|a, b| a.procedure_id.cmp(&b.procedure_id));
        updates
    }

    /// Each append's result, in batch order (call after [`Plan::finalize`]).
    pub fn results(&self) -> Vec<Result<Appended, AppendError>> {
        let mut results: Vec<Result<Appended, AppendError>> =
            Vec::with_capacity(self.outcomes.len());
        for outcome in &self.outcomes {
            let result = match outcome {
                Outcome::Written {
                    rows,
                    procedure_version,
                } => Ok(Appended {
                    procedure_version: *procedure_version,
                    first_position: self.rows[rows.start].position,
                    last_position: self.rows[rows.end - 1].position,
                    duplicate: false,
                }),
                Outcome::Duplicate(appended) => Ok(*appended),
                Outcome::SameAsEarlier(index) => results[*index].clone().map(|appended| Appended {
                    duplicate: true,
                    ..appended
                }),
                Outcome::Failed(error) => Err(error.clone()),
            };
            results.push(result);
        }
        results
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Metadata, NewEvent};

    fn append(procedure_id: &str) -> Append {
        Append {
            procedure_id: procedure_id.into(),
            procedure_kind: "test".into(),
            expected_version: 0,
            events: (0..2)
                .map(|k| NewEvent {
                    event_id: format!("{procedure_id}-{k}"),
                    stream_id: format!("{procedure_id}-s"),
                    event_type: "Happened".into(),
                    schema_version: 1,
                    data: serde_json::json!({"k": k}),
                    metadata: Metadata::default(),
                    recorded_at: chrono::Utc::now(),
                })
                .collect(),
        }
    }

    #[test]
    fn finalizing_again_with_another_base_is_as_if_only_that_base_was_given() {
        let batch = [append("a"), append("b")];
        let lookups = Lookups::default();
        let mut guessed = plan(&batch, &lookups);
        guessed.finalize(40);
        let updates = guessed.finalize(7);
        let mut direct = plan(&batch, &lookups);
        assert_eq!(updates, direct.finalize(7));
        assert_eq!(guessed.rows, direct.rows);
        assert_eq!(
            guessed.rows.iter().map(|r| r.position).collect::<Vec<_>>(),
            [8, 9, 10, 11]
        );
        assert_eq!(
            guessed.results()[1].as_ref().ok().map(|a| a.last_position),
            Some(11)
        );
    }
}
