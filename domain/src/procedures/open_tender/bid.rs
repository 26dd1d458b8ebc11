//! Bids: one price per lot (`lotValues`), sealed until the auction is over.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::extended::Party;
use crate::procedures::common::BidStage;
use crate::procurement::{Document, Item, Money};

/// Spec §7.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BidStatus {
    /// Saved, not submitted: deleted when the tender period ends.
    Draft,
    /// Submitted and signed.
    Pending,
    /// A `pending` bid that was changed: sign and submit it again.
    Invalid,
    /// Counted when the tender period ended.
    Active,
    /// Its lot failed, or a later bid of a tenderer already bidding.
    Unsuccessful,
}

impl From<BidStage> for BidStatus {
    fn from(stage: BidStage) -> Self {
        match stage {
            BidStage::Draft => BidStatus::Draft,
            BidStage::Submitted => BidStatus::Pending,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LotValueStatus {
    Pending,
    Active,
    Unsuccessful,
}

/// A bid's price for a lot, as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LotValueInput {
    /// UAH and VAT excluded when omitted (spec V4).
    #[serde(deserialize_with = "crate::procurement::money::vat_excluded_by_default::required")]
    pub value: Money,
    pub related_lot: String,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LotValue {
    /// The sealed price until the auction; its result after it.
    pub value: Money,
    /// The sealed price, fixed when the tender period ends.
    pub initial_value: Option<Money>,
    pub related_lot: String,
    pub status: LotValueStatus,
    /// The bidder's URL into the auction (only its owner sees it).
    pub participation_url: Option<String>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
}

/// The `data` of `POST /tenders/{id}/bids`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BidInput {
    pub tenderers: Vec<Party>,
    pub lot_values: Option<Vec<LotValueInput>>,
    /// A bid-level value: the lot-less legacy form, refused here.
    pub value: Option<Money>,
    pub items: Option<Vec<Item>>,
    pub subcontracting_details: Option<String>,
    /// `draft` or `pending` (the default); read by [`super::wire`].
    pub status: Option<String>,
}

/// The `data` of `PATCH /tenders/{id}/bids/{bid_id}`; its `status` is
/// taken out by [`super::wire`] before the decider sees it.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BidEdit {
    pub tenderers: Option<Vec<Party>>,
    pub lot_values: Option<Vec<LotValueInput>>,
    pub items: Option<Vec<Item>>,
    pub subcontracting_details: Option<String>,
    pub status: Option<String>,
}

impl BidEdit {
    /// Whether it changes nothing but (maybe) the status.
    pub fn is_empty(&self) -> bool {
        BidEdit {
            status: None,
            ..self.clone()
        } == BidEdit::default()
    }
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bid {
    pub id: String,
    pub status: BidStatus,
    pub tenderers: Vec<Party>,
    pub lot_values: Vec<LotValue>,
    pub items: Vec<Item>,
    pub subcontracting_details: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
    /// When it was last submitted (`pending`).
    #[serde(default, with = "crate::time::kyiv_serde_option")]
    pub submission_date: Option<DateTime<Utc>>,
}

impl Bid {
    /// Counted at the tender period's end (spec §5.2 step 3).
    pub fn counts(&self) -> bool {
        matches!(self.status, BidStatus::Pending | BidStatus::Active)
    }

    /// Its price for `lot_id`, if it bids on that lot.
    pub fn lot_value(&self, lot_id: &str) -> Option<&LotValue> {
        self.lot_values.iter().find(|v| v.related_lot == lot_id)
    }
}
