//! The check every attached document passes, for tenders and sales alike:
//! its metadata has the right shape (the domain's rule), its `url` points at
//! a body this server's document storage holds (`POST /api/2.5/documents`
//! answered it), and its `hash` is that body's MD5.
//!
//! URLs on other hosts are refused: the reference API accepts only URLs of
//! its own document service, and a CDB that published any link a broker
//! sent would lend its authority to whatever the link serves.

use axum::http::StatusCode;
use commands::ports::documents::{DocumentStorage, StoredBlob};
use domain::procurement::DocumentInput;
use domain::procurement::document::{STORED_DOCUMENT_PATH, parse_document_url};

use crate::error::ApiError;
use crate::reply::{self, PublicUrl};
use crate::write::refused;

fn invalid(name: &str, description: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "body", name, description)
}

/// The storage key of `url` when it is this server's own document URL, as
/// the upload answered it: `<public URL>/api/2.5/documents/{key}` (scheme
/// and host compared without regard to case).
fn own_key<'u>(public: &PublicUrl, url: &'u str) -> Option<&'u str> {
    let own = reply::absolute_url(public, STORED_DOCUMENT_PATH);
    let head = url.get(..own.len())?;
    if !head.eq_ignore_ascii_case(&own) {
        return None;
    }
    let key = &url[own.len()..];
    commands::ports::documents::is_key(key).then_some(key)
}

/// Refuses `document` unless its body was uploaded here and `hash` matches
/// it: 422 naming `url` or `hash`, or 503 when storage is unreachable.
pub async fn check_attached(
    storage: &dyn DocumentStorage,
    public: &PublicUrl,
    document: &DocumentInput,
) -> Result<(), ApiError> {
    document.validate().map_err(refused)?;
    let not_ours = || {
        invalid(
            "url",
            "Only documents uploaded to this server's document service (POST /api/2.5/documents) can be attached; use the url it answered.",
        )
    };
    parse_document_url(&document.url).ok_or_else(not_ours)?;
    let key = own_key(public, &document.url).ok_or_else(not_ours)?;
    let body = storage.get(key).await.map_err(|error| {
        tracing::error!(%error, "document storage failed");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "body",
            "url",
            "Document storage is not available. Try again later",
        )
    })?;
    let Some(body) = body else {
        return Err(invalid(
            "url",
            &format!(
                "No document was uploaded under {STORED_DOCUMENT_PATH}{key}; upload it first (POST /api/2.5/documents)."
            ),
        ));
    };
    let stored = StoredBlob::of(&body);
    if document.md5_hex().as_deref() != Some(stored.md5.as_str()) {
        return Err(invalid(
            "hash",
            "The hash does not match the uploaded document: send the hash the upload answered.",
        ));
    }
    Ok(())
}

/// [`check_attached`] for each of `documents`.
pub async fn check_all_attached(
    storage: &dyn DocumentStorage,
    public: &PublicUrl,
    documents: &[DocumentInput],
) -> Result<(), ApiError> {
    for document in documents {
        check_attached(storage, public, document).await?;
    }
    Ok(())
}
