//! Who sees what of a multi-award sale; the secrecy of bids itself is the
//! same in every procedure (`common/disclosure.rs`).
//!
//! - Bids are sealed while they can be placed or changed and while the
//!   auction runs (`active_tendering`, `active_auction`); the auction module
//!   reads the participants' prices through the hand-off, with its own key.
//! - When qualification starts (the auction's results are recorded, or a
//!   single bid goes straight to qualification) the decider appends
//!   `BidsDisclosed` with the bids that take part, at their final prices. A
//!   sale that ends before that (no bids, cancelled during tendering or the
//!   auction) keeps its bids sealed for ever.
//! - Bids that never took part (drafts, withdrawn or deactivated bids, a
//!   participant's later bid through a second broker) are not in
//!   `BidsDisclosed`, so never shown.
//! - Awards hide their quantity while `pending_waiting` or `cancelled`
//!   (spec §7.6 display rule).

use serde_json::{Map, Value as Json};

use super::MultiAwardSale;
use crate::procedures::common::disclosure::Disclosure;

impl Disclosure for MultiAwardSale {
    fn conceal(document: &mut Map<String, Json>) {
        let Some(Json::Array(awards)) = document.get_mut("awards") else {
            return;
        };
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
}
