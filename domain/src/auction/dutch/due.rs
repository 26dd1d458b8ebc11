//! The timer's work in a Dutch auction: at each planned boundary, what
//! the state says must happen, one event at a time, for every boundary
//! passed by `now` (a late tick catches up to the same outcome). Every
//! command runs this first.

use chrono::{DateTime, Utc};

use super::event::Event;
use super::ranking::ranking;
use super::state::{Auction, Phase, State, evolve};
use crate::auction::Unsuccessful;

enum Due {
    /// E-1: nobody takes part when the start comes.
    NoParticipants,
    /// E-3: round 1 ended without a stop.
    NoStop,
    /// Round 2 ends: reveal the sealed bids.
    CloseSealed,
    /// Round 3 ends: reveal the Dutch winner's bid.
    CloseFinal,
    /// The last round held is over (E-2 single participant at round 1's
    /// end, E-4 no sealed bid at round 2's, or round 3).
    Complete,
}

fn next(auction: &Auction) -> Option<(DateTime<Utc>, Due)> {
    if auction.phase != Phase::Open {
        return None;
    }
    if auction.participants.is_empty() {
        return Some((auction.start(), Due::NoParticipants));
    }
    let round1_end = auction.round1_end();
    if auction.stop.is_none() {
        return Some((round1_end, Due::NoStop));
    }
    // Counted when round 1 ends (Q8), since bids may join during it.
    if auction.participants.len() == 1 {
        return Some((round1_end, Due::Complete));
    }
    let sealed_end = auction.sealed_stage()?.end;
    match &auction.sealed_closed {
        None => return Some((sealed_end, Due::CloseSealed)),
        Some(bids) if bids.is_empty() => return Some((sealed_end, Due::Complete)),
        Some(_) => {}
    }
    let final_end = auction.final_stage()?.end;
    Some(match auction.final_closed {
        None => (final_end, Due::CloseFinal),
        Some(_) => (final_end, Due::Complete),
    })
}

fn event(auction: &Auction, due: Due, now: DateTime<Utc>) -> Event {
    match due {
        Due::NoParticipants => Event::AuctionUnsuccessful {
            reason: Unsuccessful::NoParticipants,
            at: now,
        },
        Due::NoStop => Event::AuctionUnsuccessful {
            reason: Unsuccessful::NoStop,
            at: now,
        },
        Due::CloseSealed => {
            // In the order they came in, so the log reads as the round ran.
            let mut bids = auction.sealed.clone();
            bids.sort_by_key(|b| b.at);
            Event::SealedRoundClosed { bids, at: now }
        }
        Due::CloseFinal => Event::FinalRoundClosed {
            bid: auction.final_bid.clone(),
            at: now,
        },
        Due::Complete => Event::AuctionCompleted {
            ranking: ranking(auction),
            at: now,
        },
    }
}

/// The state at `now` and the events that bring it there.
pub fn catch_up(state: &State, now: DateTime<Utc>) -> (State, Vec<Event>) {
    let mut state = state.clone();
    let mut events = Vec::new();
    while let Some(auction) = state.auction.as_ref() {
        let Some((_, due)) = next(auction).filter(|(at, _)| *at <= now) else {
            break;
        };
        let event = event(auction, due, now);
        state = evolve(state, &event);
        events.push(event);
    }
    (state, events)
}

/// When the timer next has work; `None` once the auction has ended.
pub fn next_check(state: &State) -> Option<DateTime<Utc>> {
    next(state.auction.as_ref()?).map(|(at, _)| at)
}

/// The end of the last round the auction holds or held, as far as is
/// known: round 1 with a single participant, round 2 without sealed bids,
/// else round 3.
pub fn planned_end(auction: &Auction) -> DateTime<Utc> {
    let sealed_end = auction.sealed_stage().map(|s| s.end);
    let final_end = auction.final_stage().map(|s| s.end);
    match (&auction.stop, &auction.sealed_closed) {
        (None, _) => auction.round1_end(),
        _ if auction.participants.len() == 1 => auction.round1_end(),
        (_, Some(bids)) if bids.is_empty() => sealed_end.unwrap_or_default(),
        _ => final_end.unwrap_or_default(),
    }
}
