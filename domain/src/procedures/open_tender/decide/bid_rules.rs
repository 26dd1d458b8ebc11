//! What a bid must be (spec §7.3 value rules, §7.4 bid items).

use rust_decimal::Decimal;

use crate::procedures::common::refusals;
use crate::procedures::open_tender::{
    BidInput, Config, LotStatus, LotValue, LotValueInput, LotValueStatus, Tender,
};
use crate::procurement::{Item, Refusal};

/// The reference's nested form `[{"<field>": ["<text>"]}]` on `name`.
fn nested(name: &str, field: &str, text: &str) -> Refusal {
    Refusal::invalid(name, format!("[{{\"{field}\": [\"{text}\"]}}]"))
}

/// V1–V4: one price per lot of the tender, in its currency and VAT, not
/// above its value when `hasValueRestriction`.
pub(super) fn lot_values(
    tender: &Tender,
    config: &Config,
    input: Option<&[LotValueInput]>,
    legacy_value: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<LotValue>, Refusal> {
    if legacy_value {
        return Err(
            Refusal::invalid("value", "value should be posted for each lot of bid").as_list(),
        );
    }
    let Some(input) = input.filter(|values| !values.is_empty()) else {
        return Err(refusals::required("lotValues").as_list());
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut values = Vec::new();
    for value in input {
        if !seen.insert(value.related_lot.as_str()) {
            return Err(
                Refusal::invalid("lotValues", "bids don't allow duplicated proposals").as_list(),
            );
        }
        let Some(lot) = tender.lots.iter().find(|l| l.id == value.related_lot) else {
            return Err(nested(
                "lotValues",
                "relatedLot",
                "relatedLot should be one of lots",
            ));
        };
        if lot.status != LotStatus::Active {
            // Q10: inferred wording.
            return Err(Refusal::not_allowed(
                "Can add bid only in active lot status",
            ));
        }
        if config.value_currency_equality && value.value.currency != lot.value.currency {
            return Err(nested(
                "lotValues",
                "value",
                "currency of bid should be identical to currency of value of lot",
            ));
        }
        if value.value.value_added_tax_included != lot.value.value_added_tax_included {
            return Err(nested(
                "lotValues",
                "value",
                "valueAddedTaxIncluded of bid should be identical to valueAddedTaxIncluded of value of lot",
            ));
        }
        if config.has_value_restriction && value.value.amount > lot.value.amount {
            return Err(nested(
                "lotValues",
                "value",
                "value of bid should be less than value of lot",
            ));
        }
        values.push(LotValue {
            value: value.value.clone(),
            initial_value: None,
            related_lot: value.related_lot.clone(),
            status: LotValueStatus::Pending,
            participation_url: None,
            date: now,
        });
    }
    Ok(values)
}

/// §7.4: the bid's items are the tender's items of its lots, priced so
/// that they add up to the lot value.
pub(super) fn items(
    tender: &Tender,
    values: &[LotValue],
    items: Option<&[Item]>,
    submitting: bool,
) -> Result<Vec<Item>, Refusal> {
    let Some(items) = items else {
        return Err(refusals::required("items"));
    };
    for value in values {
        let expected: Vec<&Item> = tender
            .items
            .iter()
            .filter(|item| item.related_lot.as_deref() == Some(value.related_lot.as_str()))
            .map(|item| &item.base)
            .collect();
        let is_expected = |id: Option<&String>| expected.iter().any(|t| t.id.as_ref() == id);
        if items.iter().any(|item| !is_expected(item.id.as_ref())) {
            return Err(Refusal::invalid(
                "data",
                "Bid items ids should be on tender items ids for current lot",
            ));
        }
        if expected
            .iter()
            .any(|t| !items.iter().any(|item| item.id == t.id))
        {
            return Err(Refusal::invalid(
                "data",
                "Bid items ids should include all tender items ids for current lot",
            ));
        }
        let mut total = Decimal::ZERO;
        for item in items {
            if item.description.as_deref().is_none_or(str::is_empty) {
                return Err(refusals::required("items.description"));
            }
            let Some(quantity) = item.quantity else {
                return Err(refusals::required("items.quantity"));
            };
            let Some(unit) = &item.unit else {
                return Err(refusals::required("items.unit"));
            };
            if unit.name.as_deref().is_none_or(str::is_empty) {
                return Err(refusals::required("items.unit.name"));
            }
            let tender_item = expected.iter().find(|t| t.id == item.id);
            if submitting && let Some(tender_item) = tender_item {
                if tender_item.quantity.is_some_and(|q| q != quantity) {
                    return Err(Refusal::invalid(
                        "items",
                        format!(
                            "bid item.quantity ({quantity}) should be equal to tender item.quantity ({}) for item {}",
                            tender_item
                                .quantity
                                .map(|q| q.to_string())
                                .unwrap_or_default(),
                            item.id.as_deref().unwrap_or_default()
                        ),
                    ));
                }
                let tender_code = tender_item.unit.as_ref().map(|u| u.code.as_str());
                if tender_code.is_some_and(|code| code != unit.code) {
                    return Err(Refusal::invalid(
                        "items",
                        "bid item.unit.code should be equal to tender item.unit.code",
                    ));
                }
            }
            if let Some(unit_value) = &unit.value {
                if unit_value.value_added_tax_included {
                    return Err(Refusal::invalid(
                        "items",
                        "valueAddedTaxIncluded of bid unit should be False",
                    ));
                }
                if unit_value.currency != value.value.currency {
                    return Err(Refusal::invalid(
                        "items",
                        "currency of bid unit should be identical to currency of bid lotValues",
                    ));
                }
                total += quantity.decimal() * unit_value.amount.decimal();
            }
        }
        let amount = value.value.amount.decimal();
        if value.value.value_added_tax_included {
            let net = (amount / Decimal::new(12, 1)).floor();
            if total.trunc() < net || total.trunc() > amount.trunc() {
                return Err(Refusal::invalid(
                    "items",
                    "Total amount of unit values must be no more than bid.lotValues.value.amount and no less than net bid.lotValues amount",
                ));
            }
        } else if total.trunc() != amount.trunc() {
            return Err(Refusal::invalid(
                "items",
                "Total amount of unit values should be equal bid.lotValues.value.amount if VAT is not included in bid.lotValues",
            ));
        }
    }
    Ok(items.to_vec())
}

/// B3: exactly one tenderer.
pub(super) fn one_tenderer(input: &BidInput) -> Result<(), Refusal> {
    if input.tenderers.len() != 1 {
        return Err(Refusal::invalid(
            "tenderers",
            "Please provide exactly 1 item.",
        ));
    }
    Ok(())
}
