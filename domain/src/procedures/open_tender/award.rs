//! Awards (from the lowest price up) and the contract an accepted one
//! leads to.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::extended::Party;
use crate::procurement::{ContractValue, Document, Money, Period};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AwardStatus {
    Pending,
    Active,
    Unsuccessful,
    Cancelled,
}

impl AwardStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AwardStatus::Pending => "pending",
            AwardStatus::Active => "active",
            AwardStatus::Unsuccessful => "unsuccessful",
            AwardStatus::Cancelled => "cancelled",
        }
    }
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Award {
    pub id: String,
    #[serde(rename = "bid_id")]
    pub bid_id: String,
    #[serde(rename = "lotID")]
    pub lot_id: String,
    pub status: AwardStatus,
    pub qualified: Option<bool>,
    pub value: Money,
    pub suppliers: Vec<Party>,
    /// [created, created + 5 working days] (spec P12; informational).
    pub period: Period,
    /// [decision, decision + `awardComplainDuration` working days].
    pub complaint_period: Option<Period>,
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
    pub suppliers: Vec<Party>,
    #[serde(default, with = "crate::time::kyiv_serde_option")]
    pub date_signed: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
}
