//! What is being bought: items with quantity, unit and delivery terms.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::{Address, Amount, Classification, Money, Period, Refusal, require_positive};

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Unit {
    pub code: String,
    pub name: Option<String>,
    pub name_en: Option<String>,
    /// The price per unit.
    pub value: Option<Money>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Item {
    /// Set by the server when absent (32 hex characters).
    pub id: Option<String>,
    pub description: Option<String>,
    pub description_en: Option<String>,
    pub classification: Option<Classification>,
    pub additional_classifications: Option<Vec<Classification>>,
    pub quantity: Option<Amount>,
    pub unit: Option<Unit>,
    pub delivery_date: Option<Period>,
    pub delivery_address: Option<Address>,
    /// The e-catalogue profile the item is bought by (priceQuotation).
    pub profile: Option<String>,
    /// The e-catalogue category.
    pub category: Option<String>,
    /// The e-catalogue product a bid offers.
    pub product: Option<String>,
    pub related_lot: Option<String>,
}

/// Refuses an item with a zero quantity (422 naming `{field}.quantity`), as
/// the reference API does; an item may leave its quantity out.
pub fn check_quantities(items: &[Item], field: &str) -> Result<(), Refusal> {
    for quantity in items.iter().filter_map(|item| item.quantity) {
        require_positive(quantity, &format!("{field}.quantity"))?;
    }
    Ok(())
}
