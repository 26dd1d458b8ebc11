//! `GET /api/2.5/ocds/records/{ocid}`: the record package of one
//! contracting process: every release of the procedure the ocid names, its
//! compiled release and its versioned release (the schema's merge rules).

use axum::extract::{Path, Query as QueryParams, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::procurement::Refusal;

use super::{RECORDS_PATH, mapping};
use crate::error::ApiError;
use crate::reply;
use crate::server::AppState;
use crate::write::refused;

pub async fn serve(
    State(app): State<AppState>,
    Path(ocid): Path<String>,
    QueryParams(query): QueryParams<reply::Query>,
) -> Result<Response, ApiError> {
    let kinds = app.registry.names();
    let record = mapping::record(app.read_store().as_ref(), &app.ocds_prefix, &kinds, &ocid)
        .await
        .map_err(crate::write::store_failed)?
        .ok_or_else(|| refused(Refusal::not_found("ocid")))?;
    let uri = reply::absolute_url(&app.public_url, &format!("{RECORDS_PATH}/{ocid}"));
    let published = domain::time::format_kyiv(chrono::Utc::now());
    let package = ocds::package::record_package(&[record], &published, &uri);
    Ok(reply::json(StatusCode::OK, &package, query.pretty()))
}
