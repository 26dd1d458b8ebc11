//! Questions on the tender, asked during the enquiry period by any broker
//! and answered by the tender's owner (spec §6).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::procurement::Organization;

/// The `data` of `POST /tenders/{id}/questions`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct QuestionInput {
    pub author: Organization,
    pub title: String,
    pub description: Option<String>,
    /// `tender` (the default), `lot` or `item`.
    pub question_of: Option<String>,
    pub related_item: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Question {
    pub id: String,
    /// Never shown: the public document has `{"hash": author_hash}`.
    pub author: Organization,
    /// The hash the reference shows for the author (computed by the
    /// adapter, which holds the tender token; spec Q-4).
    pub author_hash: String,
    pub title: String,
    pub description: Option<String>,
    pub question_of: String,
    pub related_item: Option<String>,
    pub answer: Option<String>,
    #[serde(default, with = "crate::time::kyiv_serde_option")]
    pub date_answered: Option<DateTime<Utc>>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
}
