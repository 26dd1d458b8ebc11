//! Awards, contracts and cancellations: lists and objects read from the
//! public document, and `PATCH` of one object. One set of handlers serves
//! the three, parameterised by an [`Object`] marker type.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::Value as Json;

use super::dispatch::{self, load};
use super::lists::{public_item, public_list};
use super::{Collection, Resource, Write};
use crate::error::ApiError;
use crate::reply::{self, Query};
use crate::server::AppState;
use crate::{access, body};

type Of = Extension<&'static Collection>;

/// A kind of object a procedure holds a public list of.
pub trait Object: Send + Sync + 'static {
    /// The list in the public document (`awards`).
    const FIELD: &'static str;
    /// How errors name its id (`award_id`).
    const ID_FIELD: &'static str;
    /// The resource a procedure type must have for the list to exist.
    const RESOURCE: Resource;
    /// The resource a procedure type must have for `PATCH` to exist.
    const EDIT: Resource;
    fn edit(id: String, data: Json) -> Write;
}

pub struct Awards;
pub struct Contracts;
pub struct Cancellations;

impl Object for Awards {
    const FIELD: &'static str = "awards";
    const ID_FIELD: &'static str = "award_id";
    const RESOURCE: Resource = Resource::Awards;
    const EDIT: Resource = Resource::Awards;
    fn edit(award_id: String, data: Json) -> Write {
        Write::EditAward { award_id, data }
    }
}

impl Object for Contracts {
    const FIELD: &'static str = "contracts";
    const ID_FIELD: &'static str = "contract_id";
    const RESOURCE: Resource = Resource::Contracts;
    const EDIT: Resource = Resource::Contracts;
    fn edit(contract_id: String, data: Json) -> Write {
        Write::EditContract { contract_id, data }
    }
}

impl Object for Cancellations {
    const FIELD: &'static str = "cancellations";
    const ID_FIELD: &'static str = "cancellation_id";
    const RESOURCE: Resource = Resource::Cancellations;
    const EDIT: Resource = Resource::CancellationEdits;
    fn edit(cancellation_id: String, data: Json) -> Write {
        Write::EditCancellation {
            cancellation_id,
            data,
        }
    }
}

pub async fn list<O: Object>(
    Extension(collection): Of,
    State(app): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let procedure = load(&app, collection, &id, Some(O::RESOURCE)).await?;
    Ok(reply::data(
        public_list(procedure.as_ref(), O::FIELD),
        query.pretty(),
    ))
}

pub async fn read<O: Object>(
    Extension(collection): Of,
    State(app): State<AppState>,
    Path((id, object_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let procedure = load(&app, collection, &id, Some(O::RESOURCE)).await?;
    let object = public_item(procedure.as_ref(), O::FIELD, &object_id, O::ID_FIELD)?;
    Ok(reply::data(object, query.pretty()))
}

pub async fn patch<O: Object>(
    Extension(collection): Of,
    State(app): State<AppState>,
    Path((id, object_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker(&app.brokers, &headers)?;
    let data: Json = body::data(&headers, &bytes)?;
    let written = dispatch::write(
        &app,
        (collection, &id, Some(O::EDIT)),
        broker,
        query.acc_token.as_deref(),
        &headers,
        O::edit(object_id.clone(), data),
    )
    .await?;
    let object = public_item(
        written.procedure.as_ref(),
        O::FIELD,
        &object_id,
        O::ID_FIELD,
    )?;
    Ok(reply::data(object, query.pretty()))
}
