//! The auction stage: it starts at `auctionPeriod.startDate`; its results
//! become the awards, its failure ends the procedure.

use super::Outcome;
use crate::Context;
use crate::auction::Unsuccessful;
use crate::handoff::AuctionOutcome;
use crate::procedures::common::{lookup, new_id, refusals};
use crate::procedures::dutch_sale::event::Placed;
use crate::procedures::dutch_sale::schedule::round1_end;
use crate::procedures::dutch_sale::{
    Actor, Award, AwardStatus, Bid, BidStatus, Event, ProcedureStatus, Role, State,
};
use crate::procurement::one_bid_per_party::later_bids_of_the_same_party;
use crate::procurement::{Money, Period, Refusal};

/// At `auctionPeriod.startDate` the auction runs. A start the CDB comes to
/// only after the familiarisation pause (it was down) is moved to now, with
/// the end of round 1, rather than an auction whose steps have passed
/// unseen; the moved dates are in the event.
pub(super) fn check_due(state: &State, context: &Context<'_>) -> Result<Vec<Event>, Refusal> {
    let Some(procedure) = state.procedure.as_ref() else {
        return Ok(Vec::new());
    };
    let now = context.now;
    let Some(planned) = procedure.auction_start() else {
        return Ok(Vec::new());
    };
    if procedure.status != ProcedureStatus::ActiveTendering || now < planned {
        return Ok(Vec::new());
    }
    let timing = state
        .config
        .timing(procedure.auction_parameters.dutch_step_quantity);
    // The engine takes no auction whose round 1 starts at or before now.
    let start = if now >= planned + timing.familiarisation_pause {
        now
    } else {
        planned
    };
    Ok(vec![Event::AuctionStarted {
        start,
        bids_close: round1_end(start, &timing),
        at: now,
    }])
}

/// Only the auction may report on itself, and only while it runs.
fn check_reporter(state: &State, actor: &Actor) -> Result<(), Refusal> {
    let procedure = lookup::root(state)?;
    if actor.role != Role::AuctionService {
        return Err(Refusal::forbidden());
    }
    if procedure.status != ProcedureStatus::ActiveAuction {
        return Err(refusals::status_refusal(
            procedure,
            "record the auction's results",
        ));
    }
    Ok(())
}

/// The results, best first: the later bids of a participant that bid more
/// than once leave them; the first in what remains gets the `pending`
/// award, the second a `pending_waiting` one (Q18), and with nobody left
/// the procedure is `unsuccessful`; every bid that took part is disclosed.
pub(super) fn record_results(
    state: &State,
    actor: &Actor,
    outcome: &AuctionOutcome,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    check_reporter(state, actor)?;
    let procedure = lookup::root(state)?;
    let now = context.now;
    let took_part: Vec<&Bid> = procedure
        .bids
        .iter()
        .filter(|bid| bid.status == BidStatus::Active)
        .collect();
    let left_out = later_bids_of_the_same_party(
        took_part
            .iter()
            .map(|bid| (bid.id.as_str(), bid.bidders.as_slice())),
    );
    let ranked: Vec<_> = outcome
        .bids
        .iter()
        .filter(|ranked| took_part.iter().any(|bid| bid.id == ranked.id))
        .collect();
    if ranked.is_empty() {
        return Err(Refusal::invalid("bids", "The results name no bid"));
    }
    // Only later bids of participants ranked: the results stand, with
    // nobody in them to award.
    let results: Vec<Placed> = ranked
        .into_iter()
        .filter(|ranked| !left_out.contains(&ranked.id))
        .map(|ranked| Placed {
            bid_id: ranked.id.clone(),
            amount: ranked.value.amount,
        })
        .collect();
    let mut next = Outcome::new(state);
    next.push(Event::AuctionResultsRecorded {
        results: results.clone(),
        left_out: left_out.clone(),
        at: now,
    });
    let procedure = next.procedure()?;
    let disclosed: Vec<Bid> = procedure
        .bids
        .iter()
        .filter(|bid| bid.status == BidStatus::Active && !left_out.contains(&bid.id))
        .cloned()
        .collect();
    let awards: Vec<Award> = results
        .iter()
        .take(2)
        .zip([AwardStatus::Pending, AwardStatus::PendingWaiting])
        .filter_map(|(placed, status)| {
            let bid = procedure.bids.iter().find(|bid| bid.id == placed.bid_id)?;
            let periods = (status == AwardStatus::Pending).then_some(Period {
                start_date: Some(now),
                end_date: None,
            });
            Some(Award {
                id: new_id(context),
                bid_id: bid.id.clone(),
                status,
                value: Money {
                    amount: placed.amount,
                    ..procedure.value.clone()
                },
                buyers: bid.bidders.clone(),
                items: procedure.items.clone(),
                termination_reason: None,
                verification_period: periods.clone(),
                signing_period: periods,
                admission_period: None,
                documents: Vec::new(),
                date_published: now,
                date_modified: now,
            })
        })
        .collect();
    next.push(Event::BidsDisclosed {
        bids: disclosed,
        at: now,
    });
    for award in awards {
        next.push(Event::AwardCreated {
            award: Box::new(award),
        });
    }
    if results.is_empty() {
        next.push(Event::ProcedureStatusChanged {
            status: ProcedureStatus::Unsuccessful,
            at: now,
        });
    }
    Ok(next.events)
}

/// No participant, or nobody stopped round 1: the procedure is
/// `unsuccessful` and its bids stay sealed (Q13).
pub(super) fn record_failure(
    state: &State,
    actor: &Actor,
    reason: Unsuccessful,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    check_reporter(state, actor)?;
    Ok(vec![Event::AuctionFailed {
        reason,
        at: context.now,
    }])
}
