//! The rules a sale's fields obey at publication and after every edit
//! (spec §2.1, §2.3, §7).

use chrono::{DateTime, Utc};

use super::procedure::{ADDITIONAL_SCHEMES, CAV_ROOTS, CURRENCIES, Procedure, SELLING_METHODS};
use super::{Item, Organization, Unit};
use crate::procedures::common::tendering;
use crate::procurement::{Amount, MultiLang, Need, Refusal, require_positive};

/// `ЄДРПОУ`-style ids of the previous auction (spec §7.1, Q29): the BSM
/// pattern, with the `UA-PS-…` alternative it keeps.
fn previous_auction_id_ok(id: &str) -> bool {
    let b = id.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    let bsx = b.len() == 24
        && id.starts_with("BS")
        && matches!(b[2], b'E' | b'D' | b'M' | b'W')
        && digits(3..6)
        && &id[6..10] == "-UA-"
        && digits(10..18)
        && b[18] == b'-'
        && digits(19..24);
    let letters = |range: std::ops::Range<usize>| {
        b.get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_alphabetic))
    };
    let ua_ps = b.len() == 25
        && letters(0..2)
        && b[2] == b'-'
        && letters(3..5)
        && b[5] == b'-'
        && digits(6..10)
        && b[10] == b'-'
        && digits(11..13)
        && b[13] == b'-'
        && digits(14..16)
        && b[16] == b'-'
        && digits(17..23)
        && b[23] == b'-'
        && digits(24..25);
    bsx || ua_ps
}

/// A CAV code `NNNNNNNN-N` that lies in the subtree of one of the allowed
/// roots: its first two digits (the CPV division) equal the root's (Q4).
fn cav_code_allowed(code: &str) -> bool {
    let b = code.as_bytes();
    let shaped = b.len() == 10
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'-'
        && b[9].is_ascii_digit();
    shaped && CAV_ROOTS.iter().any(|root| root[..2] == code[..2])
}

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
    if !CURRENCIES.contains(&procedure.value.currency.as_str()) {
        return Err(Refusal::invalid(
            "value.currency",
            "Value must be one of ['UAH', 'USD', 'EUR'].",
        ));
    }
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
    let Some(classification) = &item.classification else {
        return Err(Refusal::invalid(
            "items.classification",
            "This field is required.",
        ));
    };
    if classification.scheme != "CAV" {
        return Err(Refusal::invalid(
            "items.classification.scheme",
            "Value must be one of ['CAV'].",
        ));
    }
    if !cav_code_allowed(&classification.id) {
        return Err(Refusal::invalid(
            "items.classification.id",
            format!(
                "Classification must lie under one of ['{}'].",
                CAV_ROOTS.join("', '")
            ),
        ));
    }
    for additional in item.additional_classifications.iter().flatten() {
        if !ADDITIONAL_SCHEMES.contains(&additional.scheme.as_str()) {
            return Err(Refusal::invalid(
                "items.additionalClassifications.scheme",
                "Value must be one of ['CPVS', 'CVZU'].",
            ));
        }
    }
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

/// The lot's texts (spec §7.4): `description` with `uk_UA`; the unit's and
/// the classifications' names, when given, in any language.
fn check_item_texts(item: &Item) -> Result<(), Refusal> {
    let Some(description) = &item.description else {
        return Err(Refusal::invalid(
            "items.description",
            "This field is required.",
        ));
    };
    description.check("items.description", Need::Ukrainian)?;
    if let Some(unit) = &item.unit {
        check_unit(unit, "items.unit")?;
    }
    if let Some(classification) = &item.classification {
        MultiLang::check_optional(
            classification.description.as_ref(),
            "items.classification.description",
            Need::AnyLanguage,
        )?;
    }
    for additional in item.additional_classifications.iter().flatten() {
        MultiLang::check_optional(
            additional.description.as_ref(),
            "items.additionalClassifications.description",
            Need::AnyLanguage,
        )?;
    }
    Ok(())
}

fn check_unit(unit: &Unit, field: &str) -> Result<(), Refusal> {
    MultiLang::check_optional(
        unit.name.as_ref(),
        &format!("{field}.name"),
        Need::AnyLanguage,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cav_codes_under_the_allowed_roots() {
        assert!(cav_code_allowed("03000000-1"));
        assert!(cav_code_allowed("03111000-2"));
        assert!(cav_code_allowed("44100000-1"));
        assert!(!cav_code_allowed("45000000-7"));
        assert!(!cav_code_allowed("0300000-1"));
        assert!(!cav_code_allowed("0300000a-1"));
    }

    #[test]
    fn previous_auction_ids() {
        assert!(previous_auction_id_ok("BSM001-UA-20240304-12345"));
        assert!(previous_auction_id_ok("BSE001-UA-20240304-12345"));
        assert!(previous_auction_id_ok("UA-PS-2024-03-04-000001-1"));
        assert!(!previous_auction_id_ok("REM001-UA-20240304-12345"));
        assert!(!previous_auction_id_ok("BSM001-UA-2024030-12345"));
    }
}
