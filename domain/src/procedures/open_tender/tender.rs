//! The belowThreshold tender document: what a client sends to create or
//! edit it, its one lot, and the document as it stands.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use serde_with::skip_serializing_none;

use super::extended::{Extra, Party, TenderItem, With};
use super::{Award, Bid, Cancellation, Contract, Question};
use crate::procurement::{Amount, Document, Money, Period};

/// The status names of the reference API (spec §1, §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TenderStatus {
    #[serde(rename = "draft")]
    Draft,
    #[serde(rename = "active.enquiries")]
    ActiveEnquiries,
    #[serde(rename = "active.tendering")]
    ActiveTendering,
    #[serde(rename = "active.auction")]
    ActiveAuction,
    #[serde(rename = "active.qualification")]
    ActiveQualification,
    #[serde(rename = "active.awarded")]
    ActiveAwarded,
    #[serde(rename = "complete")]
    Complete,
    #[serde(rename = "unsuccessful")]
    Unsuccessful,
    #[serde(rename = "cancelled")]
    Cancelled,
}

impl TenderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TenderStatus::Draft => "draft",
            TenderStatus::ActiveEnquiries => "active.enquiries",
            TenderStatus::ActiveTendering => "active.tendering",
            TenderStatus::ActiveAuction => "active.auction",
            TenderStatus::ActiveQualification => "active.qualification",
            TenderStatus::ActiveAwarded => "active.awarded",
            TenderStatus::Complete => "complete",
            TenderStatus::Unsuccessful => "unsuccessful",
            TenderStatus::Cancelled => "cancelled",
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            TenderStatus::Complete | TenderStatus::Unsuccessful | TenderStatus::Cancelled
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LotStatus {
    Active,
    Unsuccessful,
    Complete,
    Cancelled,
}

/// `enquiryPeriod`: questions are asked in it, answered until
/// `clarificationsUntil` (spec §3.2 P1, P7).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EnquiryPeriod {
    #[serde(default, with = "crate::time::kyiv_serde_option")]
    pub start_date: Option<DateTime<Utc>>,
    #[serde(default, with = "crate::time::kyiv_serde_option")]
    pub end_date: Option<DateTime<Utc>>,
    /// Set by the server; a client's value is replaced.
    #[serde(default, with = "crate::time::kyiv_serde_option")]
    pub clarifications_until: Option<DateTime<Utc>>,
}

/// A lot's `auctionPeriod` (spec §9.1).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuctionPeriod {
    #[serde(default, with = "crate::time::kyiv_serde_option")]
    pub should_start_after: Option<DateTime<Utc>>,
    #[serde(default, with = "crate::time::kyiv_serde_option")]
    pub start_date: Option<DateTime<Utc>>,
    #[serde(default, with = "crate::time::kyiv_serde_option")]
    pub end_date: Option<DateTime<Utc>>,
}

/// A lot as a client sends it, with the tender or in an edit.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LotInput {
    /// Kept when an edit restates an existing lot; fresh otherwise.
    pub id: Option<String>,
    pub title: String,
    pub description: Option<String>,
    #[serde(deserialize_with = "crate::procurement::money::vat_excluded_by_default::required")]
    pub value: Money,
    #[serde(
        default,
        deserialize_with = "crate::procurement::money::vat_excluded_by_default::optional"
    )]
    pub minimal_step: Option<Money>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lot {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub status: LotStatus,
    pub value: Money,
    pub minimal_step: Option<Money>,
    pub auction_period: Option<AuctionPeriod>,
    pub auction_url: Option<String>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
}

/// The `data` of `POST /tenders`: the fields the rules read, and the
/// [`Particulars`] kept as sent.
pub type TenderInput = With<TenderFields, Particulars>;

/// The fields of `POST /tenders` the rules read.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TenderFields {
    pub title: String,
    pub description: Option<String>,
    pub main_procurement_category: Option<String>,
    pub procurement_method_type: Option<String>,
    pub procurement_method: Option<String>,
    pub procuring_entity: Party,
    /// VAT excluded and UAH unless the client says otherwise (spec §4.1).
    #[serde(deserialize_with = "crate::procurement::money::vat_excluded_by_default::required")]
    pub value: Money,
    pub enquiry_period: EnquiryPeriod,
    pub tender_period: Period,
    pub items: Vec<TenderItem>,
    pub lots: Option<Vec<LotInput>>,
    pub milestones: Option<Vec<Json>>,
    /// Only `draft`: a tender is activated by a later edit.
    pub status: Option<String>,
}

/// The `data` of `PATCH /tenders/{id}`: any subset of the editable fields
/// (of the [`Particulars`], those it names replace theirs).
pub type TenderEdit = With<TenderEditFields, Particulars>;

/// The fields of `PATCH /tenders/{id}` the rules read.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TenderEditFields {
    pub title: Option<String>,
    pub description: Option<String>,
    pub main_procurement_category: Option<String>,
    pub procuring_entity: Option<Party>,
    #[serde(
        default,
        deserialize_with = "crate::procurement::money::vat_excluded_by_default::optional"
    )]
    pub value: Option<Money>,
    pub enquiry_period: Option<EnquiryPeriod>,
    pub tender_period: Option<Period>,
    pub items: Option<Vec<TenderItem>>,
    pub lots: Option<Vec<LotInput>>,
    pub milestones: Option<Vec<Json>>,
    /// Read by [`super::wire`] (the intent), never by the decider.
    pub status: Option<String>,
}

