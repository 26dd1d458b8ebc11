//! The automatic transition and when it is due: the tender period's end.

use chrono::{DateTime, Utc};

use super::qualification::next_award;
use crate::Context;
use crate::procedures::price_quotation::{Bid, BidStatus, Event, State, TenderStatus};
use crate::procurement::Refusal;

pub(super) fn check_due(state: &State, context: &Context<'_>) -> Result<Vec<Event>, Refusal> {
    let Some(tender) = state.tender.as_ref() else {
        return Ok(Vec::new());
    };
    let due = next_check(state).is_some_and(|due| context.now >= due);
    if !due || tender.status != TenderStatus::ActiveTendering {
        return Ok(Vec::new());
    }
    let excluded = crate::procurement::one_bid_per_party::later_bids_of_the_same_party(
        tender
            .bids
            .iter()
            .filter(|bid| bid.counts())
            .map(|bid| (bid.id.as_str(), bid.tenderers.as_slice())),
    );
    let mut ended = tender.clone();
    ended.bids.retain(|bid| !excluded.contains(&bid.id));
    let counted = ended.bids.iter().filter(|bid| bid.counts()).count();
    let award = if counted < state.config.min_bids_number as usize {
        None
    } else {
        next_award(&ended, None, context)
    };
    let opened: Vec<Bid> = ended
        .bids
        .iter()
        .filter(|bid| bid.counts())
        .map(|bid| Bid {
            status: BidStatus::Active,
            initial_value: Some(bid.value.clone()),
            ..bid.clone()
        })
        .collect();
    let awarded = award.is_some();
    let mut events = vec![Event::TenderingEnded {
        award,
        excluded,
        at: context.now,
    }];
    // Opened only when the tender goes on to qualification; one that ends
    // unsuccessful here (too few bids) keeps them sealed, like a sale.
    if awarded && !opened.is_empty() {
        events.push(Event::BidsDisclosed {
            bids: opened,
            at: context.now,
        });
    }
    Ok(events)
}

/// When the next automatic transition is due: the end of the tender period
/// while bids are taken, nothing otherwise.
pub fn next_check(state: &State) -> Option<DateTime<Utc>> {
    let tender = state.tender.as_ref()?;
    match tender.status {
        TenderStatus::ActiveTendering => tender.tender_period.end_date,
        _ => None,
    }
}
