//! The secrecy of bids, the same in every procedure; each procedure's
//! `disclosure.rs` says when its decider opens the bids and what else its
//! document hides.
//!
//! - Bids are sealed until the decider appends `BidsDisclosed`: nobody but
//!   a bid's owner sees its contents, through any route. From then on
//!   everyone sees the bids named there, at their final values. Disclosure
//!   is that event, not a status, so a procedure that ends before it keeps
//!   its bids sealed for ever.
//! - Bids that never took part are never shown, nor what a bid was before
//!   it was changed; once the bids are open a procedure may list one that
//!   was not opened by its id and status, never its contents
//!   ([`Disclosure::undisclosed_listing`]: priceQuotation's `invalid` bids).
//! - `buyerOnly` documents are never shown to anyone but the bid's owner.
//! - The public event log never shows a bid's contents in the events that
//!   place or change it; they appear once, in `BidsDisclosed`. Token hashes
//!   are never shown. Every procedure names these events alike
//!   (`BidSubmitted`, `BidEdited`, `DocumentAdded`, `DocumentEdited` and
//!   `DocumentVersionAdded` on a bid, `BidsDisclosed`), so they are
//!   recognised here by their stored names.

use serde_json::{Map, Value as Json, json};

use super::{Records, lookup, refusals};
use crate::procurement::Refusal;
use crate::procurement::public::{insert_next_check, strip_confidential_documents};
use crate::{DomainEvent, PublicEvent, Published, Scheduled};

/// A procedure type whose bids are sealed as this module says; it is
/// [`Published`] by these rules.
pub trait Disclosure: Scheduled<State: Records, Error = Refusal> {
    /// Takes out of the public document what the procedure hides besides
    /// sealed bids.
    fn conceal(_document: &mut Map<String, Json>) {}

    /// What everyone sees, once the bids are open, of a bid that was not
    /// opened with them: nothing, unless the procedure lists such a bid
    /// without its contents (priceQuotation's `invalid` bids).
    fn undisclosed_listing(_bid: &Map<String, Json>) -> Option<Json> {
        None
    }

    /// Takes out of an opened bid, as anyone but its owner sees it (in the
    /// public document and on its own), what the procedure keeps for the
    /// owner (belowThreshold's auction URLs). Nothing, by default.
    fn conceal_bid(_bid: &mut Map<String, Json>) {}

    /// Takes out of the public event log's view of an event (stored type
    /// `event_type`, after the shared rules of [`public_event`]) what the
    /// procedure hides besides sealed bids; whether anything was taken
    /// out. Nothing, unless the procedure says otherwise (belowThreshold's
    /// question authors).
    fn conceal_event(_event_type: &str, _data: &mut Map<String, Json>) -> bool {
        false
    }
}

/// Whether the bids of the procedure have been opened to everyone.
pub fn bids_disclosed<S: Records>(state: &S) -> bool {
    !state.parties().disclosed_bids.is_empty()
}

/// The procedure's document anyone may read, or `None` before it exists.
pub fn public_document<D: Disclosure>(state: &D::State) -> Option<Json> {
    let mut document = serde_json::to_value(state.root()?).ok()?;
    let object = document.as_object_mut()?;
    let disclosed = &state.parties().disclosed_bids;
    match object.get_mut("bids") {
        Some(Json::Array(bids)) if !disclosed.is_empty() => {
            *bids = std::mem::take(bids)
                .into_iter()
                .filter_map(|bid| {
                    let Json::Object(mut bid) = bid else {
                        return None;
                    };
                    let opened = bid
                        .get("id")
                        .and_then(Json::as_str)
                        .is_some_and(|id| disclosed.contains(id));
                    if !opened {
                        return D::undisclosed_listing(&bid);
                    }
                    strip_confidential_documents(&mut bid);
                    D::conceal_bid(&mut bid);
                    Some(Json::Object(bid))
                })
                .collect();
            if bids.is_empty() {
                object.remove("bids");
            }
        }
        _ => {
            object.remove("bids");
        }
    }
    D::conceal(object);
    insert_next_check(object, D::next_check(state));
    Some(document)
}

/// A bid as `viewer_owns_it` decides: its owner always sees it whole;
/// others only a disclosed bid, without its confidential documents.
pub fn visible_bid<S: Records>(
    state: &S,
    bid_id: &str,
    viewer_owns_it: bool,
) -> Result<Json, Refusal> {
    let root = lookup::root(state)?;
    let bid = lookup::live_bid(root, bid_id)?;
    if !viewer_owns_it && !state.parties().disclosed_bids.contains(bid_id) {
        return Err(refusals::status_refusal(root, "view bid"));
    }
    let mut json =
        serde_json::to_value(bid).map_err(|e| Refusal::invalid("data", e.to_string()))?;
    if !viewer_owns_it && let Some(object) = json.as_object_mut() {
        strip_confidential_documents(object);
    }
    Ok(json)
}

/// The public event log's view of `event` (see the module documentation).
pub fn public_event<E: DomainEvent>(event: &E) -> PublicEvent {
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
    let on_a_bid = object.get("target").and_then(|target| target.get("of")) == Some(&json!("bid"));
    let withheld = match event.event_type() {
        "BidSubmitted" => {
            object.remove("owner");
            if let Some(bid) = object.get_mut("bid").and_then(Json::as_object_mut) {
                bid.retain(|key, _| {
                    matches!(
                        key.as_str(),
                        "id" | "status" | "date" | "datePublished" | "dateModified"
                    )
                });
            }
            true
        }
        "BidEdited" => {
            object.retain(|key, _| matches!(key.as_str(), "bid_id" | "status" | "at"));
            true
        }
        "DocumentAdded" | "DocumentEdited" | "DocumentVersionAdded" if on_a_bid => {
            if let Some(document) = object.get_mut("document").and_then(Json::as_object_mut) {
                document.retain(|key, _| key == "id");
            }
            true
        }
        "BidsDisclosed" => {
            let mut stripped = false;
            if let Some(Json::Array(shown)) = object.get_mut("bids") {
                for bid in shown.iter_mut().filter_map(Json::as_object_mut) {
                    stripped |= strip_confidential_documents(bid);
                }
            }
            stripped
        }
        _ => false,
    };
    PublicEvent { data, withheld }
}

impl<D: Disclosure> Published for D {
    fn public_envelope(state: &D::State) -> Option<Json> {
        Some(json!({
            "data": public_document::<D>(state)?,
            "config": serde_json::to_value(state.config()).unwrap_or(Json::Null),
        }))
    }

    fn bids_disclosed(state: &D::State) -> bool {
        bids_disclosed(state)
    }

    fn visible_bid(
        state: &D::State,
        bid_id: &str,
        token_hash: Option<&str>,
    ) -> Result<Json, Refusal> {
        let owns = state.parties().holds_bid_token(bid_id, token_hash);
        let mut bid = visible_bid(state, bid_id, owns)?;
        if !owns && let Some(object) = bid.as_object_mut() {
            D::conceal_bid(object);
        }
        Ok(bid)
    }

    fn holds_bid_token(state: &D::State, bid_id: &str, token_hash: Option<&str>) -> bool {
        state.parties().holds_bid_token(bid_id, token_hash)
    }

    fn public_event(event: &D::Event) -> PublicEvent {
        let mut shown = public_event(event);
        if let Some(object) = shown.data.as_object_mut() {
            shown.withheld |= D::conceal_event(event.event_type(), object);
        }
        shown
    }
}
