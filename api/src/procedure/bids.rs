//! Bids: sealed until the procedure's disclosure rule opens them; each is
//! shown whole to its owner (its bid token) and to others only once open.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::HeaderMap;
use axum::response::Response;
use domain::procurement::Refusal;
use serde_json::{Value as Json, json};

use super::dispatch::{self, load};
use super::lists::{public_list, status};
use super::{Collection, Resource, Write};
use crate::brokers::Role;
use crate::error::ApiError;
use crate::reply::{self, Query};
use crate::server::AppState;
use crate::write::refused;
use crate::{access, body};

type Of = Extension<&'static Collection>;

const BIDS: Option<Resource> = Some(Resource::Bids);

fn hash(acc_token: Option<&str>) -> Option<String> {
    acc_token.map(access::hash_token)
}

pub async fn create(
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
        (collection, &id, BIDS),
        broker,
        None,
        &headers,
        Write::SubmitBid { data },
    )
    .await?;
    let bid_id = written
        .made
        .ok_or_else(|| refused(Refusal::not_found("bid_id")))?;
    let token = written.access.as_ref().and_then(|a| a["token"].as_str());
    let envelope = json!({
        "data": written.procedure.bid(&bid_id, hash(token).as_deref()).map_err(refused)?,
        "access": written.access,
    });
    Ok(reply::created(
        &app.public_url,
        &format!("{}/{id}/bids/{bid_id}", collection.path),
        &envelope,
        query.pretty(),
    ))
}

pub async fn list(
    Extension(collection): Of,
    State(app): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let procedure = load(&app, collection, &id, BIDS).await?;
    if !procedure.bids_disclosed() {
        return Err(refused(Refusal::not_allowed(format!(
            "Can't view bids in current ({}) {} status",
            status(procedure.as_ref()),
            collection.noun
        ))));
    }
    Ok(reply::data(
        public_list(procedure.as_ref(), "bids"),
        query.pretty(),
    ))
}

pub async fn read(
    Extension(collection): Of,
    State(app): State<AppState>,
    Path((id, bid_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let procedure = load(&app, collection, &id, BIDS).await?;
    let bid = procedure
        .bid(&bid_id, hash(query.acc_token.as_deref()).as_deref())
        .map_err(refused)?;
    Ok(reply::data(bid, query.pretty()))
}

pub async fn patch(
    Extension(collection): Of,
    State(app): State<AppState>,
    Path((id, bid_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker(&app.brokers, &headers)?;
    let data: Json = body::data(&headers, &bytes)?;
    let token = query.acc_token.as_deref();
    let written = dispatch::write(
        &app,
        (collection, &id, BIDS),
        broker,
        token,
        &headers,
        Write::EditBid {
            bid_id: bid_id.clone(),
            data,
        },
    )
    .await?;
    let bid = written
        .procedure
        .bid(&bid_id, hash(token).as_deref())
        .map_err(refused)?;
    Ok(reply::data(bid, query.pretty()))
}

/// `DELETE …/bids/{bid_id}`: answers with the bid as it was, `deleted`.
pub async fn withdraw(
    Extension(collection): Of,
    State(app): State<AppState>,
    Path((id, bid_id)): Path<(String, String)>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let broker = access::broker(&app.brokers, &headers)?;
    let token = query.acc_token.as_deref();
    let before = load(&app, collection, &id, BIDS).await?;
    let shown = before.bid(&bid_id, hash(token).as_deref());
    dispatch::write(
        &app,
        (collection, &id, BIDS),
        broker,
        token,
        &headers,
        Write::WithdrawBid {
            bid_id: bid_id.clone(),
        },
    )
    .await?;
    let mut bid = shown.map_err(refused)?;
    bid["status"] = json!("deleted");
    Ok(reply::data(bid, query.pretty()))
}
