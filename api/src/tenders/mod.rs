//! The OpenProcurement-compatible tender API (`/api/2.5/tenders…`) for the
//! procedures opencdb supports (today: priceQuotation). Handlers only parse,
//! authenticate, fetch outside facts and render; every rule is in the
//! decider (`domain::procedures::price_quotation`).

pub mod awarding;
pub mod bids;
pub mod cancellations;
pub mod documents;
pub mod tender;

use crate::routes::{Routes, get, post};
use axum::extract::{Query as QueryParams, State};
use axum::http::HeaderMap;
use axum::response::Response;
use domain::procedures::price_quotation::{self as pq, PriceQuotation};
use domain::procurement::Refusal;
use serde_json::{Value as Json, json};

use crate::brokers::Broker;
use crate::error::ApiError;
use crate::feed::changes::Collection;
use crate::feed::params::FeedParams;
use crate::server::AppState;
use crate::write;

pub const PREFIX: &str = "/api/2.5";

pub fn routes() -> Routes {
    Routes::new()
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

pub use crate::write::{refused, store_failed, to_json};

/// 404 unless `id` names a priceQuotation tender. Cheap: one lookup, no
/// fold; writes that need no state use it, since the pipeline loads anyway.
pub async fn ensure_exists(state: &AppState, id: &str) -> Result<(), ApiError> {
    write::ensure_kind(state, id, pq::KIND, "tender_id").await
}

/// Loads a priceQuotation tender; 404 for anything else.
pub async fn load(state: &AppState, id: &str) -> Result<pq::State, ApiError> {
    let loaded = write::load::<PriceQuotation>(state, id, "tender_id").await?;
    if loaded.tender.is_none() {
        return Err(refused(Refusal::not_found("tender_id")));
    }
    Ok(loaded)
}

/// Runs a command on a tender as `broker` and returns the new state and events.
pub async fn execute(
    state: &AppState,
    id: &str,
    broker: &Broker,
    headers: &HeaderMap,
    command: pq::Command,
) -> Result<(pq::State, Vec<pq::Event>), ApiError> {
    write::execute::<PriceQuotation>(state, id, broker, "broker", headers, &command).await
}

/// The actor for a write by `broker`, with the hash of `acc_token` if given.
pub fn actor(broker: &Broker, acc_token: Option<&str>) -> pq::Actor {
    pq::Actor {
        broker: broker.name.clone(),
        token_hash: acc_token.map(crate::access::hash_token),
    }
}

/// `{"data": <public tender>, "config": …}`.
pub fn tender_envelope(state: &pq::State) -> Json {
    json!({
        "data": pq::disclosure::public_tender(state).unwrap_or(Json::Null),
        "config": serde_json::to_value(&state.config).unwrap_or(Json::Null),
    })
}
