//! The auction hand-off, shaped like the OpenProcurement auction module's:
//! while the procedure is in its auction stage, a broker key with the
//! `auction` role reads what the auction needs (`GET …/auction`, sealed from
//! everyone else) and posts the outcome (`POST …/auction`). What the auction
//! may read and how its outcome becomes a command are the procedure type's
//! own rules (`domain::AuctionHandOff`).

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::handoff::AuctionOutcome;

use super::dispatch::{self, load};
use super::{Collection, Resource, Write};
use crate::brokers::Role;
use crate::error::ApiError;
use crate::reply::{self, Query};
use crate::server::AppState;
use crate::write::refused;
use crate::{access, body};

const AUCTION: Option<Resource> = Some(Resource::Auction);

pub async fn read(
    Extension(collection): Extension<&'static Collection>,
    State(app): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    access::broker_with_role(&app.brokers, &headers, Role::Auction)?;
    let procedure = load(&app, collection, &id, AUCTION).await?;
    Ok(reply::data(
        procedure.auction().map_err(refused)?,
        query.pretty(),
    ))
}

pub async fn post(
    Extension(collection): Extension<&'static Collection>,
    State(app): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker_with_role(&app.brokers, &headers, Role::Auction)?;
    let outcome: AuctionOutcome = body::data(&headers, &bytes)?;
    let written = dispatch::write(
        &app,
        (collection, &id, AUCTION),
        broker,
        None,
        &headers,
        Write::RecordAuction { outcome },
    )
    .await?;
    Ok(reply::json(
        StatusCode::OK,
        &written.procedure.envelope(),
        query.pretty(),
    ))
}
