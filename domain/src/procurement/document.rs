//! Document metadata. The body lives in document storage; the CDB keeps the
//! title, format, hash and the URL it can be fetched from.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

/// What a client sends to attach a document.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DocumentInput {
    pub title: String,
    pub url: String,
    /// `md5:<32 hex>`, as the document service reports it.
    pub hash: String,
    pub format: String,
    pub document_type: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
    pub confidentiality: Option<String>,
    pub document_of: Option<String>,
    pub related_item: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub id: String,
    pub title: String,
    pub url: String,
    pub hash: String,
    pub format: String,
    pub document_type: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
    /// `public` or `buyerOnly`.
    pub confidentiality: String,
    pub document_of: String,
    pub related_item: Option<String>,
    /// Who added it: `tender_owner`, `bid_owner`, …
    pub author: String,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_published: DateTime<Utc>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_modified: DateTime<Utc>,
}

impl DocumentInput {
    /// Checks what the reference API checks of a document's metadata.
    pub fn validate(&self) -> Result<(), super::Refusal> {
        let hex = self.hash.strip_prefix("md5:").unwrap_or("");
        if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(super::Refusal::invalid(
                "hash",
                "Hash type is not supported.",
            ));
        }
        if let Some(confidentiality) = &self.confidentiality
            && confidentiality != "public"
            && confidentiality != "buyerOnly"
        {
            return Err(super::Refusal::invalid(
                "confidentiality",
                "Value must be one of ['public', 'buyerOnly'].",
            ));
        }
        if self.title.trim().is_empty() {
            return Err(super::Refusal::invalid("title", "This field is required."));
        }
        Ok(())
    }

    /// The stored document, as `author` adds it to `document_of` at `now`.
    pub fn into_document(
        self,
        id: String,
        document_of: &str,
        author: &str,
        now: DateTime<Utc>,
    ) -> Document {
        Document {
            id,
            title: self.title,
            url: self.url,
            hash: self.hash,
            format: self.format,
            document_type: self.document_type,
            description: self.description,
            language: self.language,
            confidentiality: self.confidentiality.unwrap_or_else(|| "public".to_owned()),
            document_of: self.document_of.unwrap_or_else(|| document_of.to_owned()),
            related_item: self.related_item,
            author: author.to_owned(),
            date_published: now,
            date_modified: now,
        }
    }
}
