//! Who sees what of a priceQuotation tender; the secrecy of bids itself is
//! the same in every procedure (`common/disclosure.rs`).
//!
//! - Bids are sealed until the tender period ends. When it ends and the
//!   tender goes on to qualification (enough bids in the running for
//!   `config.minBidsNumber`), the decider appends `BidsDisclosed` (spec
//!   platform-overview RA-15: after the bidding closes all bids are open).
//!   A tender cancelled while bids were sealed, or ending unsuccessful for
//!   too few bids, keeps them sealed for ever.
//! - Bids that never took part (drafts, withdrawn bids, a tenderer's later
//!   bid through a second broker) are not in `BidsDisclosed`, so never
//!   shown.
//! - A bid made `invalid` when the tender period ended (its tenderer was no
//!   longer a qualified supplier in the agreement) is not in
//!   `BidsDisclosed` either: once the bids are open the tender document and
//!   `GET …/bids` list it by its id and status only, as the reference API
//!   does, never with its contents.

use serde_json::{Map, Value as Json};

use super::PriceQuotation;
use crate::procedures::common::disclosure::Disclosure;

/// The tender's document hides nothing but sealed bids.
impl Disclosure for PriceQuotation {
    fn undisclosed_listing(bid: &Map<String, Json>) -> Option<Json> {
        let status = bid.get("status")?;
        if status != "invalid" {
            return None;
        }
        let mut shown = Map::new();
        shown.insert("id".to_owned(), bid.get("id")?.clone());
        shown.insert("status".to_owned(), status.clone());
        Some(Json::Object(shown))
    }
}
