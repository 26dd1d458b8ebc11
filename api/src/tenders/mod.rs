//! The OpenProcurement-compatible tender API (`/api/2.5/tenders…`) for the
//! procedures opencdb supports (today: priceQuotation). Handlers only parse,
//! authenticate, fetch outside facts and render; every rule is in the
//! decider (`domain::procedures::price_quotation`).

pub mod access;
pub mod awarding;
pub mod bids;
pub mod body;
pub mod cancellations;
pub mod documents;
pub mod reply;
pub mod tender;

use axum::Router;
use axum::extract::{Query as QueryParams, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use commands::CommandError;
use commands::store::Metadata;
use domain::procedures::price_quotation::{self as pq, PriceQuotation};
use domain::procurement::{Refusal, RefusalKind};
use serde_json::{Value as Json, json};

use crate::brokers::Broker;
use crate::error::ApiError;
use crate::feed::changes::Collection;
use crate::feed::params::FeedParams;
use crate::server::AppState;

pub const PREFIX: &str = "/api/2.5";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/2.5/tenders", get(feed).post(tender::create))
        .route(
            "/api/2.5/tenders/{id}",
            get(tender::read).patch(tender::patch),
        )
        .route("/api/2.5/tenders/{id}/ownership", post(tender::ownership))
        .route(
            "/api/2.5/tenders/{id}/documents",
            get(documents::list_tender).post(documents::add_tender),
        )
        .route(
            "/api/2.5/tenders/{id}/documents/{document_id}",
            get(documents::read_tender),
        )
        .route(
            "/api/2.5/tenders/{id}/bids",
            get(bids::list).post(bids::create),
        )
        .route(
            "/api/2.5/tenders/{id}/bids/{bid_id}",
            get(bids::read).patch(bids::patch).delete(bids::withdraw),
        )
        .route(
            "/api/2.5/tenders/{id}/bids/{bid_id}/documents",
            get(documents::list_bid).post(documents::add_bid),
        )
        .route("/api/2.5/tenders/{id}/awards", get(awarding::list_awards))
        .route(
            "/api/2.5/tenders/{id}/awards/{award_id}",
            get(awarding::read_award).patch(awarding::patch_award),
        )
        .route(
            "/api/2.5/tenders/{id}/awards/{award_id}/documents",
            get(documents::list_award).post(documents::add_award),
        )
        .route(
            "/api/2.5/tenders/{id}/contracts",
            get(awarding::list_contracts),
        )
        .route(
            "/api/2.5/tenders/{id}/contracts/{contract_id}",
            get(awarding::read_contract).patch(awarding::patch_contract),
        )
        .route(
            "/api/2.5/tenders/{id}/contracts/{contract_id}/documents",
            get(documents::list_contract).post(documents::add_contract),
        )
        .route(
            "/api/2.5/tenders/{id}/cancellations",
            get(cancellations::list).post(cancellations::create),
        )
        .route(
            "/api/2.5/tenders/{id}/cancellations/{cancellation_id}",
            get(cancellations::read).patch(cancellations::patch),
        )
        .route(
            "/api/2.5/tenders/{id}/cancellations/{cancellation_id}/documents",
            get(documents::list_cancellation).post(documents::add_cancellation),
        )
        .route("/api/2.5/documents", post(documents::upload))
        .route("/api/2.5/documents/{key}", get(documents::download))
}

/// The tenders this API serves, for the change feed.
pub const COLLECTION: Collection = Collection {
    path: "/api/2.5/tenders",
    kinds: &[pq::KIND],
};

/// `GET /api/2.5/tenders?feed=changes…`: the change feed (pages or `mode=stream`).
async fn feed(
    State(state): State<AppState>,
    QueryParams(params): QueryParams<FeedParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    crate::feed::changes::serve(&state, COLLECTION, params, &headers).await
}

/// The error envelope for a refusal of the rules.
pub fn refused(refusal: Refusal) -> ApiError {
    let status = match refusal.kind {
        RefusalKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        RefusalKind::Forbidden => StatusCode::FORBIDDEN,
        RefusalKind::NotFound => StatusCode::NOT_FOUND,
        RefusalKind::Conflict => StatusCode::CONFLICT,
    };
    ApiError::new(
        status,
        refusal.location.as_str(),
        &refusal.name,
        refusal.description,
    )
}

fn command_failed(error: CommandError<Refusal>) -> ApiError {
    match error {
        CommandError::Domain(refusal) => refused(refusal),
        CommandError::Conflict { .. } => ApiError::new(
            StatusCode::CONFLICT,
            "body",
            "data",
            "Conflict while writing the tender: it changed concurrently. Try again",
        ),
        CommandError::Store(error) => {
            tracing::error!(%error, "store unavailable");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "body",
                "data",
                "Service Unavailable: the event store is not reachable. Try again later",
            )
        }
        other => {
            tracing::error!(error = %other, "command failed");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "body",
                "data",
                "Internal Server Error",
            )
        }
    }
}

pub fn store_failed(error: impl std::fmt::Display) -> ApiError {
    tracing::error!(%error, "store unavailable");
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "body",
        "data",
        "Service Unavailable: the event store is not reachable. Try again later",
    )
}

/// 404 unless `id` names a priceQuotation tender. Cheap: one lookup, no
/// fold; writes that need no state use it, since the pipeline loads anyway.
pub async fn ensure_exists(state: &AppState, id: &str) -> Result<(), ApiError> {
    let not_found = || refused(Refusal::not_found("tender_id"));
    if id.parse::<domain::Id>().is_err() {
        return Err(not_found());
    }
    match state.store.procedure_kind(id).await.map_err(store_failed)? {
        // A procedure's first event creates it, so a known kind is a tender.
        Some(kind) if kind == pq::KIND => Ok(()),
        _ => Err(not_found()),
    }
}

/// Loads a priceQuotation tender; 404 for anything else.
pub async fn load(state: &AppState, id: &str) -> Result<pq::State, ApiError> {
    let not_found = || refused(Refusal::not_found("tender_id"));
    ensure_exists(state, id).await?;
    let loaded = state
        .handler
        .load::<PriceQuotation>(id)
        .await
        .map_err(command_failed)?;
    if loaded.state.tender.is_none() {
        return Err(not_found());
    }
    Ok(loaded.state)
}

fn metadata(broker: &Broker, headers: &HeaderMap) -> Metadata {
    Metadata {
        broker: Some(broker.name.clone()),
        role: Some("broker".to_owned()),
        request_id: headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        ..Metadata::default()
    }
}

/// Runs a command on a tender as `broker` and returns the new state and events.
pub async fn execute(
    state: &AppState,
    id: &str,
    broker: &Broker,
    headers: &HeaderMap,
    command: pq::Command,
) -> Result<(pq::State, Vec<pq::Event>), ApiError> {
    let executed = state
        .handler
        .execute::<PriceQuotation>(id, &command, &metadata(broker, headers))
        .await
        .map_err(command_failed)?;
    if let Some(appended) = executed.appended {
        state.readable(appended.last_position).await;
    }
    Ok((executed.state, executed.events))
}

/// `{"data": <public tender>, "config": …}`.
pub fn tender_envelope(state: &pq::State) -> Json {
    json!({
        "data": pq::disclosure::public_tender(state).unwrap_or(Json::Null),
        "config": serde_json::to_value(&state.config).unwrap_or(Json::Null),
    })
}

pub fn to_json<T: serde::Serialize>(value: &T) -> Json {
    serde_json::to_value(value).unwrap_or(Json::Null)
}