/// What belowThreshold's model takes beside the fields the rules read,
/// stored and served as sent: translations, the funders and the inspector
/// (whose review requests are deferred), the bid guarantee, and the
/// sandbox's `mode`. The rules on them are the reference model's: an
/// inspector needs funders, `mode` is `test` (`decide::creation`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Particulars {
    #[serde(rename = "title_en")]
    pub title_en: Option<String>,
    #[serde(rename = "title_ru")]
    pub title_ru: Option<String>,
    #[serde(rename = "description_en")]
    pub description_en: Option<String>,
    #[serde(rename = "description_ru")]
    pub description_ru: Option<String>,
    pub funders: Option<Vec<Party>>,
    pub inspector: Option<Party>,
    pub guarantee: Option<Guarantee>,
    /// Only `test` (the sandbox's); checked with the terms.
    pub mode: Option<String>,
}

/// The bid guarantee: an amount and its currency, no VAT flag (the
/// reference's `Guarantee` model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guarantee {
    pub amount: Amount,
    #[serde(default = "uah")]
    pub currency: String,
}

fn uah() -> String {
    "UAH".to_owned()
}

impl Extra for Particulars {
    const FIELDS: &'static [&'static str] = &[
        "title_en",
        "title_ru",
        "description_en",
        "description_ru",
        "funders",
        "inspector",
        "guarantee",
        "mode",
    ];
}

impl Particulars {
    /// `edit` over these: each field it names replaces this one's.
    pub fn apply(&mut self, edit: Particulars) {
        macro_rules! replace {
            ($($field:ident),*) => {$(
                if edit.$field.is_some() {
                    self.$field = edit.$field;
                }
            )*};
        }
        replace!(
            title_en,
            title_ru,
            description_en,
            description_ru,
            funders,
            inspector,
            guarantee,
            mode
        );
    }
}

/// What the owner may change while the tender is `draft` or
/// `active.enquiries`, as it stands after an edit with everything the
/// server derives (periods, Σ lot values, auction plans) already worked
/// out: `TenderEdited` records it whole, so replay computes nothing.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Terms {
    pub title: String,
    pub description: Option<String>,
    pub main_procurement_category: Option<String>,
    pub procuring_entity: Party,
    pub value: Money,
    pub enquiry_period: EnquiryPeriod,
    pub tender_period: Period,
    pub items: Vec<TenderItem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lots: Vec<Lot>,
    /// The auction of a tender without lots, planned as a lot's is (spec
    /// §4.1); such a tender is never activated (Q1), so it never runs.
    pub auction_period: Option<AuctionPeriod>,
    pub milestones: Option<Vec<Json>>,
    #[serde(flatten)]
    pub particulars: Particulars,
}

/// The tender as it stands: the public document of the reference API,
/// minus what [`super::disclosure`] hides.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tender {
    pub id: String,
    #[serde(rename = "tenderID")]
    pub tender_id: String,
    pub owner: String,
    pub status: TenderStatus,
    pub title: String,
    pub description: Option<String>,
    pub main_procurement_category: Option<String>,
    pub procurement_method: String,
    pub procurement_method_type: String,
    pub submission_method: Option<String>,
    pub award_criteria: String,
    pub procuring_entity: Party,
    pub value: Money,
    pub enquiry_period: EnquiryPeriod,
    pub tender_period: Period,
    pub award_period: Option<Period>,
    pub items: Vec<TenderItem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lots: Vec<Lot>,
    pub auction_period: Option<AuctionPeriod>,
    pub milestones: Option<Vec<Json>>,
    #[serde(flatten)]
    pub particulars: Particulars,
    /// The grounds on which the contract may change, as the law read when
    /// the tender was created (spec §4.1).
    pub contract_change_rationale_types: Option<Json>,
    #[serde(default, with = "crate::time::kyiv_serde_option")]
    pub notice_publication_date: Option<DateTime<Utc>>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_created: DateTime<Utc>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_modified: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<Question>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bids: Vec<Bid>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub awards: Vec<Award>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contracts: Vec<Contract>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cancellations: Vec<Cancellation>,
}

impl Tender {
    /// The editable part, as it stands.
    pub fn terms(&self) -> Terms {
        Terms {
            title: self.title.clone(),
            description: self.description.clone(),
            main_procurement_category: self.main_procurement_category.clone(),
            procuring_entity: self.procuring_entity.clone(),
            value: self.value.clone(),
            enquiry_period: self.enquiry_period.clone(),
            tender_period: self.tender_period.clone(),
            items: self.items.clone(),
            lots: self.lots.clone(),
            auction_period: self.auction_period.clone(),
            milestones: self.milestones.clone(),
            particulars: self.particulars.clone(),
        }
    }

    /// Puts `terms` in place of the editable part.
    pub fn set_terms(&mut self, terms: &Terms) {
        let terms = terms.clone();
        self.title = terms.title;
        self.description = terms.description;
        self.main_procurement_category = terms.main_procurement_category;
        self.procuring_entity = terms.procuring_entity;
        self.value = terms.value;
        self.enquiry_period = terms.enquiry_period;
        self.tender_period = terms.tender_period;
        self.items = terms.items;
        self.lots = terms.lots;
        self.auction_period = terms.auction_period;
        self.milestones = terms.milestones;
        self.particulars = terms.particulars;
    }

    /// The one lot (spec §13: single-lot tenders first).
    pub fn lot(&self) -> Option<&Lot> {
        self.lots.first()
    }
}
