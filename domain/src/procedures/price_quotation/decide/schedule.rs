//! The automatic transition and when it is due: the tender period's end.
//!
//! At the end the bidders are checked in the tender's agreement again (the
//! reference tutorial, "Закінчення періоду подання пропозицій"): a bid whose
//! tenderer is no longer a qualified supplier there becomes `invalid` and
//! takes no part. The agreement comes in with the command, as the
//! e-catalogue gives it at that moment; a due end without it is refused, so
//! the tender stays in `active.tendering` until the facts can be had.

use chrono::{DateTime, Utc};

use super::qualification::next_award;
use crate::Context;
use crate::procedures::price_quotation::catalogue::Agreement;
use crate::procedures::price_quotation::{Bid, BidStatus, Event, State, TenderStatus};
use crate::procurement::Refusal;

pub(super) fn check_due(
    state: &State,
    agreement: Option<&Agreement>,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let Some(tender) = state.tender.as_ref() else {
        return Ok(Vec::new());
    };
    let due = next_check(state).is_some_and(|due| context.now >= due);
    if !due || tender.status != TenderStatus::ActiveTendering {
        return Ok(Vec::new());
    }
    let Some(agreement) = agreement else {
        return Err(Refusal::conflict(
            "agreement",
            "The agreement is needed to end the tender period",
        ));
    };
    if agreement.id != tender.agreement.id {
        return Err(Refusal::conflict(
            "agreement",
            format!(
                "Agreement {} is not the tender's agreement {}",
                agreement.id, tender.agreement.id
            ),
        ));
    }
    let invalid: Vec<String> = tender
        .bids
        .iter()
        .filter(|bid| bid.counts())
        .filter(|bid| {
            !bid.tenderers
                .iter()
                .all(|tenderer| agreement.has_active_supplier(&tenderer.identifier))
        })
        .map(|bid| bid.id.clone())
        .collect();
    let excluded = crate::procurement::one_bid_per_party::later_bids_of_the_same_party(
        tender
            .bids
            .iter()
            .filter(|bid| bid.counts() && !invalid.contains(&bid.id))
            .map(|bid| (bid.id.as_str(), bid.tenderers.as_slice())),
    );
    let mut ended = tender.clone();
    ended
        .bids
        .retain(|bid| !excluded.contains(&bid.id) && !invalid.contains(&bid.id));
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
        invalid,
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

/// The agreement (by id) the next automatic transition needs from the
/// e-catalogue: the tender's, while the tender period is to end.
pub fn agreement_to_check(state: &State) -> Option<&str> {
    let tender = state.tender.as_ref()?;
    (next_check(state).is_some() && tender.status == TenderStatus::ActiveTendering)
        .then_some(tender.agreement.id.as_str())
}
