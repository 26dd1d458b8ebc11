//! Cancelling the procedure (spec §3.5, P10): one request carrying the
//! free-text reason, the date the decision was taken and the
//! `cancellationDetails` document; the procedure is `cancelled` at once.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::procurement::{Document, DocumentInput, MultiLang};

/// Document types a cancellation may carry (spec §6.3).
pub const CANCELLATION_DOCUMENT_TYPES: [&str; 2] = ["cancellationDetails", "digitalSignature"];

/// The `data` of `POST /api/procedures/{id}/cancellations`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CancellationInput {
    /// Free text, not a dictionary (spec L181), in the model's
    /// `base.multiLang` (Q10).
    pub reason: MultiLang,
    /// When the decision to cancel was taken; defaults to now and may not
    /// lie in the future.
    #[serde(default, with = "crate::time::kyiv_serde_option")]
    pub date_published: Option<DateTime<Utc>>,
    /// Must include a `cancellationDetails` document.
    pub documents: Vec<DocumentInput>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cancellation {
    pub id: String,
    pub reason: MultiLang,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_published: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    /// When the CDB recorded the cancellation.
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
}
