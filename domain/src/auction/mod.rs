//! Auction engines: one pure decider per kind of auction, each behind the
//! [`AuctionEngine`] trait. An engine is driven by participants' commands
//! (bids, with the bid id their participation link was issued for) and by
//! the timer ([`Command::Tick`] at the context's `now`), lays out its
//! schedule of stages from its parameters, renders what everyone (and each
//! participant) may see at a moment, and ends with a ranking a procedure
//! turns into its [`crate::handoff::AuctionOutcome`].
//!
//! The kinds, one folder each:
//! - [`turn_based`]: the 3-round auction with one turn per bidder per
//!   round (the Prozorro procurement auction, spec `auction-module.md` and
//!   rules RA-7…RA-15 of `platform-overview.md`), descending for
//!   procurement or ascending per unit for the multi-award sale;
//! - [`dutch`]: the 3-stage Dutch auction of Prozorro.sale (spec
//!   `dutch-auction.md`): a descending price clock, sealed bids above the
//!   stop, the stopper's last word.
//!
//! What every kind shares: the commands ([`command`]), a stage of the
//! schedule ([`stage`]), the direction amounts improve in ([`direction`]),
//! the participant's view and status ([`view`]), the result ([`result`])
//! and the refusal texts and amount checks ([`rules`]).
//!
//! Time is decided by the schedule, not by the timer: a bid is accepted
//! iff the context's `now` falls inside a stage open to it, and every
//! command first closes the stages that have ended by `now`, in order, so
//! a late or missing tick changes when events are appended, never what
//! they say. A new kind is one more folder implementing [`AuctionEngine`]
//! with its parameters (`docs/auctions.md`). A procedure runs one through
//! [`Auctioned`], which joins the procedure's decider and the engine's in
//! one log and carries the result back ([`RunsAuction`]).

pub mod auctioned;
pub mod command;
pub mod direction;
pub mod dutch;
pub mod result;
pub mod rules;
pub mod stage;
pub mod turn_based;
pub mod view;

#[cfg(test)]
mod tests;

use std::fmt::Debug;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use auctioned::{Auctioned, Live, Participation, RunsAuction, Setup};
pub use command::Command;
pub use direction::Direction;
pub use dutch::Dutch;
pub use result::{AuctionResult, RankedBid, Unsuccessful};
pub use stage::Stage;
pub use turn_based::TurnBased;
pub use view::{Action, Allowed, ParticipantView, Status};

use crate::procurement::Refusal;
use crate::{DomainEvent, Scheduled};

/// An engine's event, which a procedure running the auction must tell
/// from its own in the log.
pub trait AuctionEvent: DomainEvent {
    /// The stored names of all the engine's events.
    const EVENT_TYPES: &'static [&'static str];
}

/// One kind of auction. Deciding and folding come from [`crate::Decider`]
/// (so the spec harness and the command pipeline drive an engine like any
/// procedure), the timer from [`Scheduled`] (`due_command` is
/// [`Command::Tick`]); this trait adds what is particular to auctions.
pub trait AuctionEngine:
    Scheduled<
        Command = Command<<Self as AuctionEngine>::Parameters>,
        Error = Refusal,
        Event: AuctionEvent,
    >
{
    /// What a procedure gives to set an auction of this kind up.
    type Parameters: Clone + Debug;
    /// What everyone may see; never an amount the rules keep hidden.
    type PublicView: Serialize + Clone + Debug + PartialEq;

    /// The stages the parameters lay out, with exact starts and ends;
    /// refused when the engine cannot run with the parameters.
    fn schedule(parameters: &Self::Parameters) -> Result<Vec<Stage>, Refusal>;

    /// What everyone may see at `now`; `None` before the auction is
    /// scheduled.
    fn public_view(state: &Self::State, now: DateTime<Utc>) -> Option<Self::PublicView>;

    /// What the participant `bid_id` sees at `now`; `None` when it takes
    /// no part.
    fn participant_view(
        state: &Self::State,
        bid_id: &str,
        now: DateTime<Utc>,
    ) -> Option<ParticipantView<Self::PublicView>>;

    /// How the auction ended; `None` while it has not.
    fn result(state: &Self::State) -> Option<AuctionResult>;

    /// The stages laid out when the auction was scheduled; empty before.
    fn stages(state: &Self::State) -> &[Stage];

    /// Whether a participant must accept the auction's terms (the
    /// disclaimer) before it may bid; one who declines only observes.
    const ASKS_TERMS: bool = false;
}
