//! The multi-award sale procedure document (spec §7.1–7.4): what the
//! Organizer sends to publish it, what it may change while bids are taken
//! (§2.4), and the document as it stands.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use serde_with::skip_serializing_none;

pub use super::fields::{check_fields, check_party};
use super::{Award, Bid, Cancellation, Contract, Item, Organization, Unit};
pub use crate::procurement::MultiLang;
use crate::procurement::{Amount, Document, Money, Period};

pub use crate::procedures::sale::{PROCEDURE_DOCUMENT_TYPES, ProcedureStatus};

/// The `sellingMethod` values of spec §1.1 (the BSM ones, verbatim).
pub const SELLING_METHODS: [&str; 11] = [
    "basicSell-multiAwards",
    "basicSell-multiAwards-ultra-fast",
    "basicSell-multiAwards-fast",
    "basicSell-multiAwards-fast-manual",
    "basicSell-multiAwards-fast-auction-manual-qualification",
    "basicSell-multiAwards-fast-auction-prod",
    "basicSell-multiAwards-initial-auction",
    "basicSell-multiAwards-initial-qualification",
    "basicSell-multiAwards-initial-qualification-prod",
    "basicSell-multiAwards-initial-qualification-fast",
    "basicSell-multiAwards-initial-auction-manual",
];

/// `value` (ValueWithTax, spec §7.3): the minimal price **per unit**.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProcedureValue {
    pub amount: Amount,
    pub currency: String,
    /// Defaults to `false`; the Organizer may set it (Q33).
    #[serde(default)]
    pub value_added_tax_included: bool,
    #[serde(default)]
    pub value_added_tax_charged: bool,
    /// The unit the price is per; defaults to `items[0].unit`. Units never
    /// enter a calculation.
    pub value_per: Option<Unit>,
}

/// The `data` of `POST /api/procedures`.
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
    /// The spec's `x_` fields keep their snake-case names on the wire.
    /// The document requirements are required at publication (spec §7.1);
    /// sales published before that may lack them, hence optional in
    /// [`Procedure`].
    #[serde(rename = "x_documentRequirements")]
    pub x_document_requirements: MultiLang,
    #[serde(rename = "x_additionalInformation")]
    pub x_additional_information: Option<MultiLang>,
    pub previous_auction_id: Option<String>,
    pub value: ProcedureValue,
    pub guarantee: Option<Money>,
    /// 1 or 2 (spec §7.1); see Q6 in the module docs for its effect.
    pub min_number_of_qualified_bids: Option<u32>,
    pub tender_attempts: Option<u32>,
    /// Stored and echoed; the `basicSell` bank account model is not part of
    /// the spec (Q30).
    pub bank_accounts: Option<Vec<Json>>,
    /// The smallest volume one participant may buy (Q32).
    pub minimal_part: Amount,
    /// Exactly one item: the lot, with its total volume `quantity`.
    pub items: Vec<Item>,
    /// Only `endDate` is read: bids are taken from publication until then.
    pub tender_period: Period,
}

/// The `data` of `PATCH /api/procedures/{id}`: while bids are taken any
/// subset of the editable fields; in qualification only `status:
/// "complete"`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProcedureEdit {
    pub selling_entity: Option<Organization>,
    pub lot_id: Option<String>,
    pub title: Option<MultiLang>,
    pub description: Option<MultiLang>,
    pub access_details: Option<MultiLang>,
    /// The spec's `x_` fields keep their snake-case names on the wire.
    #[serde(rename = "x_documentRequirements")]
    pub x_document_requirements: Option<MultiLang>,
    #[serde(rename = "x_additionalInformation")]
    pub x_additional_information: Option<MultiLang>,
    pub previous_auction_id: Option<String>,
    pub value: Option<ProcedureValue>,
    pub guarantee: Option<Money>,
    pub min_number_of_qualified_bids: Option<u32>,
    pub tender_attempts: Option<u32>,
    pub bank_accounts: Option<Vec<Json>>,
    pub minimal_part: Option<Amount>,
    pub items: Option<Vec<Item>>,
    pub tender_period: Option<Period>,
    pub status: Option<String>,
}

impl ProcedureEdit {
    /// Whether the edit changes anything besides the status.
    pub fn changes_fields(&self) -> bool {
        let without_status = ProcedureEdit {
            status: None,
            ..self.clone()
        };
        without_status != ProcedureEdit::default()
    }

