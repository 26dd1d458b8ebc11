//! Documents of a sale procedure and of its bids, awards, contracts and
//! cancellations. Bodies are uploaded to document storage first (`POST
//! /api/2.5/documents`, shared with the tender API), then attached here by
//! their metadata.

use axum::body::Bytes;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::HeaderMap;
use axum::response::Response;
use domain::procedures::multi_award_sale::{self as bsm, Command, Target};
use domain::procurement::{DocumentInput, Refusal};
use serde_json::{Value as Json, json};

use super::{actor, bids, ensure_exists, execute, load, public, public_item};
use crate::error::ApiError;
use crate::reply::{self, Query};
use crate::server::AppState;
use crate::write::{refused, to_json};
use crate::{access, body};

/// The documents of `target` the caller may see.
fn documents_of(
    state: &bsm::State,
    target: &Target,
    acc_token: Option<&str>,
) -> Result<Json, ApiError> {
    let owner = match target {
        Target::Procedure => public(state),
        Target::Bid(bid_id) => bids::bid_json(state, bid_id, acc_token)?,
        Target::Award(id) => public_item(state, "awards", id, "award_id")?,
        Target::Contract(id) => public_item(state, "contracts", id, "contract_id")?,
        Target::Cancellation(id) => public_item(state, "cancellations", id, "cancellation_id")?,
    };
    Ok(owner.get("documents").cloned().unwrap_or_else(|| json!([])))
}

fn target_path(id: &str, target: &Target) -> String {
    let base = format!("{}/{id}", super::PREFIX);
    match target {
        Target::Procedure => base,
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
        actor: actor(broker, query.acc_token.as_deref()),
        target: target.clone(),
        document: Box::new(document),
    };
    let (_, events) = execute(&state, &id, broker, bsm::Role::Broker, &headers, command).await?;
    let document = events
        .iter()
        .find_map(|event| match event {
            bsm::Event::DocumentAdded { document, .. } => Some(document.clone()),
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
    let procedure = load(&state, &id).await?;
    let documents = documents_of(&procedure, &target, query.acc_token.as_deref())?;
    Ok(reply::data(documents, query.pretty()))
}

pub async fn add_procedure(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    add(state, id, Target::Procedure, query, headers, bytes).await
}

pub async fn list_procedure(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    list(state, id, Target::Procedure, query).await
}

pub async fn read_procedure(
    State(state): State<AppState>,
    Path((id, document_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let procedure = load(&state, &id).await?;
    let documents = documents_of(&procedure, &Target::Procedure, None)?;
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
