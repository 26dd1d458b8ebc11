//! `POST …/cancellations`: asking for the procedure to be cancelled (the
//! list and objects are served by [`super::objects`]).

use axum::extract::Path;
use axum::response::Response;
use domain::procurement::Refusal;
use serde_json::json;

use super::call::Call;
use super::lists::public_item;
use super::{Resource, Write};
use crate::error::ApiError;
use crate::reply;
use crate::write::refused;

pub async fn create(Path(id): Path<String>, call: Call) -> Result<Response, ApiError> {
    let broker = call.broker()?;
    let data = call.data()?;
    let resource = Some(Resource::Cancellations);
    let written = call
        .write((&id, resource), broker, Write::Cancel { data })
        .await?;
    let cancellation_id = written
        .made
        .ok_or_else(|| refused(Refusal::not_found("cancellation_id")))?;
    let procedure = written.procedure.as_ref();
    let cancellation = public_item(
        procedure,
        "cancellations",
        &cancellation_id,
        "cancellation_id",
    )?;
    Ok(reply::created(
        &call.app.public_url,
        &call.path(&format!("/{id}/cancellations/{cancellation_id}")),
        &json!({ "data": cancellation }),
        call.pretty(),
    ))
}
