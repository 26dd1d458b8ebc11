//! Cancelling a tender: the owner states a reason, attaches the decision
//! document, then activates the cancellation, which cancels the tender.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::procurement::Document;

/// The reasons a priceQuotation may be cancelled for.
pub const REASON_TYPES: [&str; 4] = ["noDemand", "unFixable", "forceMajeure", "expensesCut"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CancellationStatus {
    Draft,
    Active,
}

/// The `data` of `POST /tenders/{id}/cancellations`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CancellationInput {
    pub reason: String,
    pub reason_type: String,
    pub cancellation_of: Option<String>,
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
