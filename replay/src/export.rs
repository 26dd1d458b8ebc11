//! `cdb replay export`: one procedure's whole stored history with its hash
//! chain, as a single JSON document that `verify --bundle` checks offline.

use commands::store::{EventStore, RecordedEvent, StoreError};
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "opencdb-procedure-bundle";
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub format: String,
    pub format_version: u32,
    pub procedure_id: String,
    pub kind: String,
    /// The hash of the last event: what an auditor compares with a
    /// published or previously exported head.
    pub head_hash: String,
    /// Every event as stored, in procedure-version order.
    pub events: Vec<RecordedEvent>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("no procedure {0} in the store")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub async fn export(store: &dyn EventStore, procedure_id: &str) -> Result<Bundle, ExportError> {
    let kind = store
        .procedure_kind(procedure_id)
        .await?
        .ok_or_else(|| ExportError::NotFound(procedure_id.to_owned()))?;
    let events = store.read_procedure(procedure_id).await?;
    let head_hash = events
        .last()
        .map(|e| e.hash.clone())
        .ok_or_else(|| ExportError::NotFound(procedure_id.to_owned()))?;
    Ok(Bundle {
        format: FORMAT.to_owned(),
        format_version: FORMAT_VERSION,
        procedure_id: procedure_id.to_owned(),
        kind,
        head_hash,
        events,
    })
}
