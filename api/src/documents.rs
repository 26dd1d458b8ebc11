//! Document bodies: uploaded to document storage (`POST
//! /api/2.5/documents`, content-addressed), then attached to a procedure,
//! bid, award, contract or cancellation by their metadata (title, url, hash,
//! format, documentType; see [`crate::procedure::documents`]), as with the
//! reference API's document service.

use axum::body::Bytes;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::procurement::Refusal;
use serde::Deserialize;
use serde_json::json;

use commands::ports::documents::Description;

use crate::access;
use crate::brokers::Role;
use crate::error::ApiError;
use crate::reply;
use crate::routes::{Routes, get, post};
use crate::server::AppState;
use crate::write::refused;

/// Where bodies are uploaded and downloaded.
pub const PREFIX: &str = "/api/2.5/documents";

pub fn routes() -> Routes {
    Routes::new()
        .route(PREFIX, post(upload))
        .route(format!("{PREFIX}/{{key}}"), get(download))
}

#[derive(Debug, Default, Deserialize)]
pub struct UploadQuery {
    pub title: Option<String>,
    pub opt_pretty: Option<String>,
}

/// Stores a document body; answers with the metadata to attach it by.
pub async fn upload(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<UploadQuery>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker_with_role(&state.brokers, &headers, Role::Broker)?;
    if bytes.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "body",
            "file",
            "The document body is empty",
        ));
    }
    let format = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let unavailable = |error: commands::ports::documents::DocumentStorageError| {
        tracing::error!(%error, "document storage failed");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "body",
            "file",
            "Document storage is not available. Try again later",
        )
    };
    let stored = state
        .documents
        .put(bytes.to_vec())
        .await
        .map_err(unavailable)?;
    state
        .documents
        .record_uploader(&stored.key, &broker.name)
        .await
        .map_err(unavailable)?;
    let title = query.title.unwrap_or_else(|| stored.key.clone());
    let description = Description {
        format: format.clone(),
        title: title.clone(),
    };
    state
        .documents
        .describe(&stored.key, &description)
        .await
        .map_err(unavailable)?;
    let path = format!("{PREFIX}/{}", stored.key);
    let body = json!({
        "data": {
            "url": reply::absolute_url(&state.public_url, &path),
            "hash": format!("md5:{}", stored.md5),
            "format": format,
            "title": title,
        }
    });
    let pretty = matches!(query.opt_pretty.as_deref(), Some("1" | "true"));
    Ok(reply::created(&state.public_url, &path, &body, pretty))
}

/// A stored body, to whoever may read it: anyone when a public document
/// refers to it, otherwise only the broker that uploaded it (so a sealed or
/// `buyerOnly` bid document cannot be fetched, nor a guessed text confirmed,
/// by its hash). Any other request is answered as if there were no body.
pub async fn download(
    State(state): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let unavailable = |error: &dyn std::fmt::Display| {
        tracing::error!(%error, "document storage failed");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "url",
            "key",
            "Document storage is not available. Try again later",
        )
    };
    let public = state
        .read_store()
        .body_is_public(&key)
        .await
        .map_err(|e| unavailable(&e))?;
    let readable = public || {
        match access::broker(&state.brokers, &headers) {
            Ok(broker) => state
                .documents
                .uploaded_by(&key, &broker.name)
                .await
                .map_err(|e| unavailable(&e))?,
            Err(_) => false,
        }
    };
    if !readable {
        return Err(refused(Refusal::not_found("key")));
    }
    let body = state
        .documents
        .get(&key)
        .await
        .map_err(|e| unavailable(&e))?;
    let Some(body) = body else {
        return Err(refused(Refusal::not_found("key")));
    };
    let description = state
        .documents
        .description(&key)
        .await
        .map_err(|e| unavailable(&e))?;
    let (format, title) = match description {
        Some(description) => (media_type(&description.format), description.title),
        None => (OCTET_STREAM.to_owned(), key.clone()),
    };
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_str(&format)
                .unwrap_or_else(|_| HeaderValue::from_static(OCTET_STREAM)),
        ),
        (header::CONTENT_DISPOSITION, disposition(&title)),
        // An uploaded body is never run as a page of this origin.
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
    ];
    Ok((headers, body).into_response())
}

const OCTET_STREAM: &str = "application/octet-stream";

/// The uploaded format when it is a plain media type (`type/subtype`, with
/// parameters), else `application/octet-stream`.
fn media_type(format: &str) -> String {
    let essence = format.split(';').next().unwrap_or("").trim();
    let token = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    let plain = essence
        .split_once('/')
        .is_some_and(|(kind, subtype)| token(kind) && token(subtype));
    let printable = format.bytes().all(|b| (0x20..0x7f).contains(&b));
    if plain && printable {
        format.to_owned()
    } else {
        OCTET_STREAM.to_owned()
    }
}

/// `attachment; filename="…"` with the title percent-encoded as UTF-8, so
/// any title (Ukrainian, with quotes) is one valid header that the official
/// client's `split("; filename=")` reads back.
fn disposition(title: &str) -> HeaderValue {
    let encoded: String = title
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b' ' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect();
    HeaderValue::from_str(&format!("attachment; filename=\"{encoded}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}
