//! Applications to take part in the auction. A bid carries no price: the
//! auction finds it, and the bid's `value` is what the results give it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::Organization;
use crate::procedures::common::BidStage;
use crate::procurement::{Document, Money};

pub use crate::procedures::sale::BID_DOCUMENT_TYPES;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BidStatus {
    Draft,
    /// Submitted ("activated", AD-2): it takes part in the auction.
    Active,
    Deleted,
}

impl BidStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BidStatus::Draft => "draft",
            BidStatus::Active => "active",
            BidStatus::Deleted => "deleted",
        }
    }
}

impl From<BidStage> for BidStatus {
    fn from(stage: BidStage) -> Self {
        match stage {
            BidStage::Draft => BidStatus::Draft,
            BidStage::Submitted => BidStatus::Active,
        }
    }
}

/// The `data` of `POST /api/procedures/{id}/bids`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BidInput {
    /// Exactly one bidder.
    pub bidders: Vec<Organization>,
    /// `draft` or `active` (the default).
    pub status: Option<String>,
}

/// The `data` of `PATCH /api/procedures/{id}/bids/{bid_id}`: the bidder,
/// or `status: "active"` to submit a draft.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BidEdit {
    pub bidders: Option<Vec<Organization>>,
    pub status: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bid {
    pub id: String,
    pub status: BidStatus,
    pub bidders: Vec<Organization>,
    /// The amount the auction's results give the bid.
    pub value: Option<Money>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_published: DateTime<Utc>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_modified: DateTime<Utc>,
}
