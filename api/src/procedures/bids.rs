//! Bids: a quantity at a price per unit, sealed until qualification starts
//! (see the disclosure rule next to the decider).

use axum::body::Bytes;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::HeaderMap;
use axum::response::Response;
use domain::procedures::multi_award_sale::{self as bsm, BidEdit, BidInput, Command};
use domain::procurement::Refusal;
use serde_json::{Value as Json, json};

use super::{actor, ensure_exists, execute, load, public_list};
use crate::brokers::Role;
use crate::error::ApiError;
use crate::reply::{self, Query};
use crate::server::AppState;
use crate::write::refused;
use crate::{access, body};

/// Whether `acc_token` is the token of bid `bid_id`.
pub fn owns_bid(procedure: &bsm::State, bid_id: &str, acc_token: Option<&str>) -> bool {
    match (procedure.bid_owners.get(bid_id), acc_token) {
        (Some(owner), Some(token)) => owner.token_hash == access::hash_token(token),
        _ => false,
    }
}

/// The bid as the caller may see it: whole to its owner, to others only
/// once bids are disclosed.
pub fn bid_json(
    procedure: &bsm::State,
    bid_id: &str,
    acc_token: Option<&str>,
) -> Result<Json, ApiError> {
    bsm::disclosure::visible_bid(procedure, bid_id, owns_bid(procedure, bid_id, acc_token))
        .map_err(refused)
}

pub async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker_with_role(&state.brokers, &headers, Role::Broker)?;
    let input: BidInput = body::data(&headers, &bytes)?;
    ensure_exists(&state, &id).await?;
    let token = access::new_token();
    let command = Command::SubmitBid {
        actor: actor(broker, None),
        bid: Box::new(input),
        token_hash: access::hash_token(&token),
    };
    let (procedure, events) =
        execute(&state, &id, broker, bsm::Role::Broker, &headers, command).await?;
    let bid_id = events
        .iter()
        .find_map(|event| match event {
            bsm::Event::BidSubmitted { bid, .. } => Some(bid.id.clone()),
            _ => None,
        })
        .ok_or_else(|| refused(Refusal::not_found("bid_id")))?;
    let envelope = json!({
        "data": bid_json(&procedure, &bid_id, Some(&token))?,
        "access": { "token": token },
    });
    Ok(reply::created(
        &state.public_url,
        &format!("{}/{id}/bids/{bid_id}", super::PREFIX),
        &envelope,
        query.pretty(),
    ))
}

pub async fn list(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let procedure = load(&state, &id).await?;
    if !bsm::disclosure::bids_disclosed(&procedure) {
        let status = procedure
            .procedure
            .as_ref()
            .map(|p| p.status.as_str())
            .unwrap_or_default();
        return Err(refused(Refusal::not_allowed(format!(
            "Can't view bids in current ({status}) procedure status"
        ))));
    }
    Ok(reply::data(public_list(&procedure, "bids"), query.pretty()))
}

pub async fn read(
    State(state): State<AppState>,
    Path((id, bid_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let procedure = load(&state, &id).await?;
    let bid = bid_json(&procedure, &bid_id, query.acc_token.as_deref())?;
    Ok(reply::data(bid, query.pretty()))
}

pub async fn patch(
    State(state): State<AppState>,
    Path((id, bid_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker(&state.brokers, &headers)?;
    let edit: BidEdit = body::data(&headers, &bytes)?;
    ensure_exists(&state, &id).await?;
    let command = Command::EditBid {
        actor: actor(broker, query.acc_token.as_deref()),
        bid_id: bid_id.clone(),
        edit: Box::new(edit),
    };
    let (procedure, _) = execute(&state, &id, broker, bsm::Role::Broker, &headers, command).await?;
    let bid = bid_json(&procedure, &bid_id, query.acc_token.as_deref())?;
    Ok(reply::data(bid, query.pretty()))
}

pub async fn withdraw(
    State(state): State<AppState>,
    Path((id, bid_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let broker = access::broker(&state.brokers, &headers)?;
    let before = load(&state, &id).await?;
    let command = Command::WithdrawBid {
        actor: actor(broker, query.acc_token.as_deref()),
        bid_id: bid_id.clone(),
    };
    let shown = bid_json(&before, &bid_id, query.acc_token.as_deref());
    execute(&state, &id, broker, bsm::Role::Broker, &headers, command).await?;
    let mut bid = shown?;
    bid["status"] = json!("deleted");
    Ok(reply::data(bid, query.pretty()))
}
