//! `cdb replay history`: every event of a procedure with what it changed in
//! the public document, as an RFC 6902 JSON patch.

use commands::store::EventStore;
use projections::Kinds;
use projections::view::ViewError;
use serde::Serialize;
use serde_json::Value as Json;

use crate::show::{ShowError, load};

/// One event of a procedure and what it changed in the public document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEntry {
    /// The event's global log position.
    pub position: u64,
    /// The procedure version the event made.
    pub version: u64,
    /// When the event was recorded, in Kyiv time (`2023-09-20T10:00:00+03:00`).
    #[serde(rename = "recordedAt")]
    pub recorded_at: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub stream: String,
    /// RFC 6902 operations turning the document before the event into the
    /// document after it (empty when the event changed nothing public; the
    /// first change is a `replace` of the whole document, from `null`).
    pub patch: json_patch::Patch,
}

/// Every event of the procedure in order, with its JSON-patch diff.
pub async fn history(
    store: &dyn EventStore,
    kinds: &Kinds,
    procedure_id: &str,
) -> Result<Vec<HistoryEntry>, ShowError> {
    let (kind, events) = load(store, procedure_id).await?;
    let mut view = kinds.new_view(&kind).map_err(ViewError::from)?;
    let mut before = Json::Null;
    let mut entries = Vec::with_capacity(events.len());
    for event in &events {
        view.apply(event).map_err(ViewError::from)?;
        let after = view.envelope().unwrap_or(Json::Null);
        entries.push(HistoryEntry {
            position: event.position,
            version: event.procedure_version,
            recorded_at: domain::time::format_kyiv(event.recorded_at),
            event_type: event.event_type.clone(),
            stream: event.stream_id.clone(),
            patch: json_patch::diff(&before, &after),
        });
        before = after;
    }
    Ok(entries)
}
