//! Cancelling a tender: request with a reason, attach the decision
//! document, activate.

use axum::body::Bytes;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::procedures::price_quotation::{
    self as pq, CancellationEdit, CancellationInput, Command,
};
use domain::procurement::Refusal;
use serde_json::json;

use super::{ensure_exists, execute, load, refused, to_json};
use crate::error::ApiError;
use crate::reply::{self, Query};
use crate::server::AppState;
use crate::{access, body};

fn cancellation_json(
    state: &pq::State,
    cancellation_id: &str,
) -> Result<serde_json::Value, ApiError> {
    state
        .tender
        .as_ref()
        .and_then(|t| t.cancellations.iter().find(|c| c.id == cancellation_id))
        .map(to_json)
        .ok_or_else(|| refused(Refusal::not_found("cancellation_id")))
}

pub async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker(&state.brokers, &headers)?;
    let input: CancellationInput = body::data(&headers, &bytes)?;
    ensure_exists(&state, &id).await?;
    let command = Command::RequestCancellation {
        actor: super::actor(broker, query.acc_token.as_deref()),
        cancellation: input,
    };
    let (tender, events) = execute(&state, &id, broker, &headers, command).await?;
    let cancellation_id = events
        .iter()
        .find_map(|event| match event {
            pq::Event::CancellationRequested { cancellation } => Some(cancellation.id.clone()),
            _ => None,
        })
        .ok_or_else(|| refused(Refusal::not_found("cancellation_id")))?;
    let body = json!({ "data": cancellation_json(&tender, &cancellation_id)? });
    Ok(reply::created(
        &state.public_url,
        &format!(
            "{}/tenders/{id}/cancellations/{cancellation_id}",
            super::PREFIX
        ),
        &body,
        query.pretty(),
    ))
}

pub async fn list(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let tender = load(&state, &id).await?;
    let cancellations = tender
        .tender
        .as_ref()
        .map(|t| to_json(&t.cancellations))
        .unwrap_or_else(|| json!([]));
    Ok(reply::data(cancellations, query.pretty()))
}

pub async fn read(
    State(state): State<AppState>,
    Path((id, cancellation_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let tender = load(&state, &id).await?;
    let body = json!({ "data": cancellation_json(&tender, &cancellation_id)? });
    Ok(reply::json(StatusCode::OK, &body, query.pretty()))
}

pub async fn patch(
    State(state): State<AppState>,
    Path((id, cancellation_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker(&state.brokers, &headers)?;
    let edit: CancellationEdit = body::data(&headers, &bytes)?;
    ensure_exists(&state, &id).await?;
    let command = Command::EditCancellation {
        actor: super::actor(broker, query.acc_token.as_deref()),
        cancellation_id: cancellation_id.clone(),
        edit,
    };
    let (tender, _) = execute(&state, &id, broker, &headers, command).await?;
    let body = json!({ "data": cancellation_json(&tender, &cancellation_id)? });
    Ok(reply::json(StatusCode::OK, &body, query.pretty()))
}
