//! The turn-based auction: the Prozorro procurement auction module's
//! 3-round auction (spec `auction-module.md`; the platform rules RA-7…RA-15
//! of `platform-overview.md` §3 take precedence), with the direction as a
//! parameter so the multi-award sale runs it ascending per unit.
//!
//! The rules, one file each:
//! - [`schedule`]: an opening pause (5 min), then per round one turn of
//!   2 min per bidder, a 2 min pause before rounds 2 and 3; all stage
//!   lengths are [`Timing`] parameters;
//! - [`ranking`]: turn order worst first (the leader moves last; of equal
//!   amounts the later bid first), recomputed at each round's pause; the
//!   final ranking is the same order best first;
//! - [`decide`]: in its own turn a bidder may bid, change its bid and
//!   withdraw it until the turn ends; a bid must improve the bidder's own
//!   amount at the turn's start by at least `minimalStep` (descending:
//!   `0 < amount ≤ current − step`, "Too low value" / "Too high value";
//!   ascending: `amount ≥ current + step`, "Too low value"); a bidder that
//!   does nothing keeps its amount;
//! - [`due`]: the timer closes each turn (the amount becomes public), sets
//!   each round's order and, after the last round, the ranking;
//! - [`view`]: what everyone and each bidder may see.
//!
//! Decisions on the spec's open questions (`auction-module.md` §12):
//! - Q1: ties go to the earlier date (the bid's own, or the time of its
//!   last accepted change), compared as instants; on an equal instant the
//!   bid earlier in the procedure's order wins.
//! - Q2: a bid never ends a turn early; a turn lasts its full length.
//! - Q3: server time decides: a bid counts iff `now < turn end` (V-8); no
//!   grace period. A late bid gets the reference's answer for the stage it
//!   lands in: "Stage not for bidding" in a pause, "Not valid bidder" in
//!   the next bidder's turn (the stage is checked before the turn owner).
//! - Q4: a late timer catches up instead of abandoning: stage boundaries
//!   come from the schedule and bids from the clock, so a late tick
//!   publishes the same amounts in the same order. A procedure that wants a
//!   run repeated cancels it and schedules a new one.
//! - Q5: `Cancel` stops the auction at once; no result.
//! - Q6: before the start the public view has the start and the opening
//!   pause only.
//! - Q7: the public sees labels ("Bidder 1"…, RA-13), never bid ids.
//! - Q8: fewer than two participants is refused ("Not enough
//!   participants"); the procedure awards directly.
//! - Q9: amounts with more than `amount_decimals` (2) fractional digits are
//!   refused ("Invalid amount").
//! - Q10: the reference page's confirmations stay client-side.
//! - Q11: the result is ranked best first with an explicit rank.
//! - Q12/Q14: names are the procedure's business; the engine knows labels.
//! - Q13: terms acceptance is recorded by the participation layer, not here.
//! - Q15: the weighted types are not implemented.
//!
//! Other decisions: labels follow the first round's turn order (the worst
//! initial bid is "Bidder 1", spec V-1); the ranking is final when the last
//! turn ends (RA-14: 9 + 6n minutes), without the reference's two-minute
//! pre-announcement; ascending, the amounts are prices per unit and
//! quantities never enter the engine, so the multi-award sale's ranking and
//! allocation apply to the result unchanged (higher price first, the
//! earlier placement on a tie); scheduling is refused once the first turn
//! would have begun.

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

pub use event::{Event, PublishedBid, ScheduledBidder};
pub use parameters::{Parameters, Participant, Timing};
pub use state::State;
pub use view::View;

use chrono::{DateTime, Utc};

use super::{AuctionEngine, AuctionResult, Command, ParticipantView, Stage};
use crate::procurement::Refusal;
use crate::{Context, Decider, Scheduled};

/// The stored kind of a turn-based auction.
pub const KIND: &str = "turnBased";

/// The turn-based auction engine.
pub struct TurnBased;

impl Decider for TurnBased {
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

impl Scheduled for TurnBased {
    fn next_check(state: &State) -> Option<DateTime<Utc>> {
        due::next_check(state)
    }

    fn due_command() -> Command<Parameters> {
        Command::Tick
    }
}

impl AuctionEngine for TurnBased {
    type Parameters = Parameters;
    type PublicView = View;

    fn schedule(parameters: &Parameters) -> Result<Vec<Stage>, Refusal> {
        parameters.check()?;
        Ok(schedule::stages(
            parameters.start,
            &parameters.timing,
            parameters.participants.len(),
        ))
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
            state::Phase::Finished { ranking } => Some(AuctionResult::Completed {
                ranking: ranking.clone(),
                finished_at: auction.end(),
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
