//! Cancelling the procedure (spec §3.5, P10): one request carrying the
//! free-text reason, the date the decision was taken and the
//! `cancellationDetails` document; the procedure is `cancelled` at once.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::Context;
use crate::procedures::common::{documents, new_id};
use crate::procurement::{Document, DocumentInput, MultiLang, Need, Refusal};

/// Document types a cancellation may carry (spec §6.3).
pub const CANCELLATION_DOCUMENT_TYPES: [&str; 2] = ["cancellationDetails", "digitalSignature"];

/// The `data` of `POST /api/procedures/{id}/cancellations`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CancellationInput {
    /// Free text, not a dictionary (spec L181), in the model's
    /// `base.multiLang` (Q10).
    pub reason: MultiLang,
    /// When the decision to cancel was taken; defaults to now and may not
    /// lie in the future.
    #[serde(default, with = "crate::time::kyiv_serde_option")]
    pub date_published: Option<DateTime<Utc>>,
    /// Must include a `cancellationDetails` document.
    pub documents: Vec<DocumentInput>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cancellation {
    pub id: String,
    pub reason: MultiLang,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_published: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    /// When the CDB recorded the cancellation.
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
}

impl CancellationInput {
    /// The cancellation as recorded now, if the request is whole: a reason
    /// in any language (the spec asks for none in particular, §7.9), a
    /// decision not dated in the future, documents of the cancellation's
    /// types, one of them `cancellationDetails`.
    pub fn decide(&self, context: &Context<'_>) -> Result<Cancellation, Refusal> {
        let now = context.now;
        self.reason.check("reason", Need::AnyLanguage)?;
        let date_published = self.date_published.unwrap_or(now);
        if date_published > now {
            return Err(Refusal::invalid(
                "datePublished",
                "The decision to cancel can't be dated in the future",
            ));
        }
        for document in &self.documents {
            document.validate()?;
            documents::check_type(document, &CANCELLATION_DOCUMENT_TYPES, true)?;
        }
        if !self
            .documents
            .iter()
            .any(|d| d.document_type.as_deref() == Some("cancellationDetails"))
        {
            return Err(Refusal::invalid(
                "documents",
                "A cancellationDetails document is required to cancel the procedure",
            ));
        }
        let documents = self
            .documents
            .iter()
            .map(|d| documents::attach(d, "cancellation", "auction_owner", context))
            .collect();
        Ok(Cancellation {
            id: new_id(context),
            reason: self.reason.clone(),
            date_published,
            documents,
            date: now,
        })
    }
}
