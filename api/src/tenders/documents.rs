//! Documents: bodies are uploaded to document storage (`POST
//! /api/2.5/documents`, content-addressed), then attached to a tender, bid,
//! award, contract or cancellation by their metadata (title, url, hash,
//! format, documentType), as with the reference API's document service.

use axum::body::Bytes;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::procedures::price_quotation::{self as pq, Command, Target};
use domain::procurement::{DocumentInput, Refusal};
use serde::Deserialize;
use serde_json::{Value as Json, json};

use super::{bids, ensure_exists, execute, load, refused, to_json};
use crate::brokers::Role;
use crate::error::ApiError;
use crate::reply::{self, Query};
use crate::server::AppState;
use crate::{access, body};

/// The documents of `target` the caller may see.
fn documents_of(
    state: &pq::State,
    target: &Target,
    acc_token: Option<&str>,
) -> Result<Json, ApiError> {
    let tender = state
        .tender
        .as_ref()
        .ok_or_else(|| refused(Refusal::not_found("tender_id")))?;
    let documents = match target {
        Target::Tender => to_json(&tender.documents),
        Target::Bid(bid_id) => bids::bid_json(state, bid_id, acc_token)?
            .get("documents")
            .cloned()
            .unwrap_or_else(|| json!([])),
        Target::Award(id) => tender
            .awards
            .iter()
            .find(|a| &a.id == id)
            .map(|a| to_json(&a.documents))
            .ok_or_else(|| refused(Refusal::not_found("award_id")))?,
        Target::Contract(id) => tender
            .contracts
            .iter()
            .find(|c| &c.id == id)
            .map(|c| to_json(&c.documents))
            .ok_or_else(|| refused(Refusal::not_found("contract_id")))?,
        Target::Cancellation(id) => tender
            .cancellations
            .iter()
            .find(|c| &c.id == id)
            .map(|c| to_json(&c.documents))
            .ok_or_else(|| refused(Refusal::not_found("cancellation_id")))?,
    };
    Ok(documents)
}

fn target_path(id: &str, target: &Target) -> String {
    let base = format!("{}/tenders/{id}", super::PREFIX);
    match target {
        Target::Tender => base,
        Target::Bid(x) => format!("{base}/bids/{x}"),
        Target::Award(x) => format!("{base}/awards/{x}"),
        Target::Contract(x) => format!("{base}/contracts/{x}"),
        Target::Cancellation(x) => format!("{base}/cancellations/{x}"),
    }
}

async fn add(
    state: AppState,
    id: String,
    target: Target,
    query: Query,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker(&state.brokers, &headers)?;
    let document: DocumentInput = body::data(&headers, &bytes)?;
    ensure_exists(&state, &id).await?;
    crate::attachments::check_attached(state.documents.as_ref(), &state.public_url, &document)
        .await?;
    let command = Command::AddDocument {
        actor: super::actor(broker, query.acc_token.as_deref()),
        target: target.clone(),
        document,
    };
    let (_, events) = execute(&state, &id, broker, &headers, command).await?;
    let document = events
        .iter()
        .find_map(|event| match event {
            pq::Event::DocumentAdded { document, .. } => Some(document.clone()),
            _ => None,
        })
        .ok_or_else(|| refused(Refusal::not_found("document_id")))?;
    let path = format!("{}/documents/{}", target_path(&id, &target), document.id);
    Ok(reply::created(
        &state.public_url,
        &path,
        &json!({ "data": to_json(&document) }),
        query.pretty(),
    ))
}

async fn list(
    state: AppState,
    id: String,
    target: Target,
    query: Query,
) -> Result<Response, ApiError> {
    let tender = load(&state, &id).await?;
    let documents = documents_of(&tender, &target, query.acc_token.as_deref())?;
    Ok(reply::data(documents, query.pretty()))
}

pub async fn add_tender(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    add(state, id, Target::Tender, query, headers, bytes).await
}

pub async fn list_tender(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    list(state, id, Target::Tender, query).await
}

pub async fn read_tender(
    State(state): State<AppState>,
    Path((id, document_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let tender = load(&state, &id).await?;
    let documents = documents_of(&tender, &Target::Tender, None)?;
    let document = documents
        .as_array()
        .and_then(|docs| docs.iter().rev().find(|d| d["id"] == json!(document_id)))
        .cloned()
        .ok_or_else(|| refused(Refusal::not_found("document_id")))?;
    Ok(reply::data(document, query.pretty()))
}

sub_resource_documents!(add_bid, list_bid, Bid);
sub_resource_documents!(add_award, list_award, Award);
sub_resource_documents!(add_contract, list_contract, Contract);
sub_resource_documents!(add_cancellation, list_cancellation, Cancellation);

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
    let path = format!("{}/documents/{}", super::PREFIX, stored.key);
    let body = json!({
        "data": {
            "url": reply::absolute_url(&state.public_url, &path),
            "hash": format!("md5:{}", stored.md5),
            "format": format,
            "title": query.title.unwrap_or_else(|| stored.key.clone()),
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
    match body {
        Some(body) => Ok((
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            )],
            body,
        )
            .into_response()),
        None => Err(refused(Refusal::not_found("key"))),
    }
}
