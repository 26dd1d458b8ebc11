//! Awards (the qualification of the best remaining bid) and the contracts
//! an accepted award leads to.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::procurement::{ContractValue, Document, Item, Money, Organization, Period};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AwardStatus {
    Pending,
    Active,
    Unsuccessful,
    Cancelled,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Award {
    pub id: String,
    /// `bid_id` on the wire, as the reference API writes it.
    #[serde(rename = "bid_id")]
    pub bid_id: String,
    pub status: AwardStatus,
    pub qualified: Option<bool>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub value: Money,
    pub suppliers: Vec<Organization>,
    pub period: Period,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ContractStatus {
    Pending,
    Active,
    Cancelled,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contract {
    pub id: String,
    #[serde(rename = "awardID")]
    pub award_id: String,
    #[serde(rename = "contractID")]
    pub contract_id: String,
    pub status: ContractStatus,
    pub title: String,
    pub value: ContractValue,
    pub suppliers: Vec<Organization>,
    pub items: Vec<Item>,
    #[serde(default, with = "crate::time::kyiv_serde_option")]
    pub date_signed: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
}
