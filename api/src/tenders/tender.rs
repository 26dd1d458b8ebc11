//! Creating, reading and changing the tender itself, and taking it over.

use axum::body::Bytes;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use commands::ports::catalogue;
use domain::procedures::price_quotation::{self as pq, Command, Config, TenderEdit, TenderInput};
use domain::procurement::Refusal;
use serde::Deserialize;
use serde_json::json;

use super::{ensure_exists, execute, load, refused, tender_envelope};
use crate::brokers::Role;
use crate::error::ApiError;
use crate::reply::{self, Query};
use crate::server::AppState;
use crate::{access, body};

/// The V0 answer of spec §4: the e-catalogue could not be reached.
fn catalogue_unreachable() -> ApiError {
    refused(Refusal::conflict(
        "data",
        "Error while getting data from ProZorro e-Catalogues: Connection closed. Try again later",
    ))
}

pub async fn create(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker_with_role(&state.brokers, &headers, Role::Broker)?;
    let mut object = body::json_object(&headers, &bytes)?;
    let data = object
        .remove("data")
        .filter(serde_json::Value::is_object)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "body",
                "data",
                "Data not available",
            )
        })?;
    let method_type = data
        .get("procurementMethodType")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    if method_type != pq::KIND {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "body",
            "procurementMethodType",
            "Not implemented",
        ));
    }
    let input: TenderInput = body::part(data)?;
    let config: Config = match object.remove("config") {
        Some(config) => body::part(config).map_err(|mut e| {
            for error in &mut e.errors {
                error.name = format!("config.{}", error.name);
            }
            e
        })?,
        None => Config::default(),
    };
    let id = state.handler.next_id().to_string();
    let date = domain::time::kyiv_date(state.handler.clock().now());
    let number = state
        .store
        .next_in_sequence(&format!("tenderID:{date}"))
        .await
        .map_err(super::store_failed)?;
    let token = access::new_token();
    let transfer = access::new_token();
    let command = Command::Create {
        actor: super::actor(broker, None),
        id: id.clone(),
        tender: Box::new(input),
        config,
        tender_id: format!("UA-{date}-{number:06}-a"),
        owner_token_hash: access::hash_token(&token),
        transfer_token_hash: access::hash_token(&transfer),
    };
    let (tender, _) = execute(&state, &id, broker, &headers, command).await?;
    let mut envelope = tender_envelope(&tender);
    envelope["access"] = json!({ "token": token, "transfer": transfer });
    Ok(reply::created(
        &state.public_url,
        &format!("{}/tenders/{id}", super::PREFIX),
        &envelope,
        query.pretty(),
    ))
}

pub async fn read(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    if let Some(stored) = state.stored_document(&id, pq::KIND, query.pretty()).await? {
        return Ok(stored);
    }
    let tender = load(&state, &id).await?;
    Ok(reply::json(
        StatusCode::OK,
        &tender_envelope(&tender),
        query.pretty(),
    ))
}

/// Fetches what activation needs from the e-catalogue for the tender as it
/// will be after `edit`; `None` when no activation is asked for or the
/// caller could not activate anyway (the decider then refuses it).
async fn catalogue_facts(
    state: &AppState,
    tender: &pq::State,
    actor: &pq::Actor,
    edit: &TenderEdit,
) -> Result<Option<domain::procedures::price_quotation::catalogue::CatalogueSnapshot>, ApiError> {
    let Some(current) = tender.tender.as_ref() else {
        return Ok(None);
    };
    let owner = actor.broker == current.owner
        && actor.token_hash.as_deref() == Some(tender.owner_token_hash.as_str());
    let activating = edit.status.as_deref() == Some("active.tendering")
        && current.status == pq::TenderStatus::Draft;
    if !owner || !activating {
        return Ok(None);
    }
    let mut edited = current.clone();
    pq::apply_edit(&mut edited, edit);
    let profiles: Vec<String> = edited
        .items
        .iter()
        .filter_map(|item| item.profile.clone())
        .collect();
    let Some(port) = state.catalogue.as_ref() else {
        return Err(catalogue_unreachable());
    };
    match catalogue::snapshot(port.as_ref(), &profiles, &edited.agreement.id).await {
        Ok(snapshot) => Ok(Some(snapshot)),
        Err(error) => {
            tracing::warn!(%error, "e-catalogue unreachable during activation");
            Err(catalogue_unreachable())
        }
    }
}

pub async fn patch(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker(&state.brokers, &headers)?;
    let edit: TenderEdit = body::data(&headers, &bytes)?;
    let current = load(&state, &id).await?;
    let actor = super::actor(broker, query.acc_token.as_deref());
    let catalogue = catalogue_facts(&state, &current, &actor, &edit).await?;
    let command = Command::Edit {
        actor,
        edit: Box::new(edit),
        catalogue,
    };
    let (tender, _) = execute(&state, &id, broker, &headers, command).await?;
    Ok(reply::json(
        StatusCode::OK,
        &tender_envelope(&tender),
        query.pretty(),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnershipRequest {
    pub transfer: String,
}

pub async fn ownership(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker_with_role(&state.brokers, &headers, Role::Broker)?;
    let request: OwnershipRequest = body::data(&headers, &bytes)?;
    ensure_exists(&state, &id).await?;
    let token = access::new_token();
    let transfer = access::new_token();
    let command = Command::TransferOwnership {
        broker: broker.name.clone(),
        transfer_hash: access::hash_token(&request.transfer),
        new_token_hash: access::hash_token(&token),
        new_transfer_hash: access::hash_token(&transfer),
    };
    let (tender, _) = execute(&state, &id, broker, &headers, command).await?;
    let mut envelope = tender_envelope(&tender);
    envelope["access"] = json!({ "token": token, "transfer": transfer });
    Ok(reply::json(StatusCode::OK, &envelope, query.pretty()))
}
