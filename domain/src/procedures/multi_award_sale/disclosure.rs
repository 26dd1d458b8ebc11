//! Who sees what of a multi-award sale.
//!
//! - Bids are sealed while they can be placed or changed and while the
//!   auction runs (`active_tendering`, `active_auction`): nobody but a bid's
//!   owner sees its price, quantity, bidder or documents, through any route
//!   (the auction module reads the participants' prices through the
//!   hand-off, with its own key).
//! - When qualification starts (the auction's results are recorded, or a
//!   single bid goes straight to qualification) the decider appends
//!   `BidsDisclosed` with the bids that take part, at their final prices.
//!   From then on everyone sees those bids. A sale that ends before that
//!   (no bids, cancelled during tendering or the auction) keeps its bids
//!   sealed for ever.
//! - Bids that never took part (drafts, withdrawn or deactivated bids, a
//!   participant's later bid through a second broker) are never shown, nor
//!   the prices and quantities a bid had before it was changed.
//! - `buyerOnly` documents are never shown to anyone but the bid's owner.
//! - The public event log never shows a bid's contents in the events that
//!   place or change it; they appear once, in `BidsDisclosed`. Token hashes
//!   are never shown.
//! - Awards hide their quantity while `pending_waiting` or `cancelled`
//!   (spec §7.6 display rule).

use serde_json::{Value as Json, json};

use super::state::State;
use super::{BidStatus, Event, MultiAwardSale, Target, next_check};
use crate::procurement::Refusal;
use crate::procurement::public::{insert_next_check, strip_confidential_documents};
use crate::{DomainEvent, PublicEvent, Published};

/// Whether the bids of the sale have been opened to everyone.
pub fn bids_disclosed(state: &State) -> bool {
    !state.disclosed_bids.is_empty()
}

/// The procedure document anyone may read (`GET /api/procedures/{id}`), or
/// `None` before the procedure exists.
pub fn public_procedure(state: &State) -> Option<Json> {
    let procedure = state.procedure.as_ref()?;
    let mut document = serde_json::to_value(procedure).ok()?;
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
    if let Some(Json::Array(awards)) = object.get_mut("awards") {
        for award in awards.iter_mut() {
            let hidden = matches!(
                award.get("status").and_then(Json::as_str),
                Some("pending_waiting" | "cancelled")
            );
            if hidden && let Some(Json::Array(items)) = award.get_mut("items") {
                for item in items.iter_mut().filter_map(Json::as_object_mut) {
                    item.remove("quantity");
                }
            }
        }
    }
    insert_next_check(object, next_check(state));
    Some(document)
}

/// A bid as `viewer_owns_it` decides: its owner always sees it whole;
/// others only once bids are disclosed, and only a bid that took part.
pub fn visible_bid(
    state: &State,
    bid_id: &str,
    viewer_owns_it: bool,
) -> Result<Json, crate::procurement::Refusal> {
    use crate::procurement::Refusal;
    let procedure = state
        .procedure
        .as_ref()
        .ok_or_else(|| Refusal::not_found("procedure_id"))?;
    let bid = procedure
        .bids
        .iter()
        .find(|bid| bid.id == bid_id && bid.status != BidStatus::Deleted)
        .ok_or_else(|| Refusal::not_found("bid_id"))?;
    if !viewer_owns_it && !state.disclosed_bids.contains(bid_id) {
        return Err(Refusal::not_allowed(format!(
            "Can't view bid in current ({}) procedure status",
            procedure.status.as_str()
        )));
    }
    let mut json =
        serde_json::to_value(bid).map_err(|e| Refusal::invalid("data", e.to_string()))?;
    if !viewer_owns_it && let Some(object) = json.as_object_mut() {
        strip_confidential_documents(object);
    }
    Ok(json)
}

/// The public event log's view of an event (see the module documentation).
pub fn public_event(event: &Event) -> PublicEvent {
    let mut data = event.to_data();
    let Some(object) = data.as_object_mut() else {
        return PublicEvent::shown(data);
    };
    for secret in ["owner_token_hash", "token_hash"] {
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
                    "datePublished": crate::time::format_kyiv(bid.date_published),
                    "dateModified": crate::time::format_kyiv(bid.date_modified),
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

impl Published for MultiAwardSale {
    fn public_envelope(state: &State) -> Option<Json> {
        Some(json!({
            "data": public_procedure(state)?,
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
