//! Awards and contracts: the Organizer qualifies or disqualifies, the
//! conditional winner answers its offer, and contracts are signed. What is
//! shown comes from the public procedure document (a waiting award hides
//! its quantity).

use axum::body::Bytes;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::HeaderMap;
use axum::response::Response;
use domain::procedures::multi_award_sale::{self as bsm, AwardEdit, Command, ContractEdit};

use super::{actor, ensure_exists, execute, public_item, read_item, read_list};
use crate::error::ApiError;
use crate::reply::{self, Query};
use crate::server::AppState;
use crate::{access, body};

pub async fn list_awards(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    read_list(&state, &id, "awards", query.pretty()).await
}

pub async fn read_award(
    State(state): State<AppState>,
    Path((id, award_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    read_item(
        &state,
        &id,
        ("awards", &award_id, "award_id"),
        query.pretty(),
    )
    .await
}

/// The Organizer (owner token) qualifies or disqualifies; the conditional
/// winner (its bid's token) accepts with a quantity or refuses.
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
    let command = Command::EditAward {
        actor: actor(broker, query.acc_token.as_deref()),
        award_id: award_id.clone(),
        edit,
    };
    let (procedure, _) = execute(&state, &id, broker, bsm::Role::Broker, &headers, command).await?;
    let award = public_item(&procedure, "awards", &award_id, "award_id")?;
    Ok(reply::data(award, query.pretty()))
}

pub async fn list_contracts(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    read_list(&state, &id, "contracts", query.pretty()).await
}

pub async fn read_contract(
    State(state): State<AppState>,
    Path((id, contract_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    read_item(
        &state,
        &id,
        ("contracts", &contract_id, "contract_id"),
        query.pretty(),
    )
    .await
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
        actor: actor(broker, query.acc_token.as_deref()),
        contract_id: contract_id.clone(),
        edit,
    };
    let (procedure, _) = execute(&state, &id, broker, bsm::Role::Broker, &headers, command).await?;
    let contract = public_item(&procedure, "contracts", &contract_id, "contract_id")?;
    Ok(reply::data(contract, query.pretty()))
}
