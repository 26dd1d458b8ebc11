//! The final ranking (spec §11, R3-8): every participant with an amount,
//! the highest first. The Dutch winner stands at its round-3 bid if it
//! made one, else at its stop amount; round-2 bidders at their sealed bids;
//! a participant that never bid is not ranked (V-2's P3).
//!
//! The tie rule (Q11, which the source leaves open, so it is named here
//! and tested): of equal amounts the bid accepted earlier ranks higher,
//! then the earlier label. Two equal sealed bids therefore go to the first
//! one in; a round-3 bid that only equals the top sealed bid (possible when
//! `minimalStep` is 0) ranks below it.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};

use super::state::Auction;
use crate::auction::RankedBid;
use crate::auction::result::numbered;
use crate::procurement::Amount;

/// A ranked amount: who, how much, when it was accepted, the label's place.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub bid_id: String,
    pub amount: Amount,
    pub at: DateTime<Utc>,
    pub place: usize,
}

/// `Less` when `a` ranks above `b`.
pub fn tie_rule(a: &Entry, b: &Entry) -> Ordering {
    b.amount
        .cmp(&a.amount)
        .then(a.at.cmp(&b.at))
        .then(a.place.cmp(&b.place))
}

pub fn ranking(auction: &Auction) -> Vec<RankedBid> {
    let place = |bid_id: &str| {
        auction
            .participants
            .iter()
            .position(|p| p.bid_id == bid_id)
            .unwrap_or(usize::MAX)
    };
    let mut entries = Vec::new();
    if let Some(stop) = &auction.stop {
        let (amount, at) = match auction.final_closed.as_ref().and_then(Option::as_ref) {
            Some(bid) => (bid.amount, bid.at),
            None => (stop.amount, stop.at),
        };
        entries.push(Entry {
            bid_id: stop.bid_id.clone(),
            amount,
            at,
            place: place(&stop.bid_id),
        });
    }
    entries.extend(auction.sealed_closed.iter().flatten().map(|bid| Entry {
        bid_id: bid.bid_id.clone(),
        amount: bid.amount,
        at: bid.at,
        place: place(&bid.bid_id),
    }));
    entries.sort_by(tie_rule);
    numbered(entries.into_iter().map(|e| {
        let label = auction.label_of(&e.bid_id);
        (e.bid_id, label, e.amount, e.at)
    }))
}
