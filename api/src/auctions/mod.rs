//! The auctions the CDB runs (`domain::auction::Auctioned`), over HTTP:
//! what everyone may see (`GET /api/auctions/{id}`, live as server-sent
//! events at `…/events`), what a participant may do through its link
//! (`POST`/`DELETE …/bids`), the protocol once it has ended, and the page
//! at `/auctions/{id}`. An auction is named by its procedure's id; a
//! procedure whose type runs no auction here has none (404).

pub mod changes;
mod page;
pub mod participation;
mod stream;

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use domain::auction::Participation;
use domain::procurement::{Amount, Refusal};
use serde::Deserialize;
use serde_json::{Value as Json, json};

pub use participation::{Credentials, LinkError, ParticipationKey};

use crate::brokers::Broker;
use crate::error::ApiError;
use crate::procedure::{Caller, Kind, Viewed, Write};
use crate::routes::{Routes, get};
use crate::server::AppState;
use crate::write::{refused, store_failed};
use crate::{body, reply};

/// The broker name participants' requests are recorded under.
pub const PARTICIPANT: &str = "auction-participant";

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/auctions/{id}", get(read))
        .route("/api/auctions/{id}/events", get(stream::events))
        .route("/api/auctions/{id}/protocol", get(protocol))
        .route(
            "/api/auctions/{id}/bids",
            crate::routes::post(bid).delete(cancel_bid),
        )
        .route("/api/auctions/{id}/terms", crate::routes::post(terms))
        .route("/auctions/{id}", get(page::page))
}

/// The query a participant's requests carry: its link's credentials. Read
/// by hand, as text, so that a mangled link (a part missing or repeated, an
/// expiry that is no number) is refused as a link (403), never as a
/// malformed request; other parameters are ignored.
#[derive(Debug, Default)]
pub struct LinkQuery {
    bidder: Option<String>,
    expires: Option<String>,
    signature: Option<String>,
    repeated: bool,
    /// `?pretty` like every other route.
    pretty: bool,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for LinkQuery {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let mut query = LinkQuery::default();
        let raw = parts.uri.query().unwrap_or_default();
        for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
            let slot = match name.as_ref() {
                "bidder" => &mut query.bidder,
                "expires" => &mut query.expires,
                "signature" => &mut query.signature,
                "pretty" => {
                    query.pretty = true;
                    continue;
                }
                _ => continue,
            };
            query.repeated |= slot.is_some();
            *slot = Some(value.into_owned());
        }
        Ok(query)
    }
}

impl LinkQuery {
    /// The link's credentials; `None` without a link; refused when only
    /// part of one is there or its expiry is not a number.
    fn credentials(&self) -> Result<Option<Credentials>, LinkError> {
        if self.repeated {
            return Err(LinkError::Invalid);
        }
        match (&self.bidder, &self.expires, &self.signature) {
            (None, None, None) => Ok(None),
            (Some(bidder), Some(expires), Some(signature)) => Ok(Some(Credentials {
                bidder: bidder.clone(),
                expires: expires.parse().map_err(|_| LinkError::Invalid)?,
                signature: signature.clone(),
            })),
            _ => Err(LinkError::Invalid),
        }
    }

    fn pretty(&self) -> bool {
        self.pretty
    }
}

fn no_auction() -> ApiError {
    refused(Refusal::not_found("auction_id"))
}

/// The type of procedure `id`, if it runs its auction here.
async fn kind_of(app: &AppState, id: &str) -> Result<Arc<dyn Kind>, ApiError> {
    if id.parse::<domain::Id>().is_err() {
        return Err(no_auction());
    }
    let name = app
        .store
        .procedure_kind(id)
        .await
        .map_err(store_failed)?
        .ok_or_else(no_auction)?;
    app.registry
        .kind(&name)
        .filter(|kind| kind.runs_auction())
        .cloned()
        .ok_or_else(no_auction)
}

