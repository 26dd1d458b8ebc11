//! The Dutch 3-stage auction of Prozorro.sale (spec `dutch-auction.md`): a
//! sale, the highest amount wins. After a familiarisation pause the price
//! falls step by step from the starting price (round 1); the first
//! participant to accept the running step's price stops the round and is
//! the Dutch winner. Everyone else may then place sealed bids above the
//! stop amount (round 2); if anyone did, the Dutch winner may outbid the
//! highest of them by at least `minimalStep` (round 3).
//!
//! One file per concern: [`parameters`] (the named timings), [`schedule`]
//! (stages and step prices), [`decide`] (who may bid where), [`due`] (the
//! timer), [`ranking`] (the final order and its tie rule), [`view`].
//!
//! Decisions on the spec's open questions (§13):
//! - Q1: the step length is `dutch_round_duration / dutch_step_count`
//!   (defaults 6 h 45 min and 99); step k ends at `R1s + floor(k × D / N)`
//!   ms; the 3-minute cap of L61 is `max_step_duration`, off by default
//!   because the defaults break it.
//! - Q2: N is a parameter, 1..=99.
//! - Q3: choosing `auctionPeriod.startDate` is the procedure's; the engine
//!   takes the start it is given.
//! - Q4: the 30 s pause comes before the 6 h 45 min; no pauses between
//!   rounds.
//! - Q5: the schedule is fixed: a stop does not shorten round 1, round 2
//!   starts at its planned time.
//! - Q6: step k's price is `start × (1 − 0.01 × (k − 1))` rounded half-up
//!   to 0.01 (the reduction is the `step_reduction` parameter); the price
//!   never falls below the last step's, which must be above zero.
//! - Q7: a bid activated during round 1 joins (`Command::Join`) until
//!   round 1 ends, with the next label; later it is refused.
//! - Q8: no participants at the start → `AuctionUnsuccessful`
//!   (`noParticipants`, "Учасники відсутні. Аукціон не відбувся"); a single
//!   participant is counted when round 1 ends: its stop completes the
//!   auction then, and rounds 2 and 3 are not shown.
//! - Q9: round 2 accepts `amount ≥ stop + 0.01` (L104); the end of the last
//!   round held ends the auction; L78 is read as descriptive.
//! - Q10: a bid may be replaced any number of times within its round;
//!   cancelling removes it (no earlier bid comes back).
//! - Q11: equal amounts rank by the time the bid was accepted, earlier
//!   first, then by label ([`ranking::tie_rule`]).
//! - Q12: the ×10 prompt is the page's: the participant's view gives
//!   `confirmFrom` = ten times the stop (round 2) or the highest sealed bid
//!   (round 3); the engine never refuses a bid for it.
//! - Q13: `auction_unsuccessful` is the auction's outcome
//!   ([`crate::auction::Unsuccessful::NoStop`]); what the procedure does
//!   with it is the procedure's.
//! - Q14: labels are "Bidder 1…N" in the order the participants were
//!   given and joined; nothing tells of a sealed bid before its round ends.
//! - Q15/Q16: the terms disclaimer and its acceptance belong to the
//!   participation layer; the engine gets authorised bid ids only.
//! - Q17: the ranking lists every participant with an amount.
//! - Q18/Q20: awards and the "Деталі" fields are the procedure's.
//! - Q19: the source vectors start from "round 1 stopped by P1 at 1200.00";
//!   the end-to-end run uses a starting price of 1500.00, whose step 21 is
//!   1200.00.
//! - Q21: observers see what any participant sees of others' bids.
//!
//! Other decisions: an accept in round 1 needs no amount; if one is sent
//! it must be the running step's price ("The current price is …"), so a
//! page that shows a step just ended cannot accept a price nobody saw; a
//! stop is final for everyone ("The auction has already been stopped",
//! "The bid cannot be cancelled"); the reference auction module's texts
//! answer the rest ("Stage not for bidding", "Not valid bidder", "Too low
//! value", "Bid amount is required", "Invalid amount").

pub mod decide;
pub mod due;
pub mod event;
pub mod parameters;
pub mod ranking;
pub mod schedule;
pub mod state;
pub mod view;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use event::{Event, Participant, PlacedBid};
pub use parameters::{MAX_STEPS, Parameters, Timing};
pub use state::State;
pub use view::View;

use chrono::{DateTime, Utc};

use super::{AuctionEngine, AuctionResult, Command, ParticipantView, Stage, Unsuccessful};
use crate::procurement::Refusal;
use crate::{Context, Decider, Scheduled};

/// The stored kind of a Dutch auction.
pub const KIND: &str = "dutch";

/// The Dutch auction engine.
pub struct Dutch;

impl Decider for Dutch {
    type State = State;
    type Command = Command<Parameters>;
    type Event = Event;
    type Error = Refusal;

    const KIND: &'static str = KIND;

    fn decide(
        state: &State,
        command: &Command<Parameters>,
        context: &Context<'_>,
    ) -> Result<Vec<Event>, Refusal> {
        decide::decide(state, command, context)
    }

    fn evolve(state: State, event: &Event) -> State {
        state::evolve(state, event)
    }
}

impl Scheduled for Dutch {
    fn next_check(state: &State) -> Option<DateTime<Utc>> {
        due::next_check(state)
    }

    fn due_command() -> Command<Parameters> {
        Command::Tick
    }
}

impl AuctionEngine for Dutch {
    type Parameters = Parameters;
    type PublicView = View;

    // Spec §3: "Погоджуюсь" authorises, "Не погоджуюсь" makes an observer.
    const ASKS_TERMS: bool = true;

    fn schedule(parameters: &Parameters) -> Result<Vec<Stage>, Refusal> {
        parameters.check()?;
        Ok(schedule::stages(parameters))
    }

    fn public_view(state: &State, now: DateTime<Utc>) -> Option<View> {
        view::public_view(state, now)
    }

    fn participant_view(
        state: &State,
        bid_id: &str,
        now: DateTime<Utc>,
    ) -> Option<ParticipantView<View>> {
        view::participant_view(state, bid_id, now)
    }

    fn result(state: &State) -> Option<AuctionResult> {
        let auction = state.auction.as_ref()?;
        match &auction.phase {
            state::Phase::Open => None,
            state::Phase::Completed { ranking } => Some(AuctionResult::Completed {
                ranking: ranking.clone(),
                finished_at: due::planned_end(auction),
            }),
            state::Phase::Unsuccessful { reason } => Some(AuctionResult::Unsuccessful {
                reason: *reason,
                finished_at: match reason {
                    Unsuccessful::NoParticipants => auction.start(),
                    Unsuccessful::NoStop => auction.round1_end(),
                },
            }),
            state::Phase::Cancelled { at } => Some(AuctionResult::Cancelled { at: *at }),
        }
    }

    fn stages(state: &State) -> &[Stage] {
        state
            .auction
            .as_ref()
            .map_or(&[], |auction| auction.stages.as_slice())
    }
}
