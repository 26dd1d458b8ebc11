//! The stored event envelope (see `docs/event-format.md`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Who caused an event and why; stored with every event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broker: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub causation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

/// An event about to be appended.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub event_id: String,
    pub stream_id: String,
    pub event_type: String,
    pub schema_version: u32,
    pub data: Value,
    pub metadata: Metadata,
    /// From the command's context, never the database's clock.
    pub recorded_at: DateTime<Utc>,
}

/// One atomic append to the streams of one procedure.
#[derive(Debug, Clone, PartialEq)]
pub struct Append {
    pub procedure_id: String,
    /// The procedure type, e.g. `priceQuotation`; fixed when the procedure is created.
    pub procedure_kind: String,
    /// The procedure version the decision was based on (0: a new procedure).
    pub expected_version: u64,
    pub events: Vec<NewEvent>,
}

/// The result of an append (or, for a retry, of the original append).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    pub procedure_version: u64,
    pub first_position: u64,
    pub last_position: u64,
    /// True when every event was already stored and nothing was written.
    pub duplicate: bool,
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedEvent {
    pub position: u64,
    pub procedure_id: String,
    pub procedure_version: u64,
    pub stream_id: String,
    pub stream_version: u64,
    pub event_id: String,
    pub event_type: String,
    pub schema_version: u32,
    pub data: Value,
    pub metadata: Metadata,
    pub recorded_at: DateTime<Utc>,
    pub prev_hash: String,
    pub hash: String,
}
