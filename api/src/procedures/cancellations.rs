//! Cancelling a sale: one request with the reason and the
//! `cancellationDetails` document; the procedure is `cancelled` at once.

use axum::body::Bytes;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::HeaderMap;
use axum::response::Response;
use domain::procedures::multi_award_sale::{self as bsm, CancellationInput, Command};
use domain::procurement::Refusal;
use serde_json::json;

use super::{actor, ensure_exists, execute, public_item, read_item, read_list};
use crate::error::ApiError;
use crate::reply::{self, Query};
use crate::server::AppState;
use crate::write::refused;
use crate::{access, body};

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
    crate::attachments::check_all_attached(
        state.documents.as_ref(),
        &state.public_url,
        &input.documents,
    )
    .await?;
    let command = Command::Cancel {
        actor: actor(broker, query.acc_token.as_deref()),
        cancellation: Box::new(input),
    };
    let (procedure, events) =
        execute(&state, &id, broker, bsm::Role::Broker, &headers, command).await?;
    let cancellation_id = events
        .iter()
        .find_map(|event| match event {
            bsm::Event::ProcedureCancelled { cancellation } => Some(cancellation.id.clone()),
            _ => None,
        })
        .ok_or_else(|| refused(Refusal::not_found("cancellation_id")))?;
    let cancellation = public_item(
        &procedure,
        "cancellations",
        &cancellation_id,
        "cancellation_id",
    )?;
    Ok(reply::created(
        &state.public_url,
        &format!("{}/{id}/cancellations/{cancellation_id}", super::PREFIX),
        &json!({ "data": cancellation }),
        query.pretty(),
    ))
}

pub async fn list(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    read_list(&state, &id, "cancellations", query.pretty()).await
}

pub async fn read(
    State(state): State<AppState>,
    Path((id, cancellation_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    read_item(
        &state,
        &id,
        ("cancellations", &cancellation_id, "cancellation_id"),
        query.pretty(),
    )
    .await
}
