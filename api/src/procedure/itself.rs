//! The procedure itself: the collection's feed, creating, reading and
//! changing a procedure, and taking it over.

use axum::extract::{Path, Query as QueryParams, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value as Json;

use super::call::Call;
use super::dispatch::{self, selected};
use super::{Caller, Collection, Resource, Write, Written};
use crate::body;
use crate::brokers::Role;
use crate::error::ApiError;
use crate::feed::params::FeedParams;
use crate::reply;
use crate::server::AppState;

/// The public document with the tokens the write handed out, if any.
pub fn envelope_with_access(written: &Written) -> Json {
    let mut envelope = written.procedure.envelope();
    if let Some(access) = &written.access {
        envelope["access"] = access.clone();
    }
    envelope
}

/// `GET <collection>?feed=changes…`: the change feed (pages or `mode=stream`).
pub async fn feed(
    axum::Extension(collection): axum::Extension<&'static Collection>,
    State(app): State<AppState>,
    QueryParams(params): QueryParams<FeedParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let kinds = app.registry.in_collection(collection);
    let feed = crate::feed::changes::Collection {
        path: collection.path,
        kinds: &kinds,
    };
    crate::feed::changes::serve(&app, feed, params, &headers).await
}

fn data_not_available() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "data",
        "Data not available",
    )
}

/// `POST <collection>`: creates a procedure of the type its selector names.
pub async fn create(call: Call) -> Result<Response, ApiError> {
    let broker = call.broker_with(Role::Broker)?;
    let mut object = body::json_object(&call.headers, &call.body)?;
    let data = object
        .remove("data")
        .filter(Json::is_object)
        .ok_or_else(data_not_available)?;
    let kind = selected(&call.app, call.collection, &data)?;
    let id = call.app.handler.next_id().to_string();
    let caller = Caller {
        broker,
        token_hash: None,
    };
    let write = Write::Create {
        id: id.clone(),
        data,
        config: object.remove("config"),
    };
    let written = kind
        .write(&call.app, &id, &caller, &call.headers, write)
        .await?;
    Ok(reply::created(
        &call.app.public_url,
        &call.path(&format!("/{id}")),
        &envelope_with_access(&written),
        call.pretty(),
    ))
}

/// `GET <collection>/{id}`: the exact stored bytes of the documents read
/// model, or the procedure folded from the log when the read model does not
/// have it yet.
pub async fn read(Path(id): Path<String>, call: Call) -> Result<Response, ApiError> {
    if id.parse::<domain::Id>().is_ok()
        && let Some(stored) = call.app.stored_document(&id).await?
        && call
            .app
            .registry
            .kind(&stored.kind)
            .is_some_and(|kind| kind.collection() == call.collection)
    {
        return Ok(reply::stored_bytes(
            StatusCode::OK,
            stored.body.clone(),
            call.pretty(),
        ));
    }
    let kind = dispatch::stored(&call.app, call.collection, &id, None).await?;
    let procedure = kind.load(&call.app, &id).await?;
    Ok(reply::json(
        StatusCode::OK,
        &procedure.envelope(),
        call.pretty(),
    ))
}

/// `PATCH <collection>/{id}`.
pub async fn patch(Path(id): Path<String>, call: Call) -> Result<Response, ApiError> {
    let broker = call.broker()?;
    let data = call.edit_data(&id)?;
    let written = call
        .write((&id, None), broker, Write::Edit { data })
        .await?;
    let envelope = written.procedure.envelope();
    Ok(reply::json(StatusCode::OK, &envelope, call.pretty()))
}

/// `POST <collection>/{id}/ownership`: another broker takes the procedure
/// over with its transfer token.
pub async fn ownership(Path(id): Path<String>, call: Call) -> Result<Response, ApiError> {
    let broker = call.broker_with(Role::Broker)?;
    let data = call.data()?;
    let write = Write::TransferOwnership { data };
    let written = call
        .write_as((&id, Some(Resource::Ownership)), broker, None, write)
        .await?;
    let envelope = envelope_with_access(&written);
    Ok(reply::json(StatusCode::OK, &envelope, call.pretty()))
}