/// Procedure `id` with an auction set up.
pub(crate) async fn load(app: &AppState, id: &str) -> Result<Box<dyn Viewed>, ApiError> {
    let kind = kind_of(app, id).await?;
    let procedure = kind.load(app, id).await?;
    if procedure.auction_stages().is_empty() {
        return Err(no_auction());
    }
    Ok(procedure)
}

/// The participant a link names, checked; `None` without a link.
pub(crate) fn participant(
    app: &AppState,
    id: &str,
    query: &LinkQuery,
    now: DateTime<Utc>,
) -> Result<Option<String>, ApiError> {
    let Some(credentials) = query.credentials().map_err(link_refused)? else {
        return Ok(None);
    };
    app.participation
        .check(id, &credentials, now)
        .map_err(link_refused)?;
    Ok(Some(credentials.bidder))
}

fn link_refused(error: LinkError) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "url", "signature", error.to_string())
}

/// What the caller may see at `now`: the public view, and for a
/// participant its label, its bid not yet public and the action open to it.
pub(crate) fn view(
    app: &AppState,
    procedure: &dyn Viewed,
    participant: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Json, ApiError> {
    let mut data = match participant {
        Some(bid_id) => {
            let mut view = procedure.participant_view(bid_id, now).ok_or_else(|| {
                ApiError::new(
                    StatusCode::FORBIDDEN,
                    "url",
                    "bidder_id",
                    format!("Invalid bidder_id {bid_id}"),
                )
            })?;
            let public = view
                .as_object_mut()
                .and_then(|view| view.remove("public"))
                .unwrap_or(Json::Null);
            json!({ "auction": public, "participant": view })
        }
        None => json!({ "auction": procedure.auction_view(now).ok_or_else(no_auction)? }),
    };
    data["serverTime"] = Json::String(domain::time::format_kyiv(now));
    // A page counts down on the server's clock, which may run faster.
    data["clockRate"] = json!(app.handler.clock().rate());
    Ok(data)
}

/// Adds to `bid` (as its owner reads it) the link to its auction, if it
/// takes part in one run here.
pub fn add_participation_url(
    app: &AppState,
    procedure: &dyn Viewed,
    id: &str,
    bid_id: &str,
    token_hash: Option<&str>,
    bid: &mut Json,
) {
    let Some(end) = procedure
        .auction_stages()
        .iter()
        .map(|stage| stage.end)
        .max()
    else {
        return;
    };
    let now = app.handler.clock().now();
    if !procedure.holds_bid_token(bid_id, token_hash)
        || procedure.participant_view(bid_id, now).is_none()
    {
        return;
    }
    let expires = end + participation::VALID_AFTER_END;
    let url = Json::String(app.participation.url(&app.public_url, id, bid_id, expires));
    // A bid priced per lot carries the link on each lot value, as the
    // reference's lot procedures do; other bids carry it themselves.
    if let Some(values) = bid.get_mut("lotValues").and_then(Json::as_array_mut) {
        for value in values.iter_mut().filter_map(Json::as_object_mut) {
            value.insert("participationUrl".to_owned(), url.clone());
        }
    } else if let Some(bid) = bid.as_object_mut() {
        bid.insert("participationUrl".to_owned(), url);
    }
}

/// `GET /api/auctions/{id}`.
async fn read(
    State(app): State<AppState>,
    Path(id): Path<String>,
    query: LinkQuery,
) -> Result<Response, ApiError> {
    let now = app.handler.clock().now();
    let bidder = participant(&app, &id, &query, now)?;
    let procedure = load(&app, &id).await?;
    let data = view(&app, procedure.as_ref(), bidder.as_deref(), now)?;
    Ok(reply::data(data, query.pretty()))
}

/// `GET /api/auctions/{id}/protocol`: every stage, turn and bid with its
/// time, and the result; 404 until the auction has ended.
async fn protocol(
    State(app): State<AppState>,
    Path(id): Path<String>,
    query: LinkQuery,
) -> Result<Response, ApiError> {
    let procedure = load(&app, &id).await?;
    let protocol = procedure.auction_protocol().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "url",
            "auction_id",
            "The auction has not ended",
        )
    })?;
    Ok(reply::data(protocol, query.pretty()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BidBody {
    /// The amount, as a JSON number or the text a page's input gives;
    /// absent or `null` accepts the price on offer (Dutch).
    #[serde(default)]
    amount: Option<Json>,
}

/// The amount of a bid body: a number, or a decimal in a string.
fn amount_of(value: Option<Json>) -> Result<Option<Amount>, ApiError> {
    let bad = |description: String| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "body",
            "amount",
            description,
        )
    };
    match value {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(text)) => text.parse().map(Some).map_err(bad),
        Some(value) => serde_json::from_value(value)
            .map(Some)
            .map_err(|error| bad(error.to_string())),
    }
}

