//! What the turn-based specs are given: the reference module's common
//! inputs (spec §10: value 100 000, minimal step 1 000, bids A 98 000,
//! B 97 500, C 99 000 in the CDB's order; T0 = 2024-05-14 12:00 Kyiv
//! time), the events of such an auction written out, and the commands the
//! specs try.

use chrono::{DateTime, Utc};

use super::super::schedule::stages;
use super::super::*;
use crate::auction::{Command, Direction, RankedBid};
use crate::procurement::Amount;
use crate::testing::Spec;
use crate::time::parse_timestamp;

pub const A: &str = "bid-a";
pub const B: &str = "bid-b";
pub const C: &str = "bid-c";
pub const AUCTION: &str = "auction-1";

/// A Kyiv wall-clock time (`2024-05-14T12:08:10`, fractions allowed).
#[track_caller]
pub fn kyiv(text: &str) -> DateTime<Utc> {
    parse_timestamp(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// A time on the auction's day, `12:08:10` or `12:08:59.900`.
#[track_caller]
pub fn at(time: &str) -> DateTime<Utc> {
    kyiv(&format!("2024-05-14T{time}"))
}

pub fn t0() -> DateTime<Utc> {
    at("12:00:00")
}

/// When the procedure scheduled the auction: the day before.
pub fn scheduled_at() -> DateTime<Utc> {
    kyiv("2024-05-13T10:00:00")
}

#[track_caller]
pub fn amount(text: &str) -> Amount {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

pub fn participant(bid_id: &str, value: &str, date: &str) -> Participant {
    Participant {
        bid_id: bid_id.to_owned(),
        amount: amount(value),
        date: kyiv(date),
    }
}

/// A, B, C in the CDB's order.
pub fn participants() -> Vec<Participant> {
    vec![
        participant(A, "98000", "2024-05-10T10:00:00"),
        participant(B, "97500", "2024-05-10T11:00:00"),
        participant(C, "99000", "2024-05-10T09:00:00"),
    ]
}

pub fn parameters() -> Parameters {
    Parameters::new(t0(), Direction::Descending, amount("1000"), participants())
}

pub fn bidder(
    bid_id: &str,
    label: &str,
    position: usize,
    value: &str,
    date: &str,
) -> ScheduledBidder {
    ScheduledBidder {
        bid_id: bid_id.to_owned(),
        label: label.to_owned(),
        position,
        amount: amount(value),
        date: kyiv(date),
    }
}

/// The scheduling event of `bidders` (in label order) at the reference
/// timings.
pub fn scheduled_with(direction: Direction, step: &str, bidders: Vec<ScheduledBidder>) -> Event {
    Event::AuctionScheduled {
        auction_id: AUCTION.to_owned(),
        direction,
        minimal_step: amount(step),
        amount_decimals: 2,
        rounds: 3,
        stages: stages(t0(), &Timing::default(), bidders.len()),
        bidders,
        at: scheduled_at(),
    }
}

/// The common inputs scheduled: C is Bidder 1, A Bidder 2, B Bidder 3.
pub fn scheduled() -> Event {
    scheduled_with(
        Direction::Descending,
        "1000",
        vec![
            bidder(C, "Bidder 1", 2, "99000", "2024-05-10T09:00:00"),
            bidder(A, "Bidder 2", 0, "98000", "2024-05-10T10:00:00"),
            bidder(B, "Bidder 3", 1, "97500", "2024-05-10T11:00:00"),
        ],
    )
}

pub fn order(round: u32, ids: &[&str], at: DateTime<Utc>) -> Event {
    Event::TurnOrderSet {
        round,
        order: ids.iter().map(|id| (*id).to_owned()).collect(),
        at,
    }
}

pub fn stored(bid_id: &str, value: &str, at: DateTime<Utc>) -> Event {
    Event::TurnBidStored {
        bid_id: bid_id.to_owned(),
        amount: amount(value),
        at,
    }
}

pub fn closed(round: u32, turn: u32, bid_id: &str, at: DateTime<Utc>) -> Event {
    Event::TurnClosed {
        round,
        turn,
        bid_id: bid_id.to_owned(),
        published: None,
        at,
    }
}

pub fn published(
    round: u32,
    turn: u32,
    bid_id: &str,
    value: &str,
    bid_time: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Event {
    Event::TurnClosed {
        round,
        turn,
        bid_id: bid_id.to_owned(),
        published: Some(PublishedBid {
            amount: amount(value),
            bid_time,
        }),
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

/// The auction started: round 1's order C, A, B (V-1).
pub fn started() -> Spec<TurnBased> {
    Spec::given([scheduled(), order(1, &[C, A, B], t0())])
}

pub fn bid(bid_id: &str, value: &str) -> Command<Parameters> {
    Command::Bid {
        bid_id: bid_id.to_owned(),
        amount: Some(amount(value)),
    }
}

pub fn cancel_bid(bid_id: &str) -> Command<Parameters> {
    Command::CancelBid {
        bid_id: bid_id.to_owned(),
    }
}

/// Sends `command` at `now` on a spec kept across steps.
#[track_caller]
pub fn step_at(
    spec: &mut Spec<TurnBased>,
    now: DateTime<Utc>,
    command: Command<Parameters>,
) -> Vec<Event> {
    spec.set_now(now);
    spec.step(command)
}
