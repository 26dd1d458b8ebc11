//! The rules the fields of every sale obey (spec `multi-award-sale.md`
//! §2.3, §7): currencies, the CAV classification of the lot, the lot's
//! texts and the previous auction's id.

use super::lot::{Item, Unit};
use crate::procurement::{MultiLang, Need, Refusal};

/// The CAV root codes the main classifier may lie under (spec §2.3).
pub const CAV_ROOTS: [&str; 10] = [
    "03000000-1",
    "09000000-3",
    "14000000-1",
    "15000000-8",
    "18000000-9",
    "19000000-6",
    "22000000-0",
    "24000000-4",
    "30000000-9",
    "44000000-0",
];

/// Additional classification schemes an item may carry (spec §2.3).
pub const ADDITIONAL_SCHEMES: [&str; 2] = ["CPVS", "CVZU"];

/// Procedure currencies (spec §7.3).
pub const CURRENCIES: [&str; 3] = ["UAH", "USD", "EUR"];

/// `ЄДРПОУ`-style ids of the previous auction (spec §7.1, Q29): the BSM
/// pattern, with the `UA-PS-…` alternative it keeps.
pub fn previous_auction_id_ok(id: &str) -> bool {
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
pub fn cav_code_allowed(code: &str) -> bool {
    let b = code.as_bytes();
    let shaped = b.len() == 10
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'-'
        && b[9].is_ascii_digit();
    shaped && CAV_ROOTS.iter().any(|root| root[..2] == code[..2])
}

/// The lot's texts (spec §7.4): `description` with `uk_UA`; the unit's and
/// the classifications' names, when given, in any language.
pub fn check_item_texts(item: &Item) -> Result<(), Refusal> {
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

pub fn check_unit(unit: &Unit, field: &str) -> Result<(), Refusal> {
    MultiLang::check_optional(
        unit.name.as_ref(),
        &format!("{field}.name"),
        Need::AnyLanguage,
    )
}

/// The lot's classification (spec §2.3): a CAV code under one of
/// [`CAV_ROOTS`], additional classifications in [`ADDITIONAL_SCHEMES`].
pub fn check_classification(item: &Item) -> Result<(), Refusal> {
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
    Ok(())
}

/// `value.currency` is one of [`CURRENCIES`].
pub fn check_currency(currency: &str, field: &str) -> Result<(), Refusal> {
    if CURRENCIES.contains(&currency) {
        return Ok(());
    }
    Err(Refusal::invalid(
        field,
        "Value must be one of ['UAH', 'USD', 'EUR'].",
    ))
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
