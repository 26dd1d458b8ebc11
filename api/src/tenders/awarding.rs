//! Awards and contracts: the owner qualifies the lowest bid, then signs.

use axum::body::Bytes;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::HeaderMap;
use axum::response::Response;
use domain::procedures::price_quotation::{self as pq, AwardEdit, Command, ContractEdit};
use domain::procurement::Refusal;

use super::{ensure_exists, execute, load, refused, to_json};
use crate::error::ApiError;
use crate::reply::{self, Query};
use crate::server::AppState;
use crate::{access, body};

fn tender_of(state: &pq::State) -> Result<&pq::Tender, ApiError> {
    state
        .tender
        .as_ref()
        .ok_or_else(|| refused(Refusal::not_found("tender_id")))
}

fn award_json(state: &pq::State, award_id: &str) -> Result<serde_json::Value, ApiError> {
    tender_of(state)?
        .awards
        .iter()
        .find(|a| a.id == award_id)
        .map(to_json)
        .ok_or_else(|| refused(Refusal::not_found("award_id")))
}

fn contract_json(state: &pq::State, contract_id: &str) -> Result<serde_json::Value, ApiError> {
    tender_of(state)?
        .contracts
        .iter()
        .find(|c| c.id == contract_id)
        .map(to_json)
        .ok_or_else(|| refused(Refusal::not_found("contract_id")))
}

pub async fn list_awards(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let tender = load(&state, &id).await?;
    let awards = to_json(&tender_of(&tender)?.awards);
    Ok(reply::data(awards, query.pretty()))
}

pub async fn read_award(
    State(state): State<AppState>,
    Path((id, award_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let tender = load(&state, &id).await?;
    let award = award_json(&tender, &award_id)?;
    Ok(reply::data(award, query.pretty()))
}

pub async fn patch_award(
    State(state): State<AppState>,
    Path((id, award_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker(&state.brokers, &headers)?;
    let edit: AwardEdit = body::data(&headers, &bytes)?;
    ensure_exists(&state, &id).await?;
    let command = Command::DecideAward {
        actor: super::actor(broker, query.acc_token.as_deref()),
        award_id: award_id.clone(),
        edit,
    };
    let (tender, _) = execute(&state, &id, broker, &headers, command).await?;
    let award = award_json(&tender, &award_id)?;
    Ok(reply::data(award, query.pretty()))
}

pub async fn list_contracts(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let tender = load(&state, &id).await?;
    let contracts = to_json(&tender_of(&tender)?.contracts);
    Ok(reply::data(contracts, query.pretty()))
}

pub async fn read_contract(
    State(state): State<AppState>,
    Path((id, contract_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let tender = load(&state, &id).await?;
    let contract = contract_json(&tender, &contract_id)?;
    Ok(reply::data(contract, query.pretty()))
}

pub async fn patch_contract(
    State(state): State<AppState>,
    Path((id, contract_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker(&state.brokers, &headers)?;
    let edit: ContractEdit = body::data(&headers, &bytes)?;
    ensure_exists(&state, &id).await?;
    let command = Command::EditContract {
        actor: super::actor(broker, query.acc_token.as_deref()),
        contract_id: contract_id.clone(),
        edit,
    };
    let (tender, _) = execute(&state, &id, broker, &headers, command).await?;
    let contract = contract_json(&tender, &contract_id)?;
    Ok(reply::data(contract, query.pretty()))
}
