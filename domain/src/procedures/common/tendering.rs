//! The rules on taking bids: only within the tendering window, and one bid
//! per party as far as the submitting broker can be told.

use chrono::{DateTime, Utc};

use super::{BidRecord, Identified, Records, Root, refusals};
use crate::procurement::{Identifier, Refusal};

/// What a bidder asks its bid to be: still being prepared (it takes no
/// part), or submitted. Each procedure names the submitted status its own
/// way (`pending`, `active`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BidStage {
    Draft,
    Submitted,
}

/// Bids are taken and changed only while the tender period runs.
pub fn check_open(root: &impl Root, now: DateTime<Utc>, action: &str) -> Result<(), Refusal> {
    if !root.is_tendering() {
        return Err(refusals::status_refusal(root, action));
    }
    let end = root.tender_period().end_date;
    if end.is_some_and(|end| now >= end) {
        return Err(Refusal::not_allowed(format!(
            "{action} can be done only during the tendering period: before ({})",
            end.map(crate::time::format_kyiv).unwrap_or_default()
        )));
    }
    Ok(())
}

/// Whether `party` already bids in a bid `broker` placed (other than
/// `except`, the bid being edited). Only the broker's own bids are looked
/// at: a refusal naming another broker's bid would tell a third party who
/// has bid while bids are sealed. A party bidding through two brokers is
/// resolved when bidding closes
/// ([`crate::procurement::one_bid_per_party`]).
pub fn already_bids_through<S: Records>(
    state: &S,
    root: &S::Root,
    broker: &str,
    party: &Identifier,
    except: Option<&str>,
) -> bool {
    root.bids().iter().any(|bid| {
        !bid.is_withdrawn()
            && Some(bid.id()) != except
            && state
                .parties()
                .bid_owner(bid.id())
                .is_some_and(|owner| owner.broker == broker)
            && bid
                .parties()
                .iter()
                .any(|other| other.identifier.same_as(party))
    })
}
