//! The procedure itself: the collection's feed, creating, reading and
//! changing a procedure, and taking it over.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value as Json;

use super::dispatch::{self, selected};
use super::{Caller, Collection, Resource, Write, Written};
use crate::brokers::Role;
use crate::error::ApiError;
use crate::feed::params::FeedParams;
use crate::reply::{self, Query};
use crate::server::AppState;
use crate::{access, body};

type Of = Extension<&'static Collection>;

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
    Extension(collection): Of,
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

/// `POST <collection>`: creates a procedure of the type its selector names.
pub async fn create(
    Extension(collection): Of,
    State(app): State<AppState>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker_with_role(&app.brokers, &headers, Role::Broker)?;
    let mut object = body::json_object(&headers, &bytes)?;
    let data = object
        .remove("data")
        .filter(Json::is_object)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "body",
                "data",
                "Data not available",
            )
        })?;
    let kind = selected(&app, collection, &data)?;
    let id = app.handler.next_id().to_string();
    let caller = Caller {
        broker,
        token_hash: None,
    };
    let write = Write::Create {
        id: id.clone(),
        data,
        config: object.remove("config"),
    };
    let written = kind.write(&app, &id, &caller, &headers, write).await?;
    Ok(reply::created(
        &app.public_url,
        &format!("{}/{id}", collection.path),
        &envelope_with_access(&written),
        query.pretty(),
    ))
}

/// `GET <collection>/{id}`: the exact stored bytes of the documents read
/// model, or the procedure folded from the log when the read model does not
/// have it yet.
pub async fn read(
    Extension(collection): Of,
    State(app): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let kind = dispatch::stored(&app, collection, &id, None).await?;
    if let Some(stored) = app
        .stored_document(&id, kind.name(), query.pretty())
        .await?
    {
        return Ok(stored);
    }
    let procedure = kind.load(&app, &id).await?;
    Ok(reply::json(
        StatusCode::OK,
        &procedure.envelope(),
        query.pretty(),
    ))
}

/// `PATCH <collection>/{id}`.
pub async fn patch(
    Extension(collection): Of,
    State(app): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker(&app.brokers, &headers)?;
    let data: Json = body::data(&headers, &bytes)?;
    let written = dispatch::write(
        &app,
        (collection, &id, None),
        broker,
        query.acc_token.as_deref(),
        &headers,
        Write::Edit { data },
    )
    .await?;
    Ok(reply::json(
        StatusCode::OK,
        &written.procedure.envelope(),
        query.pretty(),
    ))
}

/// `POST <collection>/{id}/ownership`: another broker takes the procedure
/// over with its transfer token.
pub async fn ownership(
    Extension(collection): Of,
    State(app): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker_with_role(&app.brokers, &headers, Role::Broker)?;
    let data: Json = body::data(&headers, &bytes)?;
    let written = dispatch::write(
        &app,
        (collection, &id, Some(Resource::Ownership)),
        broker,
        None,
        &headers,
        Write::TransferOwnership { data },
    )
    .await?;
    Ok(reply::json(
        StatusCode::OK,
        &envelope_with_access(&written),
        query.pretty(),
    ))
}
