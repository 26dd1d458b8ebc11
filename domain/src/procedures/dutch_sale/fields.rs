//! The rules a Dutch sale's fields obey at publication and after every
//! edit: those of every sale (`sale::fields`), one lot of one or more
//! assets, a starting price and a round-3 step in the same currency.

use super::{Procedure, SELLING_METHODS};
use crate::procedures::sale::fields::{
    check_classification, check_currency, check_item_texts, previous_auction_id_ok,
};
use crate::procurement::{Amount, MultiLang, Need, Refusal, require_positive};

pub fn check_fields(procedure: &Procedure) -> Result<(), Refusal> {
    if !SELLING_METHODS.contains(&procedure.selling_method.as_str()) {
        return Err(Refusal::invalid(
            "sellingMethod",
            format!("Value must be one of ['{}'].", SELLING_METHODS.join("', '")),
        ));
    }
    procedure.selling_entity.check("sellingEntity")?;
    if procedure.lot_id.trim().is_empty() {
        return Err(Refusal::invalid("lotId", "This field is required."));
    }
    procedure.title.check("title", Need::Ukrainian)?;
    procedure
        .description
        .check("description", Need::Ukrainian)?;
    procedure
        .x_document_requirements
        .check("x_documentRequirements", Need::Ukrainian)?;
    MultiLang::check_optional(
        procedure.access_details.as_ref(),
        "accessDetails",
        Need::AnyLanguage,
    )?;
    MultiLang::check_optional(
        procedure.x_additional_information.as_ref(),
        "x_additionalInformation",
        Need::AnyLanguage,
    )?;
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
    for (field, money) in [
        ("minimalStep", Some(&procedure.minimal_step)),
        ("guarantee", procedure.guarantee.as_ref()),
    ] {
        let Some(money) = money else { continue };
        require_positive(money.amount, &format!("{field}.amount"))?;
        if money.currency != procedure.value.currency {
            return Err(Refusal::invalid(
                format!("{field}.currency"),
                format!("currency of {field} should be identical to currency of value"),
            ));
        }
    }
    if procedure.minimal_step.amount.decimal() >= procedure.value.amount.decimal() {
        return Err(Refusal::invalid(
            "minimalStep.amount",
            "minimalStep should be less than value",
        ));
    }
    let parameters = &procedure.auction_parameters;
    if parameters.kind != "dutch" {
        return Err(Refusal::invalid(
            "auctionParameters.type",
            "Value must be one of ['dutch'].",
        ));
    }
    if !(1..=crate::auction::dutch::MAX_STEPS).contains(&parameters.dutch_step_quantity) {
        return Err(Refusal::invalid(
            "auctionParameters.dutchStepQuantity",
            "Value must be from 1 to 99.",
        ));
    }
    if procedure.items.is_empty() {
        return Err(Refusal::invalid(
            "items",
            "Please provide at least one item.",
        ));
    }
    for item in &procedure.items {
        check_item_texts(item)?;
        check_classification(item)?;
        let quantity = item.quantity.map(Amount::decimal).unwrap_or_default();
        if quantity.is_zero() {
            return Err(Refusal::invalid(
                "items.quantity",
                "Float value should be greater than 0.",
            ));
        }
        if item.unit.is_none() {
            return Err(Refusal::invalid("items.unit", "This field is required."));
        }
    }
    Ok(())
}
