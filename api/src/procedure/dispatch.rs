//! Finding the procedure type a request is for, and running a write on it.

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use domain::procurement::Refusal;
use serde_json::Value as Json;

use super::collection::UnknownType;
use super::{Caller, Collection, Kind, Resource, Write, Written};
use crate::brokers::Broker;
use crate::error::ApiError;
use crate::server::AppState;
use crate::write::{refused, store_failed};

/// The registered type of procedure `id` of `collection`; 404 naming the
/// collection's id field for an unknown id or a procedure of another
/// collection, and 404 as for an unknown route when the type lacks
/// `resource`. One lookup, no fold.
pub async fn stored(
    app: &AppState,
    collection: &'static Collection,
    id: &str,
    resource: Option<Resource>,
) -> Result<Arc<dyn Kind>, ApiError> {
    let not_found = || refused(Refusal::not_found(collection.id_field));
    if id.parse::<domain::Id>().is_err() {
        return Err(not_found());
    }
    let name = app
        .store
        .procedure_kind(id)
        .await
        .map_err(store_failed)?
        .ok_or_else(not_found)?;
    let kind = app
        .registry
        .kind(&name)
        .filter(|kind| kind.collection() == collection)
        .ok_or_else(not_found)?;
    match resource {
        Some(resource) if !kind.has(resource) => Err(ApiError::not_found()),
        _ => Ok(Arc::clone(kind)),
    }
}

/// The registered type a create request's `data` asks for by the
/// collection's selector field.
pub fn selected(
    app: &AppState,
    collection: &'static Collection,
    data: &Json,
) -> Result<Arc<dyn Kind>, ApiError> {
    if let Some(kind) = app.registry.selected(collection, data) {
        return Ok(Arc::clone(kind));
    }
    let missing = data.get(collection.selector).is_none();
    let description = match collection.unknown_type {
        UnknownType::NotImplemented => "Not implemented".to_owned(),
        UnknownType::OneOf if missing => "This field is required.".to_owned(),
        UnknownType::OneOf => {
            let values: Vec<&str> = app
                .registry
                .kinds()
                .filter(|kind| kind.collection() == collection)
                .flat_map(|kind| kind.selector_values().iter().copied())
                .collect();
            format!("Value must be one of ['{}'].", values.join("', '"))
        }
    };
    Err(ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        collection.selector,
        description,
    ))
}

/// Runs `write` on procedure `id` of `collection` (whose type must have
/// `resource`) as `broker` presenting `acc_token`.
pub async fn write(
    app: &AppState,
    (collection, id, resource): (&'static Collection, &str, Option<Resource>),
    broker: &Broker,
    acc_token: Option<&str>,
    headers: &HeaderMap,
    write: Write,
) -> Result<Written, ApiError> {
    let kind = stored(app, collection, id, resource).await?;
    let caller = Caller {
        broker,
        token_hash: acc_token.map(crate::access::hash_token),
    };
    kind.write(app, id, &caller, headers, write).await
}

/// Procedure `id` of `collection` folded from the log.
pub async fn load(
    app: &AppState,
    collection: &'static Collection,
    id: &str,
    resource: Option<Resource>,
) -> Result<Box<dyn super::Viewed>, ApiError> {
    let kind = stored(app, collection, id, resource).await?;
    kind.load(app, id).await
}
