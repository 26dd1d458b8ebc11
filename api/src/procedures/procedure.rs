//! Publishing, reading and changing a sale procedure.

use axum::body::Bytes;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::procedures::multi_award_sale::{self as bsm, Command, ProcedureEdit};
use serde_json::{Value as Json, json};

use super::{actor, envelope, execute, load};
use crate::brokers::Role;
use crate::error::ApiError;
use crate::reply::{self, Query};
use crate::server::AppState;
use crate::{access, body};

fn invalid(name: &str, description: impl Into<Json>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "body", name, description)
}

/// `POST /api/procedures`: publishes a procedure straight into
/// `active_tendering`. The period lengths come from the operator's settings
/// for the `sellingMethod` ([`crate::sale_periods`]); brokers cannot set them.
pub async fn create(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker_with_role(&state.brokers, &headers, Role::Broker)?;
    let mut object = body::json_object(&headers, &bytes)?;
    if let Some(config) = object.remove("config") {
        // Only the server chooses period lengths; say so rather than
        // silently ignoring what was sent.
        if config != json!({}) {
            return Err(invalid("config", "Rogue field"));
        }
    }
    let data = object
        .remove("data")
        .filter(Json::is_object)
        .ok_or_else(|| invalid("data", "Data not available"))?;
    let input: bsm::ProcedureInput = body::part(data)?;
    let config = state.sale_periods.for_selling_method(&input.selling_method);
    let id = state.handler.next_id().to_string();
    let date = domain::time::kyiv_date(state.handler.clock().now());
    let number = state
        .store
        .next_in_sequence(&format!("auctionId:{date}"))
        .await
        .map_err(crate::write::store_failed)?;
    let token = access::new_token();
    let command = Command::Create {
        actor: actor(broker, None),
        id: id.clone(),
        // Prozorro.sale's form: BSM001-UA-YYYYMMDD-NNNNN, numbered per Kyiv day.
        auction_id: format!("BSM001-UA-{}-{number:05}", date.format("%Y%m%d")),
        procedure: Box::new(input),
        config,
        owner_token_hash: access::hash_token(&token),
    };
    let (procedure, _) = execute(&state, &id, broker, bsm::Role::Broker, &headers, command).await?;
    let mut envelope = envelope(&procedure);
    envelope["access"] = json!({ "token": token });
    Ok(reply::created(
        &state.public_url,
        &format!("{}/{id}", super::PREFIX),
        &envelope,
        query.pretty(),
    ))
}

pub async fn read(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    if let Some(stored) = state
        .stored_document(&id, bsm::KIND, query.pretty())
        .await?
    {
        return Ok(stored);
    }
    let procedure = load(&state, &id).await?;
    Ok(reply::json(
        StatusCode::OK,
        &envelope(&procedure),
        query.pretty(),
    ))
}

/// `PATCH /api/procedures/{id}`: the owner's edits while bids are taken,
/// or `status: "complete"` in qualification.
pub async fn patch(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker(&state.brokers, &headers)?;
    let edit: ProcedureEdit = body::data(&headers, &bytes)?;
    super::ensure_exists(&state, &id).await?;
    let command = Command::Edit {
        actor: actor(broker, query.acc_token.as_deref()),
        edit: Box::new(edit),
    };
    let (procedure, _) = execute(&state, &id, broker, bsm::Role::Broker, &headers, command).await?;
    Ok(reply::json(
        StatusCode::OK,
        &envelope(&procedure),
        query.pretty(),
    ))
}
