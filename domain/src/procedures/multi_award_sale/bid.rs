//! Bids: one participant's desired volume and its price per unit
//! (spec §2.2, §3.2, §7.5).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::Organization;
use crate::procedures::common::BidStage;
pub use crate::procedures::sale::BID_DOCUMENT_TYPES;
use crate::procurement::{Amount, Document, Money};

/// Bid statuses: the model's `draft`, `active`, `deleted` (spec §7.5) plus
/// `invalid` for a bid deactivated by an edit of the bidding terms, which
/// its owner must confirm or change to take part again (spec §2.4, Q5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BidStatus {
    Draft,
    Active,
    Invalid,
    Deleted,
}

impl BidStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BidStatus::Draft => "draft",
            BidStatus::Active => "active",
            BidStatus::Invalid => "invalid",
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
    /// Exactly one bidder (Q3).
    pub bidders: Vec<Organization>,
    /// The price per unit of volume.
    pub value: Money,
    /// The desired volume.
    pub quantity: Amount,
    /// `draft` or `active` (the default).
    pub status: Option<String>,
}

/// The `data` of `PATCH /api/procedures/{id}/bids/{bid_id}`. Sending
/// `status: "active"` submits a draft or confirms a deactivated bid.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BidEdit {
    pub bidders: Option<Vec<Organization>>,
    pub value: Option<Money>,
    pub quantity: Option<Amount>,
    pub status: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bid {
    pub id: String,
    pub status: BidStatus,
    pub bidders: Vec<Organization>,
    /// The price per unit; after the auction the final one.
    pub value: Money,
    /// The price per unit the bid was placed with, set when the auction's
    /// results replace `value` (spec §3.2, Q12).
    pub initial_value_amount: Option<Amount>,
    pub quantity: Amount,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_published: DateTime<Utc>,
    /// When the bid was placed or last changed: a ranking tie-break.
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_modified: DateTime<Utc>,
}
