//! Who sees what of a belowThreshold tender (spec §8); the secrecy of bids
//! itself is the same in every procedure (`common/disclosure.rs`).
//!
//! - Bids are sealed (values, tenderers, documents) through the enquiry,
//!   tendering and auction stages. The decider appends `BidsDisclosed`
//!   when the auction reports, or at the tender period's end when the
//!   auction is skipped (one bid, or `hasAuction` false); from then on the
//!   bids that took part are public at their final values (platform RA-15).
//! - A tender cancelled before that keeps its bids sealed: they are even
//!   removed from the tender (`CancellationActivated.purged`, spec §12).
//!   A tender ending `unsuccessful` at the tender period's end opens none.
//! - Once the bids are open, a bid that did not take part (`invalid`,
//!   `unsuccessful` for a duplicate tenderer) is listed by `id`, `status`
//!   and its lot values' `relatedLot` and `status` only.
//! - Question authors are shown as `{"hash": …}` only; `participationUrl`
//!   only to the bid's owner (not public, ever).

use serde_json::{Map, Value as Json, json};

use super::OpenTender;
use crate::procedures::common::disclosure::Disclosure;

/// A question as everyone sees it: its author by the hash only.
fn hide_author(question: &mut Map<String, Json>) {
    let hash = question.remove("authorHash").unwrap_or(Json::Null);
    question.insert("author".to_owned(), json!({ "hash": hash }));
}

impl Disclosure for OpenTender {
    fn conceal(document: &mut Map<String, Json>) {
        if let Some(Json::Array(questions)) = document.get_mut("questions") {
            for question in questions.iter_mut().filter_map(Json::as_object_mut) {
                hide_author(question);
            }
        }
    }

    /// A bidder's auction URL is its own, in every status.
    fn conceal_bid(bid: &mut Map<String, Json>) {
        if let Some(Json::Array(values)) = bid.get_mut("lotValues") {
            for value in values.iter_mut().filter_map(Json::as_object_mut) {
                value.remove("participationUrl");
            }
        }
    }

    fn undisclosed_listing(bid: &Map<String, Json>) -> Option<Json> {
        let mut shown = Map::new();
        shown.insert("id".to_owned(), bid.get("id")?.clone());
        shown.insert("status".to_owned(), bid.get("status")?.clone());
        let values: Vec<Json> = bid
            .get("lotValues")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .map(|value| {
                json!({
                    "relatedLot": value.get("relatedLot"),
                    "status": value.get("status"),
                })
            })
            .collect();
        shown.insert("lotValues".to_owned(), Json::Array(values));
        Some(Json::Object(shown))
    }

    /// The public event log shows a question's author by the hash only.
    /// and a bidder's auction URL not at all (nor how many bidders have one).
    fn conceal_event(event_type: &str, data: &mut Map<String, Json>) -> bool {
        if event_type == "AuctionUrlsSet" {
            return data.remove("participation_urls").is_some();
        }
        if event_type != "QuestionAsked" {
            return false;
        }
        match data.get_mut("question").and_then(Json::as_object_mut) {
            Some(question) => {
                hide_author(question);
                true
            }
            None => false,
        }
    }
}
