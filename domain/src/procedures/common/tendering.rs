//! The rules on taking bids: only within the tendering window, and one bid
//! per party as far as the submitting broker can be told.

use chrono::{DateTime, Utc};

use super::{BidRecord, Caller, Identified, Records, Root, lookup, ownership, refusals};
use crate::procurement::{Identifier, Period, Refusal};

/// What a bidder asks its bid to be: still being prepared (it takes no
/// part), or submitted. Each procedure names the submitted status its own
/// way (`pending`, `active`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BidStage {
    Draft,
    Submitted,
}

/// The end of the tender period, which must be set and still to come when
/// the procedure is created or its end is moved.
pub fn period_end(period: &Period, now: DateTime<Utc>) -> Result<DateTime<Utc>, Refusal> {
    let Some(end) = period.end_date else {
        return Err(refusals::required("tenderPeriod.endDate"));
    };
    if end <= now {
        return Err(Refusal::invalid(
            "tenderPeriod.endDate",
            "tenderPeriod.endDate should be in the future",
        ));
    }
    Ok(end)
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

/// The procedure and the bid `bid_id`, if `caller` placed the bid and bids
/// may still be changed; `action` names what is refused otherwise.
pub fn owned_open_bid<'s, S: Records>(
    state: &'s S,
    caller: &impl Caller,
    bid_id: &str,
    now: DateTime<Utc>,
    action: &str,
) -> Result<(&'s S::Root, &'s <S::Root as Root>::Bid), Refusal> {
    let bid = ownership::owned_bid(state, caller, bid_id)?;
    let root = lookup::root(state)?;
    check_open(root, now, action)?;
    Ok((root, bid))
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
            && bid.bids_as(party)
    })
}
