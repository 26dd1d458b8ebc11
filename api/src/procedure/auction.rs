//! The auction hand-off, shaped like the OpenProcurement auction module's:
//! while the procedure is in its auction stage, a broker key with the
//! `auction` role reads what the auction needs (`GET …/auction`, sealed from
//! everyone else) and posts the outcome (`POST …/auction`). What the auction
//! may read and how its outcome becomes a command are the procedure type's
//! own rules (`domain::AuctionHandOff`). A procedure in lots takes the
//! module's URLs and results per lot (`PATCH`/`POST …/auction/{lot_id}`).

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use domain::handoff::AuctionOutcome;

use super::call::Call;
use super::{Resource, Write};
use crate::brokers::Role;
use crate::error::ApiError;
use crate::write::refused;
use crate::{body, reply};

const AUCTION: Option<Resource> = Some(Resource::Auction);
const LOT_AUCTION: Option<Resource> = Some(Resource::LotAuction);

pub async fn read(Path(id): Path<String>, call: Call) -> Result<Response, ApiError> {
    call.broker_with(Role::Auction)?;
    let procedure = call.load(&id, AUCTION).await?;
    let view = procedure.auction().map_err(refused)?;
    Ok(reply::data(view, call.pretty()))
}

pub async fn post(Path(id): Path<String>, call: Call) -> Result<Response, ApiError> {
    let broker = call.broker_with(Role::Auction)?;
    let outcome: AuctionOutcome = body::data(&call.headers, &call.body)?;
    let write = Write::RecordAuction { outcome };
    let written = call.write_as((&id, AUCTION), broker, None, write).await?;
    let envelope = written.procedure.envelope();
    Ok(reply::json(StatusCode::OK, &envelope, call.pretty()))
}

/// `PATCH …/auction/{lot_id}`: the auction module's URLs for one lot.
pub async fn patch_lot(
    Path((id, lot_id)): Path<(String, String)>,
    call: Call,
) -> Result<Response, ApiError> {
    let write = Write::LotAuctionUrls {
        lot_id,
        data: call.data()?,
    };
    lot_write(&id, call, write).await
}

/// `POST …/auction/{lot_id}`: the auction module's results for one lot.
pub async fn post_lot(
    Path((id, lot_id)): Path<(String, String)>,
    call: Call,
) -> Result<Response, ApiError> {
    let write = Write::RecordLotAuction {
        lot_id,
        data: call.data()?,
    };
    lot_write(&id, call, write).await
}

async fn lot_write(id: &str, call: Call, write: Write) -> Result<Response, ApiError> {
    let broker = call.broker_with(Role::Auction)?;
    let written = call
        .write_as((id, LOT_AUCTION), broker, None, write)
        .await?;
    let envelope = written.procedure.envelope();
    Ok(reply::json(StatusCode::OK, &envelope, call.pretty()))
}
