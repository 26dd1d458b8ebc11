//! The timer's work: what the schedule says has to happen next, and the
//! catch-up that makes it happen for every boundary passed by `now`. Every
//! command runs the catch-up first, so a bid in turn k + 1 is decided after
//! turn k's amount is public and a late tick publishes the same amounts,
//! in the same order, as a punctual one (only the events' `at` differ).

use chrono::{DateTime, Utc};

use super::event::{Event, PublishedBid};
use super::ranking::{ranking, turn_order};
use super::schedule::pause_index;
use super::state::{Auction, Phase, State, evolve};
use crate::auction::result::numbered;

/// The next boundary's work.
enum Due {
    /// Round `r`'s pause begins: set its turn order.
    Order(u32),
    /// Turn `t` of round `r` ends: publish it.
    Close(u32, u32),
    /// The last turn has ended: rank.
    Finish,
}

fn next(auction: &Auction) -> Option<(DateTime<Utc>, Due)> {
    if auction.phase != Phase::Open {
        return None;
    }
    let n = auction.bidders.len();
    let ordered = auction.orders.len() as u32;
    let closed = auction.turns.len();
    if closed < ordered as usize * n {
        let turn = (closed - (ordered as usize - 1) * n + 1) as u32;
        let end = auction.turn_stage(ordered, turn)?.end;
        Some((end, Due::Close(ordered, turn)))
    } else if ordered < auction.rounds {
        let start = auction.stages.get(pause_index(ordered + 1, n))?.start;
        Some((start, Due::Order(ordered + 1)))
    } else {
        Some((auction.end(), Due::Finish))
    }
}

fn event(auction: &Auction, due: Due, now: DateTime<Utc>) -> Option<Event> {
    Some(match due {
        Due::Order(round) => Event::TurnOrderSet {
            round,
            order: turn_order(auction.direction, &auction.standings())
                .into_iter()
                .map(|i| auction.bidders[i].bid_id.clone())
                .collect(),
            at: now,
        },
        Due::Close(round, turn) => {
            let bidder = *auction
                .orders
                .get(round as usize - 1)?
                .get(turn as usize - 1)?;
            let published = auction
                .pending
                .as_ref()
                .filter(|pending| pending.bidder == bidder)
                .map(|pending| PublishedBid {
                    amount: pending.amount,
                    bid_time: pending.at,
                });
            Event::TurnClosed {
                round,
                turn,
                bid_id: auction.bidders[bidder].bid_id.clone(),
                published,
                at: now,
            }
        }
        Due::Finish => Event::AuctionFinished {
            ranking: numbered(
                ranking(auction.direction, &auction.standings())
                    .into_iter()
                    .map(|i| &auction.bidders[i])
                    .map(|b| (b.bid_id.clone(), b.label.clone(), b.amount, b.date)),
            ),
            at: now,
        },
    })
}

/// The state at `now` and the events that bring it there: every boundary
/// the schedule has passed, in order. None when nothing is due.
pub fn catch_up(state: &State, now: DateTime<Utc>) -> (State, Vec<Event>) {
    let mut state = state.clone();
    let mut events = Vec::new();
    while let Some(auction) = state.auction.as_ref() {
        let Some((_, due)) = next(auction).filter(|(at, _)| *at <= now) else {
            break;
        };
        let Some(event) = event(auction, due, now) else {
            break;
        };
        state = evolve(state, &event);
        events.push(event);
    }
    (state, events)
}

/// When the timer next has work; `None` once the auction has ended.
pub fn next_check(state: &State) -> Option<DateTime<Utc>> {
    next(state.auction.as_ref()?).map(|(at, _)| at)
}
