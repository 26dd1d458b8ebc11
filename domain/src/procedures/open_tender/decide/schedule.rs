//! The automatic transitions and when they are due (spec §5): the start
//! and end of the tender period, and the unsuccessful end after the last
//! award's complaint period.

use chrono::{DateTime, Utc};

use super::qualification::next_award;
use crate::Context;
use crate::procedures::open_tender::event::TenderingOutcome;
use crate::procedures::open_tender::{
    AwardStatus, Bid, BidStatus, Event, LotValueStatus, State, Tender, TenderStatus,
};
use crate::procurement::Refusal;

pub(super) fn check_due(state: &State, context: &Context<'_>) -> Result<Vec<Event>, Refusal> {
    let Some(tender) = state.tender.as_ref() else {
        return Ok(Vec::new());
    };
    let now = context.now;
    if next_check(state).is_none_or(|due| now < due) {
        return Ok(Vec::new());
    }
    Ok(match tender.status {
        TenderStatus::ActiveEnquiries => vec![Event::TenderingStarted { at: now }],
        TenderStatus::ActiveTendering => end_tendering(state, tender, context),
        TenderStatus::ActiveAwarded => vec![Event::TenderUnsuccessful { at: now }],
        _ => Vec::new(),
    })
}

/// Spec §5.2, for the one lot.
fn end_tendering(state: &State, tender: &Tender, context: &Context<'_>) -> Vec<Event> {
    let now = context.now;
    let excluded = crate::procurement::one_bid_per_party::later_bids_of_the_same_party(
        tender
            .bids
            .iter()
            .filter(|bid| bid.counts())
            .map(|bid| (bid.id.as_str(), bid.tenderers.as_slice())),
    );
    let mut ended = tender.clone();
    ended
        .bids
        .retain(|bid| bid.counts() && !excluded.contains(&bid.id));
    for bid in &mut ended.bids {
        bid.status = BidStatus::Active;
        for value in &mut bid.lot_values {
            value.status = LotValueStatus::Active;
            value.initial_value.get_or_insert(value.value.clone());
        }
    }
    let counted = tender.lot().map_or(0, |lot| {
        ended
            .bids
            .iter()
            .filter(|bid| bid.lot_value(&lot.id).is_some())
            .count()
    });
    let min = state.config.min_bids_number.max(1) as usize;
    let outcome = if counted < min {
        TenderingOutcome::Unsuccessful
    } else if counted >= 2 && state.config.has_auction {
        TenderingOutcome::Auction
    } else {
        match next_award(&ended, context) {
            Some(award) => TenderingOutcome::Qualification {
                award: Box::new(award),
            },
            None => TenderingOutcome::Unsuccessful,
        }
    };
    let disclose = matches!(outcome, TenderingOutcome::Qualification { .. });
    let mut events = vec![Event::TenderingEnded {
        excluded,
        outcome,
        at: now,
    }];
    // Opened when qualification starts without an auction; with an
    // auction, once it reports; never in a tender that ends here.
    if disclose {
        events.push(Event::BidsDisclosed {
            bids: ended.bids,
            at: now,
        });
    }
    events
}

/// When the next automatic transition is due, if any (spec §5.3). The
/// auction's replanning (§9.4) is deferred: an auction that never reports
/// leaves the tender in `active.auction` with nothing scheduled.
pub fn next_check(state: &State) -> Option<DateTime<Utc>> {
    let tender = state.tender.as_ref()?;
    match tender.status {
        TenderStatus::ActiveEnquiries => tender
            .tender_period
            .start_date
            .or(tender.enquiry_period.end_date),
        TenderStatus::ActiveTendering => tender.tender_period.end_date,
        TenderStatus::ActiveAwarded => {
            let standing = tender
                .awards
                .iter()
                .any(|a| matches!(a.status, AwardStatus::Pending | AwardStatus::Active));
            if standing {
                return None;
            }
            tender
                .awards
                .iter()
                .filter(|a| a.status == AwardStatus::Unsuccessful)
                .filter_map(|a| a.complaint_period.as_ref()?.end_date)
                .max()
        }
        _ => None,
    }
}

/// The bids as everyone may see them once opened: without the bidders'
/// own auction URLs.
pub(super) fn opened(tender: &Tender) -> Vec<Bid> {
    tender
        .bids
        .iter()
        .filter(|bid| bid.status == BidStatus::Active)
        .map(|bid| {
            let mut bid = bid.clone();
            for value in &mut bid.lot_values {
                value.participation_url = None;
            }
            bid
        })
        .collect()
}
