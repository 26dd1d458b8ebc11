//! Periods and the classification codes items and criteria carry.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Period {
    #[serde(default, with = "crate::time::kyiv_serde_option")]
    pub start_date: Option<DateTime<Utc>>,
    #[serde(default, with = "crate::time::kyiv_serde_option")]
    pub end_date: Option<DateTime<Utc>>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Classification {
    pub scheme: String,
    pub id: String,
    pub description: Option<String>,
    pub description_en: Option<String>,
    pub uri: Option<String>,
}
