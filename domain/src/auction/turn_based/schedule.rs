//! The stages of a turn-based auction (spec `auction-module.md` §2.3): for
//! each round a pause, then one turn per bidder. With the reference timings
//! and n bidders the last turn ends 5 + 3 × 2n + 2 × 2 = 9 + 6n minutes
//! after the start (`platform-overview.md` §3), and the ranking is final
//! then: the reference's two-minute pre-announcement only waited for the
//! names, and RA-14 ranks "after the third round".

use chrono::{DateTime, Utc};

use super::Timing;
use crate::auction::Stage;

/// A pause before a round; `round` is the round it leads into.
pub const PAUSE: &str = "pause";
/// One bidder's turn; `number` is the turn in its round, 1-based.
pub const TURN: &str = "turn";

/// Every stage, in order: pause, n turns, pause, n turns, …
pub fn stages(start: DateTime<Utc>, timing: &Timing, bidders: usize) -> Vec<Stage> {
    let mut stages = Vec::with_capacity(timing.rounds as usize * (bidders + 1));
    let mut at = start;
    for round in 1..=timing.rounds {
        let pause = if round == 1 {
            timing.opening_pause
        } else {
            timing.round_pause
        };
        stages.push(Stage::new(PAUSE, at, at + pause).in_round(round, None));
        at += pause;
        for turn in 1..=bidders as u32 {
            stages.push(Stage::new(TURN, at, at + timing.turn).in_round(round, Some(turn)));
            at += timing.turn;
        }
    }
    stages
}

/// The index of round `round`'s pause (both 1-based) among the stages.
pub fn pause_index(round: u32, bidders: usize) -> usize {
    (round as usize - 1) * (bidders + 1)
}

/// The index of turn `turn` of round `round` (both 1-based).
pub fn turn_index(round: u32, turn: u32, bidders: usize) -> usize {
    pause_index(round, bidders) + turn as usize
}
