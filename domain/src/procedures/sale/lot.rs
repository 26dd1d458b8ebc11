//! The sale's lot: `basicSell-multiAwards.Item` (spec §7.4) with its unit
//! and classifications, whose texts are multiLang. priceQuotation's
//! [`crate::procurement::Item`] keeps plain strings, as its own wire does.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::procurement::{Amount, MultiLang};

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Unit {
    pub code: String,
    pub name: Option<MultiLang>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Classification {
    pub scheme: String,
    pub id: String,
    pub description: Option<MultiLang>,
    pub uri: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Item {
    /// Set by the server when absent (32 hex characters).
    pub id: Option<String>,
    pub description: Option<MultiLang>,
    pub classification: Option<Classification>,
    pub additional_classifications: Option<Vec<Classification>>,
    /// The volume: of the lot `Q`, of an award the volume it buys.
    pub quantity: Option<Amount>,
    pub unit: Option<Unit>,
}
