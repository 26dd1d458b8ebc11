//! Who sees what of a priceQuotation tender.
//!
//! - Bids are sealed until the tender period ends: nobody but a bid's owner
//!   sees its value, its tenderer or its documents, through any route.
//! - When the tender period ends and the tender goes on to qualification
//!   (enough bids in the running for `config.minBidsNumber`), the decider
//!   appends `BidsDisclosed` (spec platform-overview RA-15: after
//!   the bidding closes all bids are open). From then on everyone sees the
//!   bids named there, with their final values. Disclosure is that event,
//!   not a status: a tender cancelled while bids were sealed, or ending
//!   unsuccessful for too few bids, keeps them sealed for ever.
//! - Bids that never took part (drafts, withdrawn bids, a tenderer's later
//!   bid through a second broker) are never shown, nor the values a bid had
//!   before its owner changed it.
//! - Documents marked `buyerOnly` are never shown to anyone but the bid's
//!   owner.
//! - The public event log never shows a bid's contents in the events that
//!   place or change it; they appear once, in `BidsDisclosed`. Token hashes
//!   are never shown.

use serde_json::{Value as Json, json};

use super::state::State;
use super::{BidStatus, Event, PriceQuotation, Target, next_check};
use crate::procurement::Refusal;
use crate::procurement::public::{insert_next_check, strip_confidential_documents};
use crate::{DomainEvent, PublicEvent, Published};

/// Whether the bids of the tender have been opened to everyone.
pub fn bids_disclosed(state: &State) -> bool {
    !state.disclosed_bids.is_empty()
}

/// The tender document anyone may read (`GET /tenders/{id}`), or `None`
/// before the tender exists.
pub fn public_tender(state: &State) -> Option<Json> {
    let tender = state.tender.as_ref()?;
    let mut document = serde_json::to_value(tender).ok()?;
    let object = document.as_object_mut()?;
    match object.get_mut("bids") {
        Some(Json::Array(bids)) if bids_disclosed(state) => {
            bids.retain(|bid| {
                bid.get("id")
                    .and_then(Json::as_str)
                    .is_some_and(|id| state.disclosed_bids.contains(id))
            });
            for bid in bids.iter_mut() {
                if let Some(bid) = bid.as_object_mut() {
                    strip_confidential_documents(bid);
                }
            }
            if bids.is_empty() {
                object.remove("bids");
            }
        }
        _ => {
            object.remove("bids");
        }
    }
    insert_next_check(object, next_check(state));
    Some(document)
}

/// A bid as `viewer_owns_it` decides: its owner always sees it whole;
/// others only a disclosed bid.
pub fn visible_bid(state: &State, bid_id: &str, viewer_owns_it: bool) -> Result<Json, Refusal> {
    let tender = state
        .tender
        .as_ref()
        .ok_or_else(|| Refusal::not_found("tender_id"))?;
    let bid = tender
        .bids
        .iter()
        .find(|bid| bid.id == bid_id && bid.status != BidStatus::Deleted)
        .ok_or_else(|| Refusal::not_found("bid_id"))?;
    if !viewer_owns_it && !state.disclosed_bids.contains(bid_id) {
        return Err(Refusal::not_allowed(format!(
            "Can't view bid in current ({}) tender status",
            tender.status.as_str()
        )));
    }
    let mut json =
        serde_json::to_value(bid).map_err(|e| Refusal::invalid("data", e.to_string()))?;
    if !viewer_owns_it && let Some(object) = json.as_object_mut() {
        strip_confidential_documents(object);
    }
    Ok(json)
}

/// The public event log's view of a priceQuotation event (see the module
/// documentation).
pub fn public_event(event: &Event) -> PublicEvent {
    let mut data = event.to_data();
    let Some(object) = data.as_object_mut() else {
        return PublicEvent::shown(data);
    };
    for secret in [
        "owner_token_hash",
        "transfer_token_hash",
        "token_hash",
        "transfer_hash",
    ] {
        object.remove(secret);
    }
    match event {
        Event::BidSubmitted { bid, .. } => {
            object.remove("owner");
            object.insert(
                "bid".to_owned(),
                json!({
                    "id": bid.id,
                    "status": bid.status,
                    "date": crate::time::format_kyiv(bid.date),
                }),
            );
            PublicEvent::withheld(data)
        }
        Event::BidEdited { .. } => {
            object.retain(|key, _| matches!(key.as_str(), "bid_id" | "status" | "at"));
            PublicEvent::withheld(data)
        }
        Event::DocumentAdded {
            target: Target::Bid(_),
            document,
        } => {
            object.insert("document".to_owned(), json!({ "id": document.id }));
            PublicEvent::withheld(data)
        }
        Event::BidsDisclosed { bids, .. } => {
            if let Some(Json::Array(shown)) = object.get_mut("bids") {
                for bid in shown.iter_mut().filter_map(Json::as_object_mut) {
                    strip_confidential_documents(bid);
                }
            }
            let withheld = bids
                .iter()
                .flat_map(|bid| &bid.documents)
                .any(|document| document.confidentiality == "buyerOnly");
            PublicEvent { data, withheld }
        }
        _ => PublicEvent::shown(data),
    }
}

impl Published for PriceQuotation {
    fn public_envelope(state: &State) -> Option<Json> {
        Some(json!({
            "data": public_tender(state)?,
            "config": serde_json::to_value(&state.config).unwrap_or(Json::Null),
        }))
    }

    fn bids_disclosed(state: &State) -> bool {
        bids_disclosed(state)
    }

    fn visible_bid(state: &State, bid_id: &str, token_hash: Option<&str>) -> Result<Json, Refusal> {
        let owns = match (state.bid_owners.get(bid_id), token_hash) {
            (Some(owner), Some(hash)) => owner.token_hash == hash,
            _ => false,
        };
        visible_bid(state, bid_id, owns)
    }

    fn public_event(event: &Event) -> PublicEvent {
        public_event(event)
    }
}