/// `POST /api/auctions/{id}/bids`: the participant's bid in its turn or
/// round, `{"data": {"amount": "…"}}`.
async fn bid(
    State(app): State<AppState>,
    Path(id): Path<String>,
    query: LinkQuery,
    headers: HeaderMap,
    raw: axum::body::Bytes,
) -> Result<Response, ApiError> {
    // The link first: without one, nothing about the body is answered.
    let bid_id = bidder(&app, &id, &query)?;
    let BidBody { amount } = body::data(&headers, &raw)?;
    let amount = amount_of(amount)?;
    participate(
        &app,
        &id,
        &headers,
        Participation::Bid { bid_id, amount },
        query.pretty(),
    )
    .await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TermsBody {
    accepted: bool,
}

/// `POST /api/auctions/{id}/terms`: the participant's answer to the
/// auction's terms, `{"data": {"accepted": true}}` ("Погоджуюсь") or
/// `false` ("Не погоджуюсь": it observes from then on).
async fn terms(
    State(app): State<AppState>,
    Path(id): Path<String>,
    query: LinkQuery,
    headers: HeaderMap,
    raw: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let bid_id = bidder(&app, &id, &query)?;
    let TermsBody { accepted } = body::data(&headers, &raw)?;
    let request = Participation::Terms { bid_id, accepted };
    participate(&app, &id, &headers, request, query.pretty()).await
}

/// `DELETE /api/auctions/{id}/bids`: withdraws the bid not yet public.
async fn cancel_bid(
    State(app): State<AppState>,
    Path(id): Path<String>,
    query: LinkQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let bid_id = bidder(&app, &id, &query)?;
    participate(
        &app,
        &id,
        &headers,
        Participation::CancelBid { bid_id },
        query.pretty(),
    )
    .await
}

/// The participant a request's link names, checked; a request without a
/// link is refused (only participants act on an auction).
fn bidder(app: &AppState, id: &str, query: &LinkQuery) -> Result<String, ApiError> {
    let now = app.handler.clock().now();
    participant(app, id, query, now)?.ok_or_else(|| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "url",
            "signature",
            "A participation link is required to bid",
        )
    })
}

/// Runs a checked participant's `request`; answers its view after it.
async fn participate(
    app: &AppState,
    id: &str,
    headers: &HeaderMap,
    request: Participation,
    pretty: bool,
) -> Result<Response, ApiError> {
    let bid_id = request.bid_id().to_owned();
    let kind = kind_of(app, id).await?;
    let broker = Broker::service(PARTICIPANT);
    let caller = Caller {
        broker: &broker,
        token_hash: None,
    };
    let written = kind
        .write(app, id, &caller, headers, Write::Participate(request))
        .await?;
    let now = app.handler.clock().now();
    let data = view(app, written.procedure.as_ref(), Some(&bid_id), now)?;
    Ok(reply::data(data, pretty))
}
