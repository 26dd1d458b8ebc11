//! The rules of a turn-based auction (spec `auction-module.md` §4, RA-9…
//! RA-11). Checks run in the reference's order (§4.1): the bidder, the
//! stage, whose turn it is, the amount's presence, its floor, its bound.

use chrono::{DateTime, Utc};

use super::Parameters;
use super::due::catch_up;
use super::event::{Event, ScheduledBidder};
use super::ranking::{Standing, turn_order};
use super::schedule::stages;
use super::state::{Auction, Phase, State};
use crate::Context;
use crate::auction::rules::{
    already_scheduled, amount_required, check_precision, ended, not_scheduled, not_valid_bidder,
    participants_fixed, stage_not_for_bidding, start_passed, too_high, too_low, unknown_bidder,
};
use crate::auction::{Command, Direction, view::label};
use crate::procurement::{Amount, Refusal};

pub fn decide(
    state: &State,
    command: &Command<Parameters>,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let now = context.now;
    if let Command::Schedule {
        auction_id,
        parameters,
    } = command
    {
        return schedule(state, auction_id, parameters, now);
    }
    let (state, mut events) = catch_up(state, now);
    let Some(auction) = state.auction.as_ref() else {
        return match command {
            // Nothing is due in an auction that does not exist.
            Command::Tick => Ok(Vec::new()),
            _ => Err(not_scheduled()),
        };
    };
    let more = match command {
        Command::Schedule { .. } => Err(already_scheduled()),
        Command::Join { .. } => Err(participants_fixed()),
        Command::Bid { bid_id, amount } => bid(auction, bid_id, *amount, now),
        Command::CancelBid { bid_id } => cancel_bid(auction, bid_id, now),
        Command::Cancel => cancel(auction, now),
        Command::Tick => Ok(Vec::new()),
    }?;
    events.extend(more);
    Ok(events)
}

fn schedule(
    state: &State,
    auction_id: &str,
    parameters: &Parameters,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, Refusal> {
    if state.auction.is_some() {
        return Err(already_scheduled());
    }
    parameters.check()?;
    // Scheduling late eats into the opening pause only; once the first turn
    // would have begun, a bidder would lose it, so the procedure must pick
    // a new start.
    if now >= parameters.start + parameters.timing.opening_pause {
        return Err(start_passed());
    }
    let standings: Vec<Standing> = parameters
        .participants
        .iter()
        .enumerate()
        .map(|(position, p)| Standing {
            amount: p.amount.decimal(),
            date: p.date,
            position,
        })
        .collect();
    // Labels follow the first round's turn order (spec §3.2, V-1: the worst
    // initial bid is "Bidder 1"), so they say nothing of the bid order.
    let bidders = turn_order(parameters.direction, &standings)
        .into_iter()
        .enumerate()
        .map(|(index, position)| {
            let participant = &parameters.participants[position];
            ScheduledBidder {
                bid_id: participant.bid_id.clone(),
                label: label(index + 1),
                position,
                amount: participant.amount,
                date: participant.date,
            }
        })
        .collect();
    Ok(vec![Event::AuctionScheduled {
        auction_id: auction_id.to_owned(),
        direction: parameters.direction,
        minimal_step: parameters.minimal_step,
        amount_decimals: parameters.amount_decimals,
        rounds: parameters.timing.rounds,
        bidders,
        stages: stages(
            parameters.start,
            &parameters.timing,
            parameters.participants.len(),
        ),
        at: now,
    }])
}

/// The bidder's own running turn, or why it may not act now.
fn own_turn(auction: &Auction, bid_id: &str, now: DateTime<Utc>) -> Result<usize, Refusal> {
    let bidder = auction
        .bidder(bid_id)
        .ok_or_else(|| unknown_bidder(bid_id))?;
    let (_, _, turn_of, _) = auction.turn_at(now).ok_or_else(stage_not_for_bidding)?;
    if turn_of != bidder {
        return Err(not_valid_bidder());
    }
    Ok(bidder)
}

fn bid(
    auction: &Auction,
    bid_id: &str,
    amount: Option<Amount>,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, Refusal> {
    let bidder = own_turn(auction, bid_id, now)?;
    let amount = amount.ok_or_else(amount_required)?;
    if !amount.is_positive() {
        return Err(too_low());
    }
    check_precision(amount, auction.amount_decimals)?;
    // The bound is the bidder's amount when the turn began, not a bid it
    // stored earlier in the same turn (spec V-3).
    let current = auction.bidders[bidder].amount.decimal();
    let step = auction.minimal_step.decimal();
    if !auction.direction.reaches(amount.decimal(), current, step) {
        return Err(match auction.direction {
            Direction::Descending => too_high(),
            Direction::Ascending => too_low(),
        });
    }
    Ok(vec![Event::TurnBidStored {
        bid_id: bid_id.to_owned(),
        amount,
        at: now,
    }])
}

fn cancel_bid(auction: &Auction, bid_id: &str, now: DateTime<Utc>) -> Result<Vec<Event>, Refusal> {
    let bidder = own_turn(auction, bid_id, now)?;
    // Nothing stored: nothing to withdraw, and the reference answers the
    // same either way.
    let stored = auction.pending.as_ref().is_some_and(|p| p.bidder == bidder);
    Ok(if stored {
        vec![Event::TurnBidCleared {
            bid_id: bid_id.to_owned(),
            at: now,
        }]
    } else {
        Vec::new()
    })
}

fn cancel(auction: &Auction, now: DateTime<Utc>) -> Result<Vec<Event>, Refusal> {
    match auction.phase {
        Phase::Open => Ok(vec![Event::AuctionCancelled { at: now }]),
        Phase::Cancelled { .. } => Ok(Vec::new()),
        Phase::Finished { .. } => Err(ended()),
    }
}
