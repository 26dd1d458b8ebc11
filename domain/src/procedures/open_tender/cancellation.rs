//! Cancelling the tender (spec §12): a draft cancellation, its signed
//! report, then its activation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::procurement::Document;

/// Spec C2 (`noLocalization` accepted, Q9; `forceMajeure` is not).
pub const REASON_TYPES: [&str; 4] = ["noDemand", "unFixable", "expensesCut", "noLocalization"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CancellationStatus {
    Draft,
    Active,
    Unsuccessful,
}

/// The `data` of `POST /tenders/{id}/cancellations`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CancellationInput {
    pub reason: String,
    pub reason_type: String,
    /// A lot cancellation: deferred, refused (spec §13).
    pub related_lot: Option<String>,
    /// Ignored: a cancellation is always created `draft` (C1).
    pub status: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cancellation {
    pub id: String,
    pub status: CancellationStatus,
    pub reason: String,
    pub reason_type: String,
    pub cancellation_of: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
}
