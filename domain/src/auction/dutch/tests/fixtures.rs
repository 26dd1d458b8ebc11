//! What the Dutch specs are given: the worked schedule's start
//! (2024-03-07 09:30 Kyiv time, §4.3), the scenarios' trading conditions
//! (starting price 1000, step 100, participants P1…P3, §11), the events of
//! such an auction written out, and the commands the specs try.

use chrono::{DateTime, Utc};

use super::super::schedule::stages;
use super::super::*;
use crate::auction::{Command, RankedBid};
use crate::procurement::Amount;
use crate::testing::Spec;
use crate::time::parse_timestamp;

pub const P1: &str = "bid-p1";
pub const P2: &str = "bid-p2";
pub const P3: &str = "bid-p3";
pub const AUCTION: &str = "dutch-1";

/// A Kyiv wall-clock time on the auction's day: `09:30:30` or
/// `09:34:35.454`.
#[track_caller]
pub fn at(time: &str) -> DateTime<Utc> {
    let text = format!("2024-03-07T{time}");
    parse_timestamp(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

pub fn t0() -> DateTime<Utc> {
    at("09:30:00")
}

/// Round 1 ends (and round 2 begins) at 16:15:30.
pub fn round1_end() -> DateTime<Utc> {
    at("16:15:30")
}

/// Round 2 ends (and round 3 begins) at 16:25:30.
pub fn round2_end() -> DateTime<Utc> {
    at("16:25:30")
}

/// Round 3 ends at 16:30:30.
pub fn round3_end() -> DateTime<Utc> {
    at("16:30:30")
}

pub fn scheduled_at() -> DateTime<Utc> {
    at("08:00:00")
}

#[track_caller]
pub fn amount(text: &str) -> Amount {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

pub fn parameters_with(starting_price: &str, participants: &[&str]) -> Parameters {
    Parameters::new(
        t0(),
        amount(starting_price),
        amount("100"),
        participants.iter().map(|p| (*p).to_owned()).collect(),
    )
}

/// The scenarios' conditions: starting price 1000, step 100, P1…P3.
pub fn parameters() -> Parameters {
    parameters_with("1000", &[P1, P2, P3])
}

pub fn participant(bid_id: &str, n: usize) -> Participant {
    Participant {
        bid_id: bid_id.to_owned(),
        label: format!("Bidder {n}"),
    }
}

/// The scheduling event the `parameters` lead to.
pub fn scheduled_from(parameters: &Parameters) -> Event {
    Event::AuctionScheduled {
        auction_id: AUCTION.to_owned(),
        starting_price: parameters.starting_price,
        minimal_step: parameters.minimal_step,
        amount_decimals: 2,
        participants: parameters
            .participants
            .iter()
            .enumerate()
            .map(|(i, p)| participant(p, i + 1))
            .collect(),
        stages: stages(parameters),
        at: scheduled_at(),
    }
}

pub fn scheduled() -> Event {
    scheduled_from(&parameters())
}

pub fn stopped(bid_id: &str, step: u32, value: &str, at: DateTime<Utc>) -> Event {
    Event::DutchStopped {
        bid_id: bid_id.to_owned(),
        step,
        amount: amount(value),
        at,
    }
}

pub fn placed(bid_id: &str, value: &str, at: DateTime<Utc>) -> PlacedBid {
    PlacedBid {
        bid_id: bid_id.to_owned(),
        amount: amount(value),
        at,
    }
}

pub fn sealed(bid_id: &str, value: &str, at: DateTime<Utc>) -> Event {
    Event::SealedBidPlaced {
        bid_id: bid_id.to_owned(),
        amount: amount(value),
        at,
    }
}

pub fn final_bid(bid_id: &str, value: &str, at: DateTime<Utc>) -> Event {
    Event::FinalBidPlaced {
        bid_id: bid_id.to_owned(),
        amount: amount(value),
        at,
    }
}

pub fn ranked(rank: u32, bid_id: &str, label: &str, value: &str, date: DateTime<Utc>) -> RankedBid {
    RankedBid {
        rank,
        bid_id: bid_id.to_owned(),
        label: label.to_owned(),
        amount: amount(value),
        date,
    }
}

/// The moment P1 stopped in the scenarios (a given fact, Q19).
pub fn stop_time() -> DateTime<Utc> {
    at("11:00:00")
}

/// §11's common state: round 1 stopped by P1 at 1200.00.
pub fn stopped_by_p1() -> Spec<Dutch> {
    Spec::given([scheduled(), stopped(P1, 23, "1200", stop_time())])
}

pub fn bid(bid_id: &str, value: &str) -> Command<Parameters> {
    Command::Bid {
        bid_id: bid_id.to_owned(),
        amount: Some(amount(value)),
    }
}

/// Round 1's accept: no amount.
pub fn accept(bid_id: &str) -> Command<Parameters> {
    Command::Bid {
        bid_id: bid_id.to_owned(),
        amount: None,
    }
}

pub fn cancel_bid(bid_id: &str) -> Command<Parameters> {
    Command::CancelBid {
        bid_id: bid_id.to_owned(),
    }
}

#[track_caller]
pub fn step_at(
    spec: &mut Spec<Dutch>,
    now: DateTime<Utc>,
    command: Command<Parameters>,
) -> Vec<Event> {
    spec.set_now(now);
    spec.step(command)
}