    /// Whether applying the edit to `procedure` changes a term bids are
    /// priced on, which deactivates every active bid (spec §2.4, Q1): the
    /// minimal price, the minimal part, the lot (volume, unit,
    /// classification), the guarantee and the bank accounts.
    pub fn changes_bidding_terms(&self, procedure: &Procedure) -> bool {
        self.value.as_ref().is_some_and(|v| {
            (v.amount, &v.currency, v.value_added_tax_included)
                != (
                    procedure.value.amount,
                    &procedure.value.currency,
                    procedure.value.value_added_tax_included,
                )
        }) || self
            .minimal_part
            .is_some_and(|v| v != procedure.minimal_part)
            || self.items.as_ref().is_some_and(|items| {
                // Ids are server-given; compare what a bidder prices.
                let strip = |items: &[Item]| -> Vec<Item> {
                    items
                        .iter()
                        .map(|item| Item {
                            id: None,
                            ..item.clone()
                        })
                        .collect()
                };
                strip(items) != strip(&procedure.items)
            })
            || self
                .guarantee
                .as_ref()
                .is_some_and(|g| procedure.guarantee.as_ref() != Some(g))
            || self
                .bank_accounts
                .as_ref()
                .is_some_and(|b| procedure.bank_accounts.as_ref() != Some(b))
    }
}

/// The procedure as it stands: the public document of spec §7 minus what
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
    /// The spec's `x_` fields keep their snake-case names on the wire.
    #[serde(rename = "x_documentRequirements")]
    pub x_document_requirements: Option<MultiLang>,
    #[serde(rename = "x_additionalInformation")]
    pub x_additional_information: Option<MultiLang>,
    pub previous_auction_id: Option<String>,
    pub value: ProcedureValue,
    /// Generated: 0.01 in the procedure's currency (spec §7.1).
    pub minimal_step: Money,
    pub guarantee: Option<Money>,
    pub min_number_of_qualified_bids: u32,
    pub tender_attempts: Option<u32>,
    pub bank_accounts: Option<Vec<Json>>,
    pub minimal_part: Amount,
    pub items: Vec<Item>,
    pub tender_period: Period,
    pub auction_period: Option<Period>,
    pub qualification_period: Option<Period>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_published: DateTime<Utc>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_modified: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bids: Vec<Bid>,
    /// In ranking order: index 0 is the best (spec §4.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub awards: Vec<Award>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contracts: Vec<Contract>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cancellations: Vec<Cancellation>,
}

impl Procedure {
    /// `Q`, the volume being sold (`items[0].quantity`).
    pub fn lot_quantity(&self) -> Decimal {
        self.items
            .first()
            .and_then(|item| item.quantity)
            .map(Amount::decimal)
            .unwrap_or_default()
    }

    pub fn minimal_part(&self) -> Decimal {
        self.minimal_part.decimal()
    }

    /// The unallocated remainder `R` (spec §4.3).
    pub fn remainder(&self) -> Decimal {
        super::allocation::remainder(
            self.lot_quantity(),
            self.awards
                .iter()
                .filter(|award| award.status.is_allocated())
                .map(Award::quantity),
        )
    }
}

/// Applies a tendering-time edit (everything but the status).
pub fn apply_edit(procedure: &mut Procedure, edit: &ProcedureEdit) {
    let ProcedureEdit {
        selling_entity,
        lot_id,
        title,
        description,
        access_details,
        x_document_requirements,
        x_additional_information,
        previous_auction_id,
        value,
        guarantee,
        min_number_of_qualified_bids,
        tender_attempts,
        bank_accounts,
        minimal_part,
        items,
        tender_period,
        status: _,
    } = edit.clone();
    if let Some(v) = selling_entity {
        procedure.selling_entity = v;
    }
    if let Some(v) = lot_id {
        procedure.lot_id = v;
    }
    if let Some(v) = title {
        procedure.title = v;
    }
    if let Some(v) = description {
        procedure.description = v;
    }
    if access_details.is_some() {
        procedure.access_details = access_details;
    }
    if x_document_requirements.is_some() {
        procedure.x_document_requirements = x_document_requirements;
    }
    if x_additional_information.is_some() {
        procedure.x_additional_information = x_additional_information;
    }
    if previous_auction_id.is_some() {
        procedure.previous_auction_id = previous_auction_id;
    }
    if let Some(v) = value {
        procedure.minimal_step.currency = v.currency.clone();
        procedure.value = v;
    }
    if guarantee.is_some() {
        procedure.guarantee = guarantee;
    }
    if let Some(v) = min_number_of_qualified_bids {
        procedure.min_number_of_qualified_bids = v;
    }
    if tender_attempts.is_some() {
        procedure.tender_attempts = tender_attempts;
    }
    if bank_accounts.is_some() {
        procedure.bank_accounts = bank_accounts;
    }
    if let Some(v) = minimal_part {
        procedure.minimal_part = v;
    }
    if let Some(v) = items {
        procedure.items = v;
    }
    if let Some(period) = tender_period
        && period.end_date.is_some()
    {
        // The server owns the start date; the Organizer moves only the end.
        procedure.tender_period.end_date = period.end_date;
    }
    default_value_per(procedure);
}

/// `value.valuePer` defaults to the lot's unit (spec §7.3).
pub fn default_value_per(procedure: &mut Procedure) {
    if procedure.value.value_per.is_none() {
        procedure.value.value_per = procedure.items.first().and_then(|item| item.unit.clone());
    }
}
