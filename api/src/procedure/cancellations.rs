//! `POST …/cancellations`: asking for the procedure to be cancelled (the
//! list and objects are served by [`super::objects`]).

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::HeaderMap;
use axum::response::Response;
use domain::procurement::Refusal;
use serde_json::{Value as Json, json};

use super::dispatch;
use super::lists::public_item;
use super::{Collection, Resource, Write};
use crate::error::ApiError;
use crate::reply::{self, Query};
use crate::server::AppState;
use crate::write::refused;
use crate::{access, body};

pub async fn create(
    Extension(collection): Extension<&'static Collection>,
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
        (collection, &id, Some(Resource::Cancellations)),
        broker,
        query.acc_token.as_deref(),
        &headers,
        Write::Cancel { data },
    )
    .await?;
    let cancellation_id = written
        .made
        .ok_or_else(|| refused(Refusal::not_found("cancellation_id")))?;
    let cancellation = public_item(
        written.procedure.as_ref(),
        "cancellations",
        &cancellation_id,
        "cancellation_id",
    )?;
    Ok(reply::created(
        &app.public_url,
        &format!("{}/{id}/cancellations/{cancellation_id}", collection.path),
        &json!({ "data": cancellation }),
        query.pretty(),
    ))
}
