//! Bids: sealed until the procedure's disclosure rule opens them; each is
//! shown whole to its owner (its bid token) and to others only once open.

use axum::extract::Path;
use axum::response::Response;
use domain::procurement::Refusal;
use serde_json::json;

use super::call::Call;
use super::lists::{public_list, status};
use super::{Resource, Write};
use crate::access;
use crate::brokers::Role;
use crate::error::ApiError;
use crate::reply;
use crate::write::refused;

const BIDS: Option<Resource> = Some(Resource::Bids);

pub async fn create(Path(id): Path<String>, call: Call) -> Result<Response, ApiError> {
    let broker = call.broker_with(Role::Broker)?;
    let data = call.data()?;
    let written = call
        .write_as((&id, BIDS), broker, None, Write::SubmitBid { data })
        .await?;
    let bid_id = written
        .made
        .ok_or_else(|| refused(Refusal::not_found("bid_id")))?;
    let token = written.access.as_ref().and_then(|a| a["token"].as_str());
    let bid = written
        .procedure
        .bid(&bid_id, token.map(access::hash_token).as_deref())
        .map_err(refused)?;
    let envelope = json!({ "data": bid, "access": written.access });
    Ok(reply::created(
        &call.app.public_url,
        &call.path(&format!("/{id}/bids/{bid_id}")),
        &envelope,
        call.pretty(),
    ))
}

pub async fn list(Path(id): Path<String>, call: Call) -> Result<Response, ApiError> {
    let procedure = call.load(&id, BIDS).await?;
    if !procedure.bids_disclosed() {
        return Err(refused(Refusal::not_allowed(format!(
            "Can't view bids in current ({}) {} status",
            status(procedure.as_ref()),
            call.collection.noun
        ))));
    }
    let bids = public_list(procedure.as_ref(), "bids");
    Ok(reply::data(bids, call.pretty()))
}

pub async fn read(
    Path((id, bid_id)): Path<(String, String)>,
    call: Call,
) -> Result<Response, ApiError> {
    let procedure = call.load(&id, BIDS).await?;
    let token_hash = call.token_hash();
    let mut bid = procedure
        .bid(&bid_id, token_hash.as_deref())
        .map_err(refused)?;
    crate::auctions::add_participation_url(
        &call.app,
        procedure.as_ref(),
        &id,
        &bid_id,
        token_hash.as_deref(),
        &mut bid,
    );
    Ok(reply::data(bid, call.pretty()))
}

pub async fn patch(
    Path((id, bid_id)): Path<(String, String)>,
    call: Call,
) -> Result<Response, ApiError> {
    let broker = call.broker()?;
    let data = call.edit_data(&bid_id)?;
    let write = Write::EditBid {
        bid_id: bid_id.clone(),
        data,
    };
    let written = call.write((&id, BIDS), broker, write).await?;
    let bid = written
        .procedure
        .bid(&bid_id, call.token_hash().as_deref())
        .map_err(refused)?;
    Ok(reply::data(bid, call.pretty()))
}

/// `DELETE …/bids/{bid_id}`: answers with the bid as it was, `deleted`.
pub async fn withdraw(
    Path((id, bid_id)): Path<(String, String)>,
    call: Call,
) -> Result<Response, ApiError> {
    let broker = call.broker()?;
    let before = call.load(&id, BIDS).await?;
    let shown = before.bid(&bid_id, call.token_hash().as_deref());
    let write = Write::WithdrawBid {
        bid_id: bid_id.clone(),
    };
    call.write((&id, BIDS), broker, write).await?;
    let mut bid = shown.map_err(refused)?;
    bid["status"] = json!("deleted");
    Ok(reply::data(bid, call.pretty()))
}
