//! The Dutch sale's document: what the Organizer sends to publish it, what
//! it may change while bids are taken, and the document as it stands.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use serde_with::skip_serializing_none;

use super::{Award, Bid, Cancellation, Contract, Item, Organization, ProcedureStatus};
use crate::procurement::{Document, Money, MultiLang, Period};

pub use crate::procedures::sale::PROCEDURE_DOCUMENT_TYPES;

/// The `sellingMethod` values that create one: the base method and the
/// suffixes Prozorro.sale gives its test environments' variants, which
/// differ only in the lengths the operator sets for them ([`super::Config`]).
pub const SELLING_METHODS: [&str; 5] = [
    "basicSell-dutch",
    "basicSell-dutch-fast",
    "basicSell-dutch-ultra-fast",
    "basicSell-dutch-fast-manual",
    "basicSell-dutch-fast-auction-manual-qualification",
];

/// How the auction is run: its type and round 1's number of steps (Q2).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuctionParameters {
    /// Always `dutch`.
    #[serde(rename = "type", default = "dutch")]
    pub kind: String,
    /// N, 1..=99 (L63), default 99.
    #[serde(default = "ninety_nine")]
    pub dutch_step_quantity: u32,
}

fn dutch() -> String {
    "dutch".to_owned()
}

fn ninety_nine() -> u32 {
    crate::auction::dutch::MAX_STEPS
}

impl Default for AuctionParameters {
    fn default() -> Self {
        AuctionParameters {
            kind: dutch(),
            dutch_step_quantity: ninety_nine(),
        }
    }
}

/// The `data` of `POST /api/procedures` with a Dutch `sellingMethod`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProcedureInput {
    pub selling_method: String,
    pub selling_entity: Organization,
    pub lot_id: String,
    pub title: MultiLang,
    pub description: MultiLang,
    pub access_details: Option<MultiLang>,
    #[serde(rename = "x_documentRequirements")]
    pub x_document_requirements: MultiLang,
    #[serde(rename = "x_additionalInformation")]
    pub x_additional_information: Option<MultiLang>,
    pub previous_auction_id: Option<String>,
    /// The starting price of the lot: round 1's first step.
    pub value: Money,
    /// Round 3's least raise over the highest sealed bid.
    pub minimal_step: Money,
    pub guarantee: Option<Money>,
    /// Stored and echoed, as in every sale.
    pub bank_accounts: Option<Vec<Json>>,
    pub auction_parameters: Option<AuctionParameters>,
    /// The lot: one or more assets sold together.
    pub items: Vec<Item>,
}

/// The `data` of `PATCH /api/procedures/{id}` while bids are taken: the
/// texts and the seller's details. The terms bids are placed on and the
/// periods are named so that a change of them is refused in words.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProcedureEdit {
    pub selling_entity: Option<Organization>,
    pub lot_id: Option<String>,
    pub title: Option<MultiLang>,
    pub description: Option<MultiLang>,
    pub access_details: Option<MultiLang>,
    #[serde(rename = "x_documentRequirements")]
    pub x_document_requirements: Option<MultiLang>,
    #[serde(rename = "x_additionalInformation")]
    pub x_additional_information: Option<MultiLang>,
    pub bank_accounts: Option<Vec<Json>>,
    // Fixed at publication: read only to be refused, never stored.
    #[serde(default, skip_serializing)]
    pub value: Option<Json>,
    #[serde(default, skip_serializing)]
    pub minimal_step: Option<Json>,
    #[serde(default, skip_serializing)]
    pub guarantee: Option<Json>,
    #[serde(default, skip_serializing)]
    pub items: Option<Json>,
    #[serde(default, skip_serializing)]
    pub auction_parameters: Option<Json>,
    #[serde(default, skip_serializing)]
    pub tender_period: Option<Json>,
    #[serde(default, skip_serializing)]
    pub auction_period: Option<Json>,
    #[serde(default, skip_serializing)]
    pub selling_method: Option<Json>,
    #[serde(default, skip_serializing)]
    pub status: Option<Json>,
}

impl ProcedureEdit {
    /// The first field the edit names that is fixed at publication.
    pub fn fixed_field(&self) -> Option<&'static str> {
        [
            ("value", self.value.is_some()),
            ("minimalStep", self.minimal_step.is_some()),
            ("guarantee", self.guarantee.is_some()),
            ("items", self.items.is_some()),
            ("auctionParameters", self.auction_parameters.is_some()),
            ("tenderPeriod", self.tender_period.is_some()),
            ("auctionPeriod", self.auction_period.is_some()),
            ("sellingMethod", self.selling_method.is_some()),
            ("status", self.status.is_some()),
        ]
        .into_iter()
        .find_map(|(field, named)| named.then_some(field))
    }
}

/// The procedure as it stands: its public document minus what
/// [`super::disclosure`] hides.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Procedure {
    pub id: String,
    pub auction_id: String,
    pub owner: String,
    pub status: ProcedureStatus,
    pub selling_method: String,
    pub selling_entity: Organization,
    pub lot_id: String,
    pub title: MultiLang,
    pub description: MultiLang,
    pub access_details: Option<MultiLang>,
    #[serde(rename = "x_documentRequirements")]
    pub x_document_requirements: MultiLang,
    #[serde(rename = "x_additionalInformation")]
    pub x_additional_information: Option<MultiLang>,
    pub previous_auction_id: Option<String>,
    pub value: Money,
    pub minimal_step: Money,
    pub guarantee: Option<Money>,
    pub bank_accounts: Option<Vec<Json>>,
    pub auction_parameters: AuctionParameters,
    pub items: Vec<Item>,
    /// From publication to the end of round 1 (AD-3).
    pub tender_period: Period,
    /// Its start set at publication (Q3), its end when the auction ended.
    pub auction_period: Period,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_published: DateTime<Utc>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_modified: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bids: Vec<Bid>,
    /// In the order of the results: the winner first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub awards: Vec<Award>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contracts: Vec<Contract>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cancellations: Vec<Cancellation>,
}

impl Procedure {
    /// When the auction starts (the familiarisation pause begins).
    pub fn auction_start(&self) -> Option<DateTime<Utc>> {
        self.auction_period.start_date
    }

    /// The end of round 1: the last moment a bid may be placed.
    pub fn bids_close(&self) -> Option<DateTime<Utc>> {
        self.tender_period.end_date
    }
}

/// Applies a tendering-time edit.
pub fn apply_edit(procedure: &mut Procedure, edit: &ProcedureEdit) {
    let edit = edit.clone();
    if let Some(v) = edit.selling_entity {
        procedure.selling_entity = v;
    }
    if let Some(v) = edit.lot_id {
        procedure.lot_id = v;
    }
    if let Some(v) = edit.title {
        procedure.title = v;
    }
    if let Some(v) = edit.description {
        procedure.description = v;
    }
    if edit.access_details.is_some() {
        procedure.access_details = edit.access_details;
    }
    if let Some(v) = edit.x_document_requirements {
        procedure.x_document_requirements = v;
    }
    if edit.x_additional_information.is_some() {
        procedure.x_additional_information = edit.x_additional_information;
    }
    if edit.bank_accounts.is_some() {
        procedure.bank_accounts = edit.bank_accounts;
    }
}
