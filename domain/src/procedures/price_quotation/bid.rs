//! Bids: a shortlisted supplier's price and its answers to the criteria.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use serde_with::skip_serializing_none;

use crate::procedures::common::BidStage;
use crate::procurement::{
    Document, Item, Money, Organization, RequirementResponse, RequirementResponseInput,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BidStatus {
    /// Being prepared: does not take part until it becomes `pending`.
    Draft,
    /// Submitted, sealed until the tender period ends.
    Pending,
    /// Took part in the evaluation.
    Active,
    Unsuccessful,
    /// Its tenderer was no longer a qualified supplier in the tender's
    /// agreement when the tender period ended: it takes no part.
    Invalid,
    /// Withdrawn by its owner before the tender period ended.
    Deleted,
}

impl From<BidStage> for BidStatus {
    fn from(stage: BidStage) -> Self {
        match stage {
            BidStage::Draft => BidStatus::Draft,
            BidStage::Submitted => BidStatus::Pending,
        }
    }
}

/// The `data` of `POST /tenders/{id}/bids`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BidInput {
    pub tenderers: Vec<Organization>,
    pub value: Money,
    pub requirement_responses: Option<Vec<RequirementResponseInput>>,
    pub items: Option<Vec<Item>>,
    pub subcontracting_details: Option<String>,
    /// `draft` or `pending` (the default).
    pub status: Option<String>,
}

/// The `data` of `PATCH /tenders/{id}/bids/{bid_id}`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BidEdit {
    pub value: Option<Money>,
    pub requirement_responses: Option<Vec<RequirementResponseInput>>,
    pub items: Option<Vec<Item>>,
    pub subcontracting_details: Option<String>,
    pub status: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bid {
    pub id: String,
    pub status: BidStatus,
    pub tenderers: Vec<Organization>,
    pub value: Money,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirement_responses: Vec<RequirementResponse>,
    pub items: Option<Vec<Item>>,
    pub subcontracting_details: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    /// When the bid was submitted or last changed; earlier wins a tie.
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
    /// When the bid was first submitted (became `pending`); none while a
    /// draft, nor in bids recorded before the field existed.
    #[serde(default, with = "crate::time::kyiv_serde_option")]
    pub submission_date: Option<DateTime<Utc>>,
    /// The value the bid took part with, fixed when the tender period
    /// ends (the reference API's value before any auction; this procedure
    /// has none).
    #[serde(default)]
    pub initial_value: Option<Money>,
    /// Not part of the reference document; kept for extensions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<Json>,
}

impl Bid {
    /// Whether the bid takes part (or took part) in the evaluation.
    pub fn counts(&self) -> bool {
        matches!(self.status, BidStatus::Pending | BidStatus::Active)
    }
}
