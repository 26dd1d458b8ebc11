//! The rules a sale's fields obey at publication and after every edit
//! (spec §2.1, §2.3, §7).

use chrono::{DateTime, Utc};

use super::Organization;
use super::procedure::{Procedure, SELLING_METHODS};
use crate::procedures::common::tendering;
use crate::procedures::sale::fields::{
    check_classification, check_currency, check_item_texts, check_unit, previous_auction_id_ok,
};
use crate::procurement::{Amount, MultiLang, Need, Refusal, require_positive};

/// The full data of an organisation a bidder or the seller must give
/// (spec B-V5, §7.2).
pub fn check_party(organization: &Organization, field: &str) -> Result<(), Refusal> {
    organization.check(field)
}

/// The rules the procedure's fields obey at publication and after every
/// edit (spec §2.1, §2.3, §7).
pub fn check_fields(procedure: &Procedure, now: DateTime<Utc>) -> Result<(), Refusal> {
    if !SELLING_METHODS.contains(&procedure.selling_method.as_str()) {
        return Err(Refusal::invalid(
            "sellingMethod",
            format!("Value must be one of ['{}'].", SELLING_METHODS.join("', '")),
        ));
    }
    check_party(&procedure.selling_entity, "sellingEntity")?;
    if procedure.lot_id.trim().is_empty() {
        return Err(Refusal::invalid("lotId", "This field is required."));
    }
    check_texts(procedure)?;
    if let Some(id) = &procedure.previous_auction_id
        && !previous_auction_id_ok(id)
    {
        return Err(Refusal::invalid(
            "previousAuctionId",
            "Value does not match the pattern BSxNNN-UA-YYYYMMDD-NNNNN.",
        ));
    }
    check_currency(&procedure.value.currency, "value.currency")?;
    require_positive(procedure.value.amount, "value.amount")?;
    require_positive(procedure.minimal_step.amount, "minimalStep.amount")?;
    if let Some(guarantee) = &procedure.guarantee {
        require_positive(guarantee.amount, "guarantee.amount")?;
    }
    if let Some(guarantee) = &procedure.guarantee
        && guarantee.currency != procedure.value.currency
    {
        return Err(Refusal::invalid(
            "guarantee.currency",
            "currency of guarantee should be identical to currency of value",
        ));
    }
    if !matches!(procedure.min_number_of_qualified_bids, 1 | 2) {
        return Err(Refusal::invalid(
            "minNumberOfQualifiedBids",
            "Value must be one of [1, 2].",
        ));
    }
    if procedure.tender_attempts == Some(0) {
        return Err(Refusal::invalid(
            "tenderAttempts",
            "Value should be greater than or equal to 1.",
        ));
    }
    let [item] = procedure.items.as_slice() else {
        return Err(Refusal::invalid(
            "items",
            "Please provide exactly one item: a multi-award sale sells one lot.",
        ));
    };
    check_item_texts(item)?;
    if let Some(unit) = &procedure.value.value_per {
        check_unit(unit, "value.valuePer")?;
    }
    check_classification(item)?;
    let quantity = item.quantity.map(Amount::decimal).unwrap_or_default();
    if quantity.is_zero() {
        return Err(Refusal::invalid(
            "items.quantity",
            "Float value should be greater than 0.",
        ));
    }
    let minimal_part = procedure.minimal_part.decimal();
    if minimal_part.is_zero() {
        return Err(Refusal::invalid(
            "minimalPart",
            "Float value should be greater than 0.",
        ));
    }
    if minimal_part > quantity {
        return Err(Refusal::invalid(
            "minimalPart",
            "minimalPart should not be greater than items.quantity",
        ));
    }
    tendering::period_end(&procedure.tender_period, now)?;
    Ok(())
}

/// The procedure's own texts (spec §7.1): `title`, `description` and
/// `x_documentRequirements` need `uk_UA`; the others any language.
fn check_texts(procedure: &Procedure) -> Result<(), Refusal> {
    procedure.title.check("title", Need::Ukrainian)?;
    procedure
        .description
        .check("description", Need::Ukrainian)?;
    for (field, text, need) in [
        (
            "accessDetails",
            &procedure.access_details,
            Need::AnyLanguage,
        ),
        (
            "x_documentRequirements",
            &procedure.x_document_requirements,
            Need::Ukrainian,
        ),
        (
            "x_additionalInformation",
            &procedure.x_additional_information,
            Need::AnyLanguage,
        ),
    ] {
        MultiLang::check_optional(text.as_ref(), field, need)?;
    }
    Ok(())
}
