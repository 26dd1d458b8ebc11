//! Bids: submitted by shortlisted suppliers' brokers, sealed until the
//! tender period ends (see the disclosure rule next to the decider).

use axum::body::Bytes;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::HeaderMap;
use axum::response::Response;
use domain::procedures::price_quotation::{self as pq, BidEdit, BidInput, Command};
use domain::procurement::Refusal;
use serde_json::{Value as Json, json};

use super::{ensure_exists, execute, load, refused};
use crate::brokers::Role;
use crate::error::ApiError;
use crate::reply::{self, Query};
use crate::server::AppState;
use crate::{access, body};

/// Whether `acc_token` is the token of bid `bid_id`.
pub fn owns_bid(tender: &pq::State, bid_id: &str, acc_token: Option<&str>) -> bool {
    match (tender.bid_owners.get(bid_id), acc_token) {
        (Some(owner), Some(token)) => owner.token_hash == access::hash_token(token),
        _ => false,
    }
}

pub fn bid_json(
    tender: &pq::State,
    bid_id: &str,
    acc_token: Option<&str>,
) -> Result<Json, ApiError> {
    pq::disclosure::visible_bid(tender, bid_id, owns_bid(tender, bid_id, acc_token))
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
        actor: super::actor(broker, None),
        bid: Box::new(input),
        token_hash: access::hash_token(&token),
    };
    let (tender, events) = execute(&state, &id, broker, &headers, command).await?;
    let bid_id = events
        .iter()
        .find_map(|event| match event {
            pq::Event::BidSubmitted { bid, .. } => Some(bid.id.clone()),
            _ => None,
        })
        .ok_or_else(|| refused(Refusal::not_found("bid_id")))?;
    let envelope = json!({
        "data": bid_json(&tender, &bid_id, Some(&token))?,
        "access": { "token": token },
    });
    Ok(reply::created(
        &state.public_url,
        &format!("{}/tenders/{id}/bids/{bid_id}", super::PREFIX),
        &envelope,
        query.pretty(),
    ))
}

pub async fn list(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let tender = load(&state, &id).await?;
    let status = tender.tender.as_ref().map(|t| t.status);
    if !pq::disclosure::bids_disclosed(&tender) {
        return Err(refused(Refusal::not_allowed(format!(
            "Can't view bids in current ({}) tender status",
            status.map(|s| s.as_str()).unwrap_or_default()
        ))));
    }
    let bids: Vec<Json> = pq::disclosure::public_tender(&tender)
        .and_then(|doc| doc.get("bids").cloned())
        .and_then(|bids| bids.as_array().cloned())
        .unwrap_or_default();
    Ok(reply::data(bids, query.pretty()))
}

pub async fn read(
    State(state): State<AppState>,
    Path((id, bid_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let tender = load(&state, &id).await?;
    let bid = bid_json(&tender, &bid_id, query.acc_token.as_deref())?;
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
        actor: super::actor(broker, query.acc_token.as_deref()),
        bid_id: bid_id.clone(),
        edit: Box::new(edit),
    };
    let (tender, _) = execute(&state, &id, broker, &headers, command).await?;
    let bid = bid_json(&tender, &bid_id, query.acc_token.as_deref())?;
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
        actor: super::actor(broker, query.acc_token.as_deref()),
        bid_id: bid_id.clone(),
    };
    let shown = bid_json(&before, &bid_id, query.acc_token.as_deref());
    execute(&state, &id, broker, &headers, command).await?;
    let mut bid = shown?;
    bid["status"] = json!("deleted");
    Ok(reply::data(bid, query.pretty()))
}
