//! The rules of a Dutch auction (spec §5–§9): who may bid in which stage
//! and within which bounds. Every command first lets the timer catch up,
//! so a bid is always decided on the rounds as they stand at `now`.

use chrono::{DateTime, Utc};

use super::Parameters;
use super::due::catch_up;
use super::event::{Event, Participant};
use super::schedule::{FINAL, SEALED, STEP, stages};
use super::state::{Auction, Phase, State};
use crate::Context;
use crate::auction::rules::{
    already_scheduled, amount_required, check_precision, ended, not_scheduled, not_valid_bidder,
    stage_not_for_bidding, start_passed, too_low, unit, unknown_bidder,
};
use crate::auction::{Command, Stage, view::label};
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
            Command::Tick => Ok(Vec::new()),
            _ => Err(not_scheduled()),
        };
    };
    let more = match command {
        Command::Schedule { .. } => Err(already_scheduled()),
        Command::Join { bid_id } => join(auction, bid_id, now),
        Command::Bid { bid_id, amount } => bid(auction, bid_id, *amount, now),
        Command::CancelBid { bid_id } => cancel_bid(auction, bid_id, now),
        Command::Cancel => match auction.phase {
            Phase::Open => Ok(vec![Event::AuctionCancelled { at: now }]),
            Phase::Cancelled { .. } => Ok(Vec::new()),
            _ => Err(ended()),
        },
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
    // Late into the pause is harmless; late into round 1 would take steps
    // from the participants.
    if now >= parameters.start + parameters.timing.familiarisation_pause {
        return Err(start_passed());
    }
    Ok(vec![Event::AuctionScheduled {
        auction_id: auction_id.to_owned(),
        starting_price: parameters.starting_price,
        minimal_step: parameters.minimal_step,
        amount_decimals: parameters.amount_decimals,
        participants: parameters
            .participants
            .iter()
            .enumerate()
            .map(|(index, bid_id)| Participant {
                bid_id: bid_id.clone(),
                label: label(index + 1),
            })
            .collect(),
        stages: stages(parameters),
        at: now,
    }])
}

/// AD-3 / Q7: a bid activated during round 1 joins with the next label.
fn join(auction: &Auction, bid_id: &str, now: DateTime<Utc>) -> Result<Vec<Event>, Refusal> {
    if auction.phase != Phase::Open {
        return Err(ended());
    }
    if now >= auction.round1_end() {
        return Err(Refusal::not_allowed(
            "Participants may join only until the end of round 1",
        ));
    }
    if auction.participant(bid_id).is_some() {
        return Ok(Vec::new());
    }
    Ok(vec![Event::ParticipantJoined {
        participant: Participant {
            bid_id: bid_id.to_owned(),
            label: label(auction.participants.len() + 1),
        },
        at: now,
    }])
}

/// The stage `bid_id` acts in now, once it is known to take part.
fn stage_for<'a>(
    auction: &'a Auction,
    bid_id: &str,
    now: DateTime<Utc>,
) -> Result<&'a Stage, Refusal> {
    auction
        .participant(bid_id)
        .ok_or_else(|| unknown_bidder(bid_id))?;
    auction.stage_at(now).ok_or_else(stage_not_for_bidding)
}

fn bid(
    auction: &Auction,
    bid_id: &str,
    amount: Option<Amount>,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, Refusal> {
    let stage = stage_for(auction, bid_id, now)?;
    let winner = auction.is_winner(bid_id);
    match stage.kind.as_str() {
        STEP => stop(auction, stage, bid_id, amount, now),
        // R2-2: everyone but the Dutch winner.
        SEALED if !winner => {
            let stop = auction
                .stop
                .as_ref()
                .map_or(Amount::default(), |s| s.amount);
            let amount = bounded(
                auction,
                amount,
                stop.decimal() + unit(auction.amount_decimals),
            )?;
            Ok(vec![Event::SealedBidPlaced {
                bid_id: bid_id.to_owned(),
                amount,
                at: now,
            }])
        }
        // R3-2: the Dutch winner only, at least the top sealed bid + step.
        FINAL if winner => {
            let top = auction.highest_sealed().unwrap_or_default();
            let amount = bounded(
                auction,
                amount,
                top.decimal() + auction.minimal_step.decimal(),
            )?;
            Ok(vec![Event::FinalBidPlaced {
                bid_id: bid_id.to_owned(),
                amount,
                at: now,
            }])
        }
        SEALED | FINAL => Err(not_valid_bidder()),
        _ => Err(stage_not_for_bidding()),
    }
}

/// R1-2…R1-6: the first to accept the running step's price stops round 1.
/// An amount, if the page sends one, must be that price: a page showing a
/// step that has just ended would otherwise accept a price nobody saw.
fn stop(
    auction: &Auction,
    stage: &Stage,
    bid_id: &str,
    amount: Option<Amount>,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, Refusal> {
    if auction.stop.is_some() {
        return Err(Refusal::not_allowed("The auction has already been stopped"));
    }
    let price = stage.price.ok_or_else(stage_not_for_bidding)?;
    if amount.is_some_and(|amount| amount != price) {
        return Err(Refusal::invalid(
            "amount",
            format!("The current price is {price}"),
        ));
    }
    Ok(vec![Event::DutchStopped {
        bid_id: bid_id.to_owned(),
        step: stage.number.unwrap_or_default(),
        amount: price,
        at: now,
    }])
}

/// An amount that is present, in kopiykas and at least `min` (P-2, P-3).
fn bounded(
    auction: &Auction,
    amount: Option<Amount>,
    min: rust_decimal::Decimal,
) -> Result<Amount, Refusal> {
    let amount = amount.ok_or_else(amount_required)?;
    if !amount.is_positive() {
        return Err(too_low());
    }
    check_precision(amount, auction.amount_decimals)?;
    if amount.decimal() < min {
        return Err(too_low());
    }
    Ok(amount)
}

fn cancel_bid(auction: &Auction, bid_id: &str, now: DateTime<Utc>) -> Result<Vec<Event>, Refusal> {
    let stage = stage_for(auction, bid_id, now)?;
    let winner = auction.is_winner(bid_id);
    let event =
        match stage.kind.as_str() {
            // R1-5: a stop cannot be taken back.
            STEP => return Err(Refusal::not_allowed("The bid cannot be cancelled")),
            SEALED if !winner => auction.sealed.iter().any(|b| b.bid_id == bid_id).then(|| {
                Event::SealedBidCancelled {
                    bid_id: bid_id.to_owned(),
                    at: now,
                }
            }),
            FINAL if winner => auction
                .final_bid
                .is_some()
                .then(|| Event::FinalBidCancelled {
                    bid_id: bid_id.to_owned(),
                    at: now,
                }),
            SEALED | FINAL => return Err(not_valid_bidder()),
            _ => return Err(stage_not_for_bidding()),
        };
    Ok(event.into_iter().collect())
}
