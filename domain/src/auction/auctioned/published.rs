//! How a procedure with its auction shows itself. The procedure's document
//! is its own with `auctionUrl` added once the auction is set up and, once
//! it has ended, its protocol among the documents; what the auction shows
//! is the engine's public view, which applies the auction's own rules on
//! what is public when.
//!
//! In the public event log every auction event is withheld whole: a bid
//! not yet public lives in some of them, and the others name bids by the
//! procedure's bid ids, which are sealed while bids are. The chronicle
//! anyone may read is the auction's view and, once it ends, its protocol;
//! the whole stream is an auditor's, through `cdb replay`.

use chrono::{DateTime, Utc};
use serde_json::{Value as Json, json};

use super::{Auctioned, Command, Event, Live, Participation, RunsAuction};
use crate::auction::{AuctionEngine, AuctionResult, Stage};
use crate::procurement::Refusal;
use crate::{PublicEvent, Published};

impl<P, E> Published for Auctioned<P, E>
where
    P: RunsAuction<E> + Published,
    P::State: Clone,
    E: AuctionEngine,
    E::State: Clone,
{
    fn public_envelope(state: &Self::State) -> Option<Json> {
        let mut envelope = P::public_envelope(&state.procedure)?;
        if let (Some(url), Some(data)) = (
            &state.auction_url,
            envelope.get_mut("data").and_then(Json::as_object_mut),
        ) {
            // A procedure in lots shows the URL on its lot, as the
            // reference's lot procedures do (one auction per procedure: a
            // second lot is refused by the types that have lots).
            match data.get_mut("lots").and_then(Json::as_array_mut) {
                Some(lots) => {
                    for lot in lots.iter_mut().filter_map(Json::as_object_mut) {
                        lot.insert("auctionUrl".to_owned(), Json::String(url.clone()));
                    }
                }
                None => {
                    data.insert("auctionUrl".to_owned(), Json::String(url.clone()));
                }
            }
            if let Some(document) = protocol_document::<E>(state, url, data) {
                let documents = data
                    .entry("documents")
                    .or_insert_with(|| Json::Array(Vec::new()));
                if let Some(documents) = documents.as_array_mut() {
                    documents.push(document);
                }
            }
        }
        Some(envelope)
    }

    fn bids_disclosed(state: &Self::State) -> bool {
        P::bids_disclosed(&state.procedure)
    }

    fn visible_bid(
        state: &Self::State,
        bid_id: &str,
        token_hash: Option<&str>,
    ) -> Result<Json, Refusal> {
        P::visible_bid(&state.procedure, bid_id, token_hash)
    }

    fn holds_bid_token(state: &Self::State, bid_id: &str, token_hash: Option<&str>) -> bool {
        P::holds_bid_token(&state.procedure, bid_id, token_hash)
    }

    fn public_event(event: &Self::Event) -> PublicEvent {
        match event {
            Event::Procedure(event) => P::public_event(event),
            Event::Auction(_) | Event::TermsAnswered { .. } => PublicEvent::withheld(json!({})),
            Event::Linked { .. } => PublicEvent::shown(crate::DomainEvent::to_data(event)),
        }
    }
}

impl<P, E> Live for Auctioned<P, E>
where
    P: RunsAuction<E> + Published,
    P::State: Clone,
    E: AuctionEngine,
    E::State: Clone,
{
    const RUNS_AUCTION: bool = true;

    fn auction_view(state: &Self::State, now: DateTime<Utc>) -> Option<Json> {
        let view = E::public_view(&state.auction, now)?;
        serde_json::to_value(view).ok()
    }

    fn participant_view(state: &Self::State, bid_id: &str, now: DateTime<Utc>) -> Option<Json> {
        let view = E::participant_view(&state.auction, bid_id, now)?;
        let mut view = serde_json::to_value(view).ok()?;
        if E::ASKS_TERMS {
            let answer = match state.terms.get(bid_id) {
                None => "pending",
                Some(true) => "accepted",
                Some(false) => "declined",
            };
            if answer != "accepted"
                && let Some(view) = view.as_object_mut()
            {
                // Until it accepts, the participant may only answer.
                view.remove("allowed");
                view.remove("ownBid");
            }
            view["terms"] = Json::String(answer.to_owned());
        }
        Some(view)
    }

    fn auction_stages(state: &Self::State) -> &[Stage] {
        E::stages(&state.auction)
    }

    fn auction_protocol(state: &Self::State) -> Option<Json> {
        let result = E::result(&state.auction)?;
        let end = match &result {
            AuctionResult::Completed { finished_at, .. }
            | AuctionResult::Unsuccessful { finished_at, .. } => *finished_at,
            AuctionResult::Cancelled { at } => *at,
        };
        let view = serde_json::to_value(E::public_view(&state.auction, end)?).ok()?;
        // Bid ids join the labels only once the procedure has opened its
        // bids; before that the protocol is as anonymous as the page.
        let disclosed = P::bids_disclosed(&state.procedure);
        let outcome = match &result {
            AuctionResult::Completed { ranking, .. } => json!({
                "status": "complete",
                "ranking": ranking
                    .iter()
                    .map(|bid| {
                        let mut row = json!({
                            "rank": bid.rank,
                            "label": bid.label,
                            "amount": bid.amount,
                            "date": crate::time::format_kyiv(bid.date),
                        });
                        if disclosed {
                            row["bidId"] = Json::String(bid.bid_id.clone());
                        }
                        row
                    })
                    .collect::<Vec<_>>(),
            }),
            AuctionResult::Unsuccessful { reason, .. } => {
                json!({ "status": "unsuccessful", "reason": reason })
            }
            AuctionResult::Cancelled { .. } => json!({ "status": "cancelled" }),
        };
        Some(json!({
            "kind": E::KIND,
            "auctionUrl": state.auction_url,
            "finishedAt": crate::time::format_kyiv(end),
            "auction": view,
            "result": outcome,
        }))
    }

    fn participation(request: Participation) -> Option<Self::Command> {
        Some(Command::Participate(request))
    }
}

/// The auction's protocol as one of the procedure's documents once the
/// auction has ended: the JSON at `GET /api/auctions/{id}/protocol`,
/// named as the reference auction module names its audit document. Its id
/// is the procedure's own (one protocol per procedure), so the document
/// is a function of the state, as the rest of the envelope.
fn protocol_document<E: AuctionEngine>(
    state: &super::State<impl Sized, E::State>,
    auction_url: &str,
    data: &serde_json::Map<String, Json>,
) -> Option<Json> {
    let finished = match E::result(&state.auction)? {
        AuctionResult::Completed { finished_at, .. }
        | AuctionResult::Unsuccessful { finished_at, .. } => finished_at,
        AuctionResult::Cancelled { .. } => return None,
    };
    let id = data.get("id")?.as_str()?;
    let base = auction_url.strip_suffix(&format!("/auctions/{id}"))?;
    let at = crate::time::format_kyiv(finished);
    Some(json!({
        "id": id,
        "title": format!("audit_{id}.json"),
        "format": "application/json",
        "url": format!("{base}/api/auctions/{id}/protocol"),
        "documentOf": "tender",
        "datePublished": at,
        "dateModified": at,
    }))
}
