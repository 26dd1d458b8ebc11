//! Running a procedure's command from an HTTP request, for every procedure
//! API alike: load or execute through the command pipeline, and turn
//! refusals and store failures into the reference API's error envelopes.

use axum::http::{HeaderMap, StatusCode};
use commands::CommandError;
use commands::store::Metadata;
use domain::Decider;
use domain::procurement::{Refusal, RefusalKind};

use crate::brokers::Broker;
use crate::error::ApiError;
use crate::server::AppState;

/// The error envelope for a refusal of the rules.
pub fn refused(refusal: Refusal) -> ApiError {
    let status = match refusal.kind {
        RefusalKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        RefusalKind::Forbidden => StatusCode::FORBIDDEN,
        RefusalKind::NotFound => StatusCode::NOT_FOUND,
        RefusalKind::Conflict => StatusCode::CONFLICT,
    };
    let description = if refusal.listed {
        serde_json::json!([refusal.description])
    } else {
        serde_json::Value::String(refusal.description)
    };
    ApiError::new(
        status,
        refusal.location.as_str(),
        &refusal.name,
        description,
    )
}

pub fn command_failed(error: CommandError<Refusal>) -> ApiError {
    match error {
        CommandError::Domain(refusal) => refused(refusal),
        CommandError::Conflict { .. } => ApiError::new(
            StatusCode::CONFLICT,
            "body",
            "data",
            "Conflict while writing the procedure: it changed concurrently. Try again",
        ),
        CommandError::Store(error) => store_failed(error),
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

/// 404 (naming `id_field`) unless `id` names a procedure of `kind`. Cheap:
/// one lookup, no fold.
pub async fn ensure_kind(
    state: &AppState,
    id: &str,
    kind: &str,
    id_field: &str,
) -> Result<(), ApiError> {
    let not_found = || refused(Refusal::not_found(id_field));
    if id.parse::<domain::Id>().is_err() {
        return Err(not_found());
    }
    match state.store.procedure_kind(id).await.map_err(store_failed)? {
        // A procedure's first event creates it, so a known kind is one.
        Some(found) if found == kind => Ok(()),
        _ => Err(not_found()),
    }
}

/// Folds procedure `id` of type `D` from the log; 404 (naming `id_field`)
/// for an unknown id or a procedure of another type.
pub async fn load<D>(state: &AppState, id: &str, id_field: &str) -> Result<D::State, ApiError>
where
    D: Decider<Error = Refusal>,
{
    ensure_kind(state, id, D::KIND, id_field).await?;
    let loaded = state.handler.load::<D>(id).await.map_err(command_failed)?;
    Ok(loaded.state)
}

fn metadata(broker: &Broker, role: &str, headers: &HeaderMap) -> Metadata {
    Metadata {
        broker: Some(broker.name.clone()),
        role: Some(role.to_owned()),
        request_id: headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        ..Metadata::default()
    }
}

/// Runs `command` on procedure `id` as `broker` acting in `role` (recorded
/// in the events' metadata). The answer is rendered from the state the write
/// left: nothing waits for the read models (reads do, see
/// `server::consistent_reads`).
pub async fn execute<D>(
    state: &AppState,
    id: &str,
    broker: &Broker,
    role: &str,
    headers: &HeaderMap,
    command: &D::Command,
) -> Result<(D::State, Vec<D::Event>), ApiError>
where
    D: Decider<Error = Refusal>,
{
    let executed = state
        .handler
        .execute::<D>(id, command, &metadata(broker, role, headers))
        .await
        .map_err(command_failed)?;
    Ok((executed.state, executed.events))
}

pub fn to_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}
