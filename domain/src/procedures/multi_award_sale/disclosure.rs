//! Who sees what of a multi-award sale. Bids are sealed while they can be
//! placed or changed and while the auction runs (`active_tendering`,
//! `active_auction`): nobody but a bid's owner sees its price, quantity,
//! bidder or documents. They are opened when qualification starts — when
//! the auction's results are recorded, or at the end of the tender period
//! when a single bid goes straight to qualification — and stay sealed
//! forever in a procedure that ends before that (no bids, cancelled during
//! the auction). Token hashes are never shown. Awards hide their quantity
//! while `pending_waiting` or `cancelled` (spec §7.6 display rule).

use serde_json::{Value as Json, json};

use super::state::State;
use super::{BidStatus, Event, MultiAwardSale, Procedure, Target, next_check};
use crate::procurement::public::{insert_next_check, strip_confidential_documents};
use crate::{DomainEvent, Published};

/// Whether the bids of `procedure` are open to everyone: qualification
/// has started.
pub fn bids_disclosed(procedure: &Procedure) -> bool {
    procedure.qualification_period.is_some()
}

/// The procedure document anyone may read (`GET /api/procedures/{id}`), or
/// `None` before the procedure exists.
pub fn public_procedure(state: &State) -> Option<Json> {
    let procedure = state.procedure.as_ref()?;
    let mut document = serde_json::to_value(procedure).ok()?;
    let object = document.as_object_mut()?;
    match object.get_mut("bids") {
        Some(Json::Array(bids)) if bids_disclosed(procedure) => {
            // Only the bids that took part: drafts, withdrawn and
            // deactivated bids were never in the running.
            bids.retain(|bid| {
                bid.get("status").and_then(Json::as_str) == Some(BidStatus::Active.as_str())
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
    if !viewer_owns_it && (!bids_disclosed(procedure) || bid.status != BidStatus::Active) {
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

/// The public event log's view of an event. Token hashes are never shown.
/// Before disclosure a bid's events show only its id, status and dates, and
/// a document added to a bid only its id.
pub fn public_event(event: &Event, disclosed: bool) -> Json {
    let mut data = event.to_data();
    let Some(object) = data.as_object_mut() else {
        return data;
    };
    for secret in ["owner_token_hash", "token_hash"] {
        object.remove(secret);
    }
    match event {
        Event::BidSubmitted { bid, .. } if !disclosed => {
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
        }
        Event::BidSubmitted { .. } => {
            if let Some(Json::Object(bid)) = object.get_mut("bid") {
                strip_confidential_documents(bid);
            }
        }
        Event::BidEdited { .. } if !disclosed => {
            object.retain(|key, _| matches!(key.as_str(), "bid_id" | "status" | "at"));
        }
        Event::DocumentAdded {
            target: Target::Bid(_),
            document,
        } if !disclosed || document.confidentiality == "buyerOnly" => {
            object.insert("document".to_owned(), json!({ "id": document.id }));
        }
        // Cannot exist before disclosure; sealed all the same if it did.
        Event::AuctionResultsRecorded { .. } if !disclosed => {
            object.remove("results");
        }
        _ => {}
    }
    data
}

impl Published for MultiAwardSale {
    fn public_envelope(state: &State) -> Option<Json> {
        Some(json!({
            "data": public_procedure(state)?,
            "config": serde_json::to_value(&state.config).unwrap_or(Json::Null),
        }))
    }

    fn bids_disclosed(state: &State) -> bool {
        state.procedure.as_ref().is_some_and(bids_disclosed)
    }

    fn public_event(event: &Event, disclosed: bool) -> Json {
        public_event(event, disclosed)
    }
}
