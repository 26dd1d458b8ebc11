//! `cdb replay show` and `cdb replay history`: a procedure's public
//! document as it was at any moment, rendered by the same rules and the same
//! serialisation as the live read model, so it is byte-for-byte what
//! `GET` served then; and every change as a JSON-patch diff.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use commands::store::{EventStore, RecordedEvent, StoreError};
use projections::view::{ViewError, new_view};
use serde::Serialize;
use serde_json::Value as Json;

/// A moment in a procedure's history: a global log position or a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    Position(u64),
    Time(DateTime<Utc>),
}

impl FromStr for At {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if let Ok(position) = text.parse() {
            return Ok(At::Position(position));
        }
        DateTime::parse_from_rfc3339(text)
            .map(|at| At::Time(at.with_timezone(&Utc)))
            .map_err(|_| {
                format!(
                    "{text:?} is neither a log position (a whole number) nor an RFC 3339 time \
                     such as 2023-09-20T01:00:00+03:00"
                )
            })
    }
}

impl At {
    fn includes(&self, event: &RecordedEvent) -> bool {
        match self {
            At::Position(position) => event.position <= *position,
            At::Time(time) => event.recorded_at <= *time,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ShowError {
    #[error("no procedure {0} in the store")]
    NotFound(String),
    #[error("procedure {0} did not exist yet at that moment")]
    NotYet(String),
    #[error(transparent)]
    View(#[from] ViewError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

async fn load(
    store: &dyn EventStore,
    procedure_id: &str,
) -> Result<(String, Vec<RecordedEvent>), ShowError> {
    let kind = store
        .procedure_kind(procedure_id)
        .await?
        .ok_or_else(|| ShowError::NotFound(procedure_id.to_owned()))?;
    Ok((kind, store.read_procedure(procedure_id).await?))
}

/// The public document (the exact bytes `GET` serves) after every event up
/// to `at`, or the current one without `at`.
pub async fn show(
    store: &dyn EventStore,
    procedure_id: &str,
    at: Option<At>,
) -> Result<String, ShowError> {
    let (kind, events) = load(store, procedure_id).await?;
    let included = events
        .iter()
        .take_while(|event| at.is_none_or(|at| at.includes(event)));
    let view = projections::view::fold(&kind, included)?;
    view.envelope()
        .map(|envelope| envelope.to_string())
        .ok_or_else(|| ShowError::NotYet(procedure_id.to_owned()))
}

/// One event of a procedure and what it changed in the public document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEntry {
    pub position: u64,
    pub version: u64,
    #[serde(rename = "recordedAt")]
    pub recorded_at: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub stream: String,
    /// RFC 6902 operations turning the document before the event into the
    /// document after it (empty when the event changed nothing public).
    pub patch: Json,
}

pub async fn history(
    store: &dyn EventStore,
    procedure_id: &str,
) -> Result<Vec<HistoryEntry>, ShowError> {
    let (kind, events) = load(store, procedure_id).await?;
    let mut view = new_view(&kind).map_err(ViewError::from)?;
    let mut before = Json::Null;
    let mut entries = Vec::with_capacity(events.len());
    for event in &events {
        view.apply(event).map_err(ViewError::from)?;
        let after = view.envelope().unwrap_or(Json::Null);
        let patch = serde_json::to_value(json_patch::diff(&before, &after)).unwrap_or(Json::Null);
        entries.push(HistoryEntry {
            position: event.position,
            version: event.procedure_version,
            recorded_at: domain::time::format_kyiv(event.recorded_at),
            event_type: event.event_type.clone(),
            stream: event.stream_id.clone(),
            patch,
        });
        before = after;
    }
    Ok(entries)
}
