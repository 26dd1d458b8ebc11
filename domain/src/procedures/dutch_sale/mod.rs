//! The Dutch-auction sale (`sellingMethod` `basicSell-dutch`, auctionId
//! prefix BSD): one lot, sold to one winner at the price a Dutch auction
//! finds, for assets whose market price is unknown (typically after English
//! auctions found no buyer). Specs: `shared/spec/dutch-auction.md` (the
//! auction) and `shared/spec/multi-award-sale.md` (the life cycle, fields,
//! awards and contracts every Prozorro.sale procedure shares, in
//! [`crate::procedures::sale`]).
//!
//! The life of a procedure, one file per concern:
//! - [`procedure`]: the document the Organizer publishes (the rules its
//!   fields obey in `fields.rs`), straight into `active_tendering`; the CDB
//!   sets `auctionPeriod.startDate` ([`schedule::auction_start`]) and
//!   `tenderPeriod` runs from publication to the end of the auction's
//!   round 1 (AD-3);
//! - [`bid`]: applications carry no price (the auction finds it): exactly
//!   one bidder, documents; drafts, submitted (`active`), withdrawn;
//! - [`decide`]: at `auctionPeriod.startDate` the procedure goes to
//!   `active_auction` and the Dutch engine runs the auction
//!   ([`auction_handoff`]); its ranking becomes the awards, its failure
//!   makes the procedure `unsuccessful`; the Organizer qualifies the winner
//!   (`auctionProtocol` → award `active`, contract `pending`) or
//!   disqualifies it, the winner may refuse, either passing the award to
//!   the next in the results; the signed contract completes the sale;
//!   cancellation with `cancellationDetails` in any non-terminal status;
//! - [`command`], [`event`], [`state`], [`config`] (period and auction
//!   lengths per `sellingMethod`), [`wire`] (which intent each request
//!   asks for), [`disclosure`] (who sees what, and when).
//!
//! Decisions on the Dutch spec's open questions (`dutch-auction.md` §13):
//! - Q2, where N comes from: the Organizer's
//!   `auctionParameters.dutchStepQuantity`, 1..=99, default 99; the other
//!   lengths (30 s pause, 6 h 45 min round 1, 10 min, 5 min) are the
//!   procedure's [`Config`], chosen per `sellingMethod` by the operator and
//!   recorded at publication.
//! - Q3, the start: the Kyiv working day that is
//!   `config.tenderingWorkingDays` (default 5) working days after the
//!   publication day on the decision's calendar, at 09:30 plus
//!   `NNNNN mod 30` minutes, `NNNNN` being the auctionId's number; so the
//!   window is `[09:30, 10:00)`, auctions published the same day spread
//!   over it, and the minute is a function of what the creation event
//!   records (the date itself is recorded too).
//! - Q7/Q8, participants counted when: the active bids at
//!   `auctionPeriod.startDate` take part; a bid submitted or activated
//!   during round 1 joins the running auction in the same append (AD-3),
//!   and after round 1 (`tenderPeriod.endDate`) bids are refused. No
//!   participant at the start: the auction does not take place
//!   ("Учасники відсутні. Аукціон не відбувся") and the procedure is
//!   `unsuccessful`; a single participant is counted when round 1 ends
//!   (AD-7: round 1 only).
//! - Q13, what follows `auction_unsuccessful` (nobody stopped round 1):
//!   the procedure is `unsuccessful`, its bids stay sealed for ever (no
//!   results were announced).
//! - Q18, awards from the results: the first in the results gets a
//!   `pending` award (with started `verificationPeriod` and
//!   `signingPeriod`, as in every sale), the second a `pending_waiting`
//!   one, nobody else (the source's two examples); a disqualified or
//!   refusing winner passes the award to the waiting one, and with nobody
//!   waiting the procedure is `unsuccessful`. The status names are the
//!   sale's (`pending`, not the examples' `pending_active`).
//!
//! Other decisions:
//! - One bid per participant (its bidder's register and code): a broker
//!   is refused a second bid it placed itself for the same participant; a
//!   participant bidding through two brokers takes part with each (nothing
//!   during the auction tells anyone it bid twice) and is resolved when
//!   the results are recorded: its first bid keeps its place, the later
//!   ones leave the results (and if only later bids were ranked, nobody
//!   is left to award: the procedure is `unsuccessful`).
//! - An auction the CDB comes to only after its familiarisation pause (the
//!   server was down at `auctionPeriod.startDate`) starts when it comes,
//!   with `auctionPeriod.startDate` and `tenderPeriod.endDate` moved with
//!   it in `AuctionStarted`: no step passes unseen, and the sale never
//!   stays stuck in tendering.
//! - Bids are edited and withdrawn only while `active_tendering`; during
//!   round 1 they may only be placed or activated.
//! - The Organizer may edit the texts, `lotId`, `sellingEntity` and
//!   `bankAccounts` while `active_tendering`; the terms bids are placed on
//!   (`value`, `minimalStep`, `guarantee`, `items`, `auctionParameters`)
//!   and the periods are fixed at publication.
//! - The winner refuses by `PATCH`ing its own award to `cancelled` with its
//!   bid's token, while the award is `pending`.
//! - Signing the contract completes the procedure: there is one winner,
//!   nothing is left to decide; the award still waiting is cancelled with
//!   it (`multi-award-sale.md` P7(c): a complete sale decides every award).
//! - A participant with a bid that joined the auction but never bid in
//!   it (no stop, no sealed bid) has no place in the results (Q17) and no
//!   award; every bid that took part is disclosed with the results.

pub mod auction_handoff;
pub mod bid;
pub mod command;
pub mod config;
pub mod decide;
pub mod disclosure;
pub mod event;
mod fields;
pub mod procedure;
pub mod schedule;
pub mod state;
pub mod wire;

#[cfg(test)]
mod tests;

pub use bid::{Bid, BidEdit, BidInput, BidStatus};
pub use command::Command;
pub use config::Config;
pub use event::Event;
pub use procedure::{
    AuctionParameters, PROCEDURE_DOCUMENT_TYPES, Procedure, ProcedureEdit, ProcedureInput,
    SELLING_METHODS,
};
pub use state::State;
pub use wire::{AwardEdit, ContractEdit};

pub use crate::procedures::common::BidStage;
pub use crate::procedures::sale::{
    Actor, Award, AwardStatus, Cancellation, CancellationInput, Contract, ContractStatus, Item,
    Organization, ProcedureStatus, Role,
};
use crate::procurement::Refusal;
pub use crate::procurement::Target;
use crate::{Context, Decider, Scheduled};

/// The stored procedure kind: the base `sellingMethod` of the family.
pub const KIND: &str = "basicSell-dutch";

/// The Dutch-auction sale decider.
pub struct DutchSale;

impl Decider for DutchSale {
    type State = State;
    type Command = Command;
    type Event = Event;
    type Error = Refusal;

    const KIND: &'static str = KIND;

    fn decide(
        state: &State,
        command: &Command,
        context: &Context<'_>,
    ) -> Result<Vec<Event>, Refusal> {
        decide::decide(state, command, context)
    }

    fn evolve(state: State, event: &Event) -> State {
        state::evolve(state, event)
    }
}

/// Its auction runs through `auction::Auctioned`, which says so.
impl crate::auction::Live for DutchSale {}

impl Scheduled for DutchSale {
    fn next_check(state: &State) -> Option<chrono::DateTime<chrono::Utc>> {
        decide::next_check(state)
    }

    fn due_command() -> Command {
        Command::CheckDue
    }
}
