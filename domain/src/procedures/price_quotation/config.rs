//! The `config` block a tender is created with. The reference API only shows
//! it sent and echoed [spec Q6]; three flags carry rules here
//! (`hasValueRestriction`, `valueCurrencyEquality`, `minBidsNumber`), the
//! others are stored and returned as given. Absent flags take the values the
//! spec's fixtures use for priceQuotation.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    #[serde(default)]
    pub has_auction: bool,
    #[serde(default = "yes")]
    pub has_awarding_order: bool,
    #[serde(default = "yes")]
    pub has_value_restriction: bool,
    #[serde(default = "yes")]
    pub value_currency_equality: bool,
    #[serde(default)]
    pub has_prequalification: bool,
    #[serde(default = "one")]
    pub min_bids_number: u32,
    #[serde(default = "yes")]
    pub has_pre_selection_agreement: bool,
    /// Further flags of the reference API, kept as sent.
    #[serde(flatten)]
    pub other: Map<String, Json>,
}

fn yes() -> bool {
    true
}

fn one() -> u32 {
    1
}

impl Default for Config {
    fn default() -> Self {
        Config {
            has_auction: false,
            has_awarding_order: true,
            has_value_restriction: true,
            value_currency_equality: true,
            has_prequalification: false,
            min_bids_number: 1,
            has_pre_selection_agreement: true,
            other: Map::new(),
        }
    }
}

impl Config {
    /// Flags beyond the typed ones must still be plain values.
    pub fn validate(&self) -> Result<(), crate::procurement::Refusal> {
        if self.has_auction {
            return Err(crate::procurement::Refusal::invalid(
                "config.hasAuction",
                "priceQuotation has no auction: hasAuction must be false",
            ));
        }
        if self.min_bids_number == 0 {
            return Err(crate::procurement::Refusal::invalid(
                "config.minBidsNumber",
                "Value should be greater than or equal to 1.",
            ));
        }
        for (name, value) in &self.other {
            if !(value.is_boolean() || value.is_number() || value.is_string()) {
                return Err(crate::procurement::Refusal::invalid(
                    format!("config.{name}"),
                    "Value must be a boolean, a number or a string.",
                ));
            }
        }
        Ok(())
    }
}
