//! The auction hand-off, shaped like the OpenProcurement auction module's:
//! while the procedure is `active_auction`, a broker key with the `auction`
//! role reads what the auction needs (`GET …/auction`: the participating
//! bids with their prices and quantities, sealed from everyone else) and
//! posts each bid's final price per unit with the time it was last raised
//! (`POST …/auction`). The decider then ranks the bids and allocates the
//! awards. The built-in auction engine will use the same endpoint.

use axum::body::Bytes;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use domain::procedures::multi_award_sale::{
    self as bsm, AuctionResult, BidStatus, Command, ProcedureStatus,
};
use domain::procurement::{Amount, Refusal};
use serde::Deserialize;
use serde_json::{Value as Json, json};

use super::{ensure_exists, envelope, execute, load};
use crate::brokers::Role;
use crate::error::ApiError;
use crate::reply::{self, Query};
use crate::server::AppState;
use crate::write::refused;
use crate::{access, body};

/// `data` of `POST …/auction`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuctionResults {
    /// One entry per participating bid.
    pub bids: Vec<AuctionBid>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuctionBid {
    pub id: String,
    pub value: AuctionValue,
    /// When the bid was last raised during the auction.
    #[serde(with = "domain::time::kyiv_serde")]
    pub date: DateTime<Utc>,
}

/// The final price per unit (the currency is the procedure's).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuctionValue {
    pub amount: Amount,
}

/// What the auction needs: the lot and the participating bids.
fn auction_view(state: &bsm::State) -> Result<Json, ApiError> {
    let procedure = state
        .procedure
        .as_ref()
        .ok_or_else(|| refused(Refusal::not_found("procedure_id")))?;
    if procedure.status != ProcedureStatus::ActiveAuction {
        return Err(refused(Refusal::not_allowed(format!(
            "Can't get auction info in current ({}) procedure status",
            procedure.status.as_str()
        ))));
    }
    let bids: Vec<Json> = procedure
        .bids
        .iter()
        .filter(|bid| bid.status == BidStatus::Active)
        .map(|bid| {
            json!({
                "id": bid.id,
                "value": bid.value,
                "quantity": bid.quantity,
                "date": domain::time::format_kyiv(bid.date_modified),
            })
        })
        .collect();
    Ok(json!({
        "id": procedure.id,
        "auctionId": procedure.auction_id,
        "status": procedure.status,
        "value": procedure.value,
        "minimalStep": procedure.minimal_step,
        "minimalPart": procedure.minimal_part,
        "items": procedure.items,
        "auctionPeriod": procedure.auction_period,
        "bids": bids,
    }))
}

pub async fn read(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    access::broker_with_role(&state.brokers, &headers, Role::Auction)?;
    let procedure = load(&state, &id).await?;
    Ok(reply::data(auction_view(&procedure)?, query.pretty()))
}

pub async fn post(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Query>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let broker = access::broker_with_role(&state.brokers, &headers, Role::Auction)?;
    let results: AuctionResults = body::data(&headers, &bytes)?;
    ensure_exists(&state, &id).await?;
    let command = Command::RecordAuctionResults {
        actor: bsm::Actor::auction_service(broker.name.clone()),
        results: results
            .bids
            .into_iter()
            .map(|bid| AuctionResult {
                bid_id: bid.id,
                value: bid.value.amount,
                date: bid.date,
            })
            .collect(),
    };
    let (procedure, _) = execute(
        &state,
        &id,
        broker,
        bsm::Role::AuctionService,
        &headers,
        command,
    )
    .await?;
    Ok(reply::json(
        StatusCode::OK,
        &envelope(&procedure),
        query.pretty(),
    ))
}
