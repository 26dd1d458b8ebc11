//! Who sees what of a priceQuotation tender. Bids are sealed while they can
//! still be submitted or changed (`draft`, `active.tendering`): nobody but a
//! bid's owner sees its value, its tenderer or its documents. When the tender
//! period ends the bids are opened (spec platform-overview RA-15: after the
//! bidding closes all bids are open), and everyone sees every bid that took
//! part. Documents marked `buyerOnly` stay with their owner and the buyer.

use serde_json::{Value as Json, json};

use super::state::State;
use super::{BidStatus, Event, PriceQuotation, Target, TenderStatus, next_check};
use crate::procurement::public::{insert_next_check, strip_confidential_documents};
use crate::{DomainEvent, Published};

/// Whether the bids of a tender in `status` are open to everyone.
pub fn bids_disclosed(status: TenderStatus) -> bool {
    !matches!(status, TenderStatus::Draft | TenderStatus::ActiveTendering)
}

/// The tender document anyone may read (`GET /tenders/{id}`), or `None`
/// before the tender exists.
pub fn public_tender(state: &State) -> Option<Json> {
    let tender = state.tender.as_ref()?;
    let mut document = serde_json::to_value(tender).ok()?;
    let object = document.as_object_mut()?;
    let disclosed = bids_disclosed(tender.status);
    match object.get_mut("bids") {
        Some(Json::Array(bids)) if disclosed => {
            bids.retain(|bid| {
                !matches!(
                    bid.get("status").and_then(Json::as_str),
                    Some("deleted" | "draft")
                )
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
/// others only once bids are disclosed, and never a withdrawn one.
pub fn visible_bid(
    state: &State,
    bid_id: &str,
    viewer_owns_it: bool,
) -> Result<Json, crate::procurement::Refusal> {
    let tender = state
        .tender
        .as_ref()
        .ok_or_else(|| crate::procurement::Refusal::not_found("tender_id"))?;
    let bid = tender
        .bids
        .iter()
        .find(|bid| bid.id == bid_id && bid.status != BidStatus::Deleted)
        .ok_or_else(|| crate::procurement::Refusal::not_found("bid_id"))?;
    if !viewer_owns_it && (!bids_disclosed(tender.status) || bid.status == BidStatus::Draft) {
        return Err(crate::procurement::Refusal::not_allowed(format!(
            "Can't view bid in current ({}) tender status",
            tender.status.as_str()
        )));
    }
    let mut json = serde_json::to_value(bid)
        .map_err(|e| crate::procurement::Refusal::invalid("data", e.to_string()))?;
    if !viewer_owns_it && let Some(object) = json.as_object_mut() {
        strip_confidential_documents(object);
    }
    Ok(json)
}

/// The public event log's view of a priceQuotation event. Token hashes are
/// never shown. Before the bids are disclosed a bid's events show only its
/// id, status and dates, and documents added to a bid show only their id;
/// after disclosure they show everything except `buyerOnly` documents.
pub fn public_event(event: &Event, disclosed: bool) -> Json {
    let mut data = event.to_data();
    let Some(object) = data.as_object_mut() else {
        return data;
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
        Event::BidSubmitted { bid, .. } if !disclosed => {
            object.remove("owner");
            object.insert(
                "bid".to_owned(),
                json!({
                    "id": bid.id,
                    "status": bid.status,
                    "date": crate::time::format_kyiv(bid.date),
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
        _ => {}
    }
    data
}

impl Published for PriceQuotation {
    fn public_envelope(state: &State) -> Option<Json> {
        Some(json!({
            "data": public_tender(state)?,
            "config": serde_json::to_value(&state.config).unwrap_or(Json::Null),
        }))
    }

    fn bids_disclosed(state: &State) -> bool {
        state
            .tender
            .as_ref()
            .is_some_and(|tender| bids_disclosed(tender.status))
    }

    fn public_event(event: &Event, disclosed: bool) -> Json {
        public_event(event, disclosed)
    }
}
