//! Contracts as resources of their own, for contract-level sync as in the
//! reference's contracting API: `GET /api/2.5/contracts/{contract_id}` and
//! the contracts' change feed `GET /api/2.5/contracts?feed=changes`, over
//! every procedure type. Read-only for now: a contract changes through its
//! procedure (`…/{id}/contracts/{contract_id}`). Both are served from the
//! `contracts` read model, whose rows are the contracts as their
//! procedures' public documents show them, so they show nothing sealed.

use axum::extract::{Path, Query as QueryParams, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::procurement::Refusal;

use crate::error::ApiError;
use crate::feed::changes::{self, Collection, Contracts};
use crate::feed::params::FeedParams;
use crate::reply;
use crate::routes::{Routes, get};
use crate::server::AppState;
use crate::write::refused;

/// The contracts collection.
pub const PATH: &str = "/api/2.5/contracts";

pub fn routes() -> Routes {
    Routes::new()
        .route(PATH, get(feed))
        .route(format!("{PATH}/{{contract_id}}"), get(read))
}

/// `GET /api/2.5/contracts?feed=changes…`: every contract at the position of
/// its last change, with the tender feed's paging, `opt_fields`,
/// `descending`, `mode` and live form.
pub async fn feed(
    State(app): State<AppState>,
    QueryParams(params): QueryParams<FeedParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // Contracts of every type served, whatever its collection.
    let kinds = app.registry.names();
    let feed = Collection {
        path: PATH,
        kinds: &kinds,
    };
    changes::serve_listing(&app, feed, Contracts, params, &headers).await
}

/// `GET /api/2.5/contracts/{contract_id}`: `{"data": <contract>}`, the
/// stored bytes; 404 naming `contract_id` for a contract no public document
/// shows (yet).
pub async fn read(
    State(app): State<AppState>,
    Path(contract_id): Path<String>,
    QueryParams(query): QueryParams<reply::Query>,
) -> Result<Response, ApiError> {
    let row = app
        .read_store()
        .contract(&contract_id)
        .await
        .map_err(crate::write::store_failed)?
        .ok_or_else(|| refused(Refusal::not_found("contract_id")))?;
    Ok(reply::stored_json(
        StatusCode::OK,
        format!("{{\"data\":{}}}", row.body),
        query.pretty(),
    ))
}
