//! The auction module's results: prices checked, bids ranked, and the
//! qualification started in that order.

use super::outcome::Outcome;
use super::qualification::start_qualification;
use crate::Context;
use crate::procedures::common::{lookup, refusals};
use crate::procedures::multi_award_sale::allocation::{self, RankInput};
use crate::procedures::multi_award_sale::{
    Actor, AuctionResult, Bid, BidStatus, Event, ProcedureStatus, Role, State,
};
use crate::procurement::Refusal;

pub(super) fn record_auction_results(
    state: &State,
    actor: &Actor,
    results: &[AuctionResult],
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let procedure = lookup::root(state)?;
    if actor.role != Role::AuctionService {
        return Err(Refusal::forbidden());
    }
    if procedure.status != ProcedureStatus::ActiveAuction {
        return Err(refusals::status_refusal(
            procedure,
            "record auction results",
        ));
    }
    let now = context.now;
    let auction_start = procedure
        .auction_period
        .as_ref()
        .and_then(|p| p.start_date)
        .unwrap_or(now);
    let participants: Vec<&Bid> = procedure
        .bids
        .iter()
        .filter(|bid| bid.status == BidStatus::Active)
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    for result in results {
        let Some(bid) = participants.iter().find(|bid| bid.id == result.bid_id) else {
            return Err(Refusal::invalid(
                "bids.id",
                format!("Bid {} did not take part in the auction", result.bid_id),
            ));
        };
        if !seen.insert(result.bid_id.as_str()) {
            return Err(Refusal::invalid(
                "bids.id",
                format!("Bid {} has more than one result", result.bid_id),
            ));
        }
        if result.value < bid.value.amount {
            return Err(Refusal::invalid(
                "bids.value.amount",
                format!(
                    "The auction only raises prices: bid {} can't end below {}",
                    bid.id, bid.value.amount
                ),
            ));
        }
        if result.value != bid.value.amount && (result.date < auction_start || result.date > now) {
            return Err(Refusal::invalid(
                "bids.date",
                format!("Raise of bid {} must lie within the auction", bid.id),
            ));
        }
    }
    if let Some(missing) = participants
        .iter()
        .find(|bid| !seen.contains(bid.id.as_str()))
    {
        return Err(Refusal::invalid(
            "bids",
            format!("No result for bid {}", missing.id),
        ));
    }
    let ranked = allocation::rank(
        results
            .iter()
            .filter_map(|result| {
                let bid = participants.iter().find(|bid| bid.id == result.bid_id)?;
                Some(RankInput {
                    bid_id: bid.id.clone(),
                    price: result.value.decimal(),
                    placed_at: allocation::placement_time(
                        bid.value.amount.decimal(),
                        result.value.decimal(),
                        bid.date_modified,
                        result.date,
                    ),
                    published_at: bid.date_published,
                })
            })
            .collect(),
    );
    let order: Vec<String> = ranked.into_iter().map(|r| r.bid_id).collect();
    let mut outcome = Outcome::new(state);
    outcome.push(Event::AuctionResultsRecorded {
        results: results.to_vec(),
        at: now,
    });
    start_qualification(&mut outcome, &order, now, context)?;
    Ok(outcome.events)
}
