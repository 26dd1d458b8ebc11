//! The sale procedure API (`/api/procedures…`, Prozorro.sale's resource
//! name) for the multi-award sale (`basicSell-multiAwards*`). Envelopes,
//! errors, broker keys, object tokens, documents and the change feed follow
//! the tender API's conventions. Handlers only parse, authenticate and
//! render; every rule is in the decider
//! (`domain::procedures::multi_award_sale`).

pub mod auction;
pub mod awarding;
pub mod bids;
pub mod cancellations;
pub mod documents;
pub mod procedure;

use crate::routes::{Routes, get};
use axum::extract::{Query as QueryParams, State};
use axum::http::HeaderMap;
use axum::response::Response;
use domain::procedures::multi_award_sale::{self as bsm, MultiAwardSale};
use domain::procurement::Refusal;
use serde_json::{Value as Json, json};

use crate::brokers::Broker;
use crate::error::ApiError;
use crate::feed::changes::Collection;
use crate::feed::params::FeedParams;
use crate::server::AppState;
use crate::write::{self, refused};

pub const PREFIX: &str = "/api/procedures";

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/procedures", get(feed).post(procedure::create))
        .route(
            "/api/procedures/{id}",
            get(procedure::read).patch(procedure::patch),
        )
        .route(
            "/api/procedures/{id}/documents",
            get(documents::list_procedure).post(documents::add_procedure),
        )
        .route(
            "/api/procedures/{id}/documents/{document_id}",
            get(documents::read_procedure),
        )
        .route(
            "/api/procedures/{id}/auction",
            get(auction::read).post(auction::post),
        )
        .route(
            "/api/procedures/{id}/bids",
            get(bids::list).post(bids::create),
        )
        .route(
            "/api/procedures/{id}/bids/{bid_id}",
            get(bids::read).patch(bids::patch).delete(bids::withdraw),
        )
        .route(
            "/api/procedures/{id}/bids/{bid_id}/documents",
            get(documents::list_bid).post(documents::add_bid),
        )
        .route("/api/procedures/{id}/awards", get(awarding::list_awards))
        .route(
            "/api/procedures/{id}/awards/{award_id}",
            get(awarding::read_award).patch(awarding::patch_award),
        )
        .route(
            "/api/procedures/{id}/awards/{award_id}/documents",
            get(documents::list_award).post(documents::add_award),
        )
        .route(
            "/api/procedures/{id}/contracts",
            get(awarding::list_contracts),
        )
        .route(
            "/api/procedures/{id}/contracts/{contract_id}",
            get(awarding::read_contract).patch(awarding::patch_contract),
        )
        .route(
            "/api/procedures/{id}/contracts/{contract_id}/documents",
            get(documents::list_contract).post(documents::add_contract),
        )
        .route(
            "/api/procedures/{id}/cancellations",
            get(cancellations::list).post(cancellations::create),
        )
        .route(
            "/api/procedures/{id}/cancellations/{cancellation_id}",
            get(cancellations::read),
        )
        .route(
            "/api/procedures/{id}/cancellations/{cancellation_id}/documents",
            get(documents::list_cancellation).post(documents::add_cancellation),
        )
}

/// The sale procedures this API serves, for the change feed.
pub const COLLECTION: Collection = Collection {
    path: "/api/procedures",
    kinds: &[bsm::KIND],
};

/// `GET /api/procedures?feed=changes…`: the change feed (pages or `mode=stream`).
async fn feed(
    State(state): State<AppState>,
    QueryParams(params): QueryParams<FeedParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    crate::feed::changes::serve(&state, COLLECTION, params, &headers).await
}

const ID_FIELD: &str = "procedure_id";

/// 404 unless `id` names a multi-award sale. One lookup, no fold.
pub async fn ensure_exists(state: &AppState, id: &str) -> Result<(), ApiError> {
    write::ensure_kind(state, id, bsm::KIND, ID_FIELD).await
}

/// Folds a multi-award sale from the log; 404 for anything else.
pub async fn load(state: &AppState, id: &str) -> Result<bsm::State, ApiError> {
    let loaded = write::load::<MultiAwardSale>(state, id, ID_FIELD).await?;
    if loaded.procedure.is_none() {
        return Err(refused(Refusal::not_found(ID_FIELD)));
    }
    Ok(loaded)
}

/// Runs a command on a procedure as `actor` (authenticated as `broker`).
pub async fn execute(
    state: &AppState,
    id: &str,
    broker: &Broker,
    actor_role: bsm::Role,
    headers: &HeaderMap,
    command: bsm::Command,
) -> Result<(bsm::State, Vec<bsm::Event>), ApiError> {
    let role = match actor_role {
        bsm::Role::Broker => "broker",
        bsm::Role::AuctionService => "auction",
    };
    write::execute::<MultiAwardSale>(state, id, broker, role, headers, &command).await
}

/// A platform acting with the object token `acc_token` (or none).
pub fn actor(broker: &Broker, acc_token: Option<&str>) -> bsm::Actor {
    bsm::Actor::broker(
        broker.name.clone(),
        acc_token.map(crate::access::hash_token).as_deref(),
    )
}

/// The public procedure document (what anyone may read).
pub fn public(state: &bsm::State) -> Json {
    bsm::disclosure::public_procedure(state).unwrap_or(Json::Null)
}

/// `{"data": <public procedure>, "config": …}`.
pub fn envelope(state: &bsm::State) -> Json {
    json!({
        "data": public(state),
        "config": write::to_json(&state.config),
    })
}

/// The public list `field` (`awards`, `contracts`, …) of the procedure:
/// sub-resources are read from the public document, so they show exactly
/// what it shows.
pub fn public_list(state: &bsm::State, field: &str) -> Vec<Json> {
    public(state)
        .get(field)
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default()
}

/// One object of the public list `field` by id; 404 naming `id_field`.
pub fn public_item(
    state: &bsm::State,
    field: &str,
    id: &str,
    id_field: &str,
) -> Result<Json, ApiError> {
    public_list(state, field)
        .into_iter()
        .find(|item| item.get("id").and_then(Json::as_str) == Some(id))
        .ok_or_else(|| refused(Refusal::not_found(id_field)))
}

/// `GET …/{field}` of procedure `id`: its public list.
pub async fn read_list(
    state: &AppState,
    id: &str,
    field: &str,
    pretty: bool,
) -> Result<Response, ApiError> {
    let procedure = load(state, id).await?;
    Ok(crate::reply::data(public_list(&procedure, field), pretty))
}

/// `GET …/{field}/{item_id}` of procedure `id`; 404 naming `id_field`.
pub async fn read_item(
    state: &AppState,
    id: &str,
    (field, item_id, id_field): (&str, &str, &str),
    pretty: bool,
) -> Result<Response, ApiError> {
    let procedure = load(state, id).await?;
    let item = public_item(&procedure, field, item_id, id_field)?;
    Ok(crate::reply::data(item, pretty))
}
