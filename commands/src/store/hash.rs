//! The per-procedure hash chain. Each event's hash is SHA-256 over the RFC 8785
//! (JSON Canonicalization Scheme) encoding of its envelope, which includes the
//! previous event's hash, so changing any stored event breaks every later
//! link. The canonical form is computed here, never taken from the database
//! (PostgreSQL's jsonb rewrites key order, whitespace and number text).

use std::collections::HashMap;

use chrono::SecondsFormat;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::RecordedEvent;

/// The `prev_hash` of a procedure's first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The envelope an event's hash covers, borrowed from the event: every field
/// but `hash`. Serialised canonically it gives the same bytes as the same
/// fields gathered into a `serde_json::Value` (JCS sorts the keys either
/// way), without copying the event's data first.
#[derive(Serialize)]
struct Envelope<'a> {
    position: u64,
    procedure_id: &'a str,
    procedure_version: u64,
    stream_id: &'a str,
    stream_version: u64,
    event_id: &'a str,
    event_type: &'a str,
    schema_version: u32,
    data: &'a serde_json::Value,
    metadata: &'a super::Metadata,
    recorded_at: String,
    prev_hash: &'a str,
}

impl<'a> Envelope<'a> {
    fn of(event: &'a RecordedEvent) -> Self {
        Envelope {
            position: event.position,
            procedure_id: &event.procedure_id,
            procedure_version: event.procedure_version,
            stream_id: &event.stream_id,
            stream_version: event.stream_version,
            event_id: &event.event_id,
            event_type: &event.event_type,
            schema_version: event.schema_version,
            data: &event.data,
            metadata: &event.metadata,
            recorded_at: event
                .recorded_at
                .to_rfc3339_opts(SecondsFormat::Micros, true),
            prev_hash: &event.prev_hash,
        }
    }
}

/// The canonical bytes an event's hash is computed over.
pub fn canonical_envelope(event: &RecordedEvent) -> Vec<u8> {
    // Serialising cannot fail: every key is a string.
    serde_json_canonicalizer::to_vec(&Envelope::of(event)).unwrap_or_default()
}

/// The hash of an event, from every field of its envelope except `hash`.
/// The canonical bytes are hashed as they are written, never gathered.
pub fn event_hash(event: &RecordedEvent) -> String {
    let mut hasher = Sha256::new();
    // Writing into a hasher cannot fail, nor can serialising (see above).
    let _ = serde_json_canonicalizer::to_writer(&Envelope::of(event), &mut hasher);
    hex::encode(hasher.finalize())
}

/// The first broken link found in a procedure's chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("event {event_id} (position {position}) links to {found}, expected {expected}")]
    BrokenLink {
        position: u64,
        event_id: String,
        expected: String,
        found: String,
    },
    #[error(
        "event {event_id} (position {position}) has hash {stored} but its content hashes to {computed}"
    )]
    HashMismatch {
        position: u64,
        event_id: String,
        stored: String,
        computed: String,
    },
    #[error(
        "event {event_id} (position {position}) is procedure version {found}, expected {expected}"
    )]
    VersionGap {
        position: u64,
        event_id: String,
        expected: u64,
        found: u64,
    },
}

impl ChainError {
    pub fn position(&self) -> u64 {
        match self {
            ChainError::BrokenLink { position, .. }
            | ChainError::HashMismatch { position, .. }
            | ChainError::VersionGap { position, .. } => *position,
        }
    }
}

/// Checks events one at a time, in global or procedure order, remembering
/// each procedure's last version and hash: versions count up from 1, each
/// event links to the one before it, and each stored hash matches the
/// event's content.
#[derive(Debug, Default)]
pub struct ChainVerifier {
    heads: HashMap<String, (u64, String)>,
}

impl ChainVerifier {
    pub fn check(&mut self, event: &RecordedEvent) -> Result<(), ChainError> {
        let (last_version, last_hash) = self
            .heads
            .get(&event.procedure_id)
            .map(|(version, hash)| (*version, hash.as_str()))
            .unwrap_or((0, GENESIS_HASH));
        if event.procedure_version != last_version + 1 {
            return Err(ChainError::VersionGap {
                position: event.position,
                event_id: event.event_id.clone(),
                expected: last_version + 1,
                found: event.procedure_version,
            });
        }
        if event.prev_hash != last_hash {
            return Err(ChainError::BrokenLink {
                position: event.position,
                event_id: event.event_id.clone(),
                expected: last_hash.to_owned(),
                found: event.prev_hash.clone(),
            });
        }
        let computed = event_hash(event);
        if computed != event.hash {
            return Err(ChainError::HashMismatch {
                position: event.position,
                event_id: event.event_id.clone(),
                stored: event.hash.clone(),
                computed,
            });
        }
        self.heads.insert(
            event.procedure_id.clone(),
            (event.procedure_version, computed),
        );
        Ok(())
    }

    /// How many procedures have been seen.
    pub fn procedures(&self) -> usize {
        self.heads.len()
    }
}

/// Checks one procedure's whole history (in procedure-version order).
pub fn verify_chain<'a>(
    events: impl IntoIterator<Item = &'a RecordedEvent>,
) -> Result<(), ChainError> {
    let mut verifier = ChainVerifier::default();
    events
        .into_iter()
        .try_for_each(|event| verifier.check(event))
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use serde_json::json;

    use super::*;
    use crate::store::Metadata;

    /// The envelope as first written: the fields gathered into a JSON value.
    fn gathered(event: &RecordedEvent) -> Vec<u8> {
        let envelope = json!({
            "position": event.position,
            "procedure_id": event.procedure_id,
            "procedure_version": event.procedure_version,
            "stream_id": event.stream_id,
            "stream_version": event.stream_version,
            "event_id": event.event_id,
            "event_type": event.event_type,
            "schema_version": event.schema_version,
            "data": event.data,
            "metadata": event.metadata,
            "recorded_at": event.recorded_at.to_rfc3339_opts(SecondsFormat::Micros, true),
            "prev_hash": event.prev_hash,
        });
        serde_json_canonicalizer::to_vec(&envelope).unwrap()
    }

    #[test]
    fn the_borrowed_envelope_has_the_bytes_of_the_gathered_one() {
        let mut event = RecordedEvent {
            position: 7,
            procedure_id: "p".into(),
            procedure_version: 2,
            stream_id: "bid-b".into(),
            stream_version: 1,
            event_id: "e".into(),
            event_type: "BidSubmitted".into(),
            schema_version: 1,
            data: json!({"z": [1, 2.5, "ü"], "a": {"y": null, "b": true}, "n": 1e21}),
            metadata: Metadata {
                broker: Some("seed".into()),
                request_id: Some("r".into()),
                ..Metadata::default()
            },
            recorded_at: Utc.timestamp_opt(1_700_000_000, 123_456_000).unwrap(),
            prev_hash: GENESIS_HASH.into(),
            hash: String::new(),
        };
        assert_eq!(canonical_envelope(&event), gathered(&event));
        assert_eq!(
            event_hash(&event),
            hex::encode(Sha256::digest(gathered(&event)))
        );
        event.metadata = Metadata::default();
        assert_eq!(canonical_envelope(&event), gathered(&event));
    }
}
