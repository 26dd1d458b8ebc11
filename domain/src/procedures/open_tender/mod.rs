//! belowThreshold ("спрощена закупівля"): the open tender with an enquiry
//! period and a reverse auction, awarded to the lowest price. Spec:
//! `shared/spec/open-tender.md`. The decider, with its auction run by the
//! server through `RunsAuction<TurnBased>` ([`auction_handoff`]); the
//! hand-off commands remain for an outside auction module.
//!
//! The life of a tender, one file per concern:
//! - [`tender`]: the document and its one lot; created `draft`, edited by
//!   its owner in `draft` and `active.enquiries` (periods recomputed with
//!   the working-day rules of [`periods`], the lot's auction planned);
//! - [`decide`]: activation `draft → active.enquiries` (spec §4.3: the
//!   period rules, a `contractProforma` document, the lot's minimal step,
//!   every item in the lot, the notice signature); questions by any broker
//!   during the enquiry period, answers by the owner until
//!   `clarificationsUntil`; `active.tendering` at `tenderPeriod.startDate`
//!   (automatic); bids `draft`/`pending`/`invalid`, one per tenderer, their
//!   lot value ≤ the lot's (`hasValueRestriction`) in its currency; at
//!   `tenderPeriod.endDate` drafts are deleted and then no bid →
//!   `unsuccessful`, one bid (or `hasAuction` false) → straight to
//!   `active.qualification`, two or more → `active.auction`; the
//!   auction's results (the server's, or an outside module's) →
//!   `active.qualification`, an award for the cheapest
//!   bid; an unsuccessful award passes to the next; an active one →
//!   `active.awarded` and a pending contract, `complete` when contracting
//!   activates it; every award unsuccessful → `unsuccessful` once the last
//!   complaint period is over; cancellation by the owner with its signed
//!   report (not in `draft` nor `active.auction`);
//! - [`auction_handoff`]: the lot's descending turn-based auction the
//!   server runs (`Auctioned<OpenTender, TurnBased>`) from the lot's
//!   `auctionPeriod.startDate`, its `minimalStep` and the bids in it, its
//!   ranking recorded as [`Command::RecordAuctionOutcome`]; what an outside
//!   auction module may read;
//! - [`command`], [`event`], [`state`]; [`wire`]: which intent each
//!   request asks for; [`disclosure`]: what readers see;
//! - [`extended`]: the fields the reference's belowThreshold model takes
//!   beyond the shared types (a party's `signerInfo` and
//!   `additionalIdentifiers`, the items' translations), and the tender's
//!   [`Particulars`] (translations, `funders`, `inspector`, `guarantee`,
//!   `mode`): kept and served as sent; the rules on them are the
//!   reference model's, an inspector needs funders and `mode` is `test`.
//!
//! Decisions on the spec's open questions: a tender may be created without
//! lots but not activated (Q1); exactly one lot is supported and a second
//! is refused with [`decide::MORE_LOTS_DEFERRED`] (§13); contract signing
//! is not delayed by the award complaint period, the unsuccessful end is
//! (Q2); bids of a tender cancelled before they were opened are removed
//! from it and listed in `CancellationActivated.purged` (Q3); a question
//! needs status `active.enquiries` as well as the window, and a second
//! answer replaces the first (Q4); a late activation is accepted and
//! flagged `late` in `TenderActivated` (Q5); `noLocalization` is a valid
//! reason (Q9); a bid on a lot that is not `active` is refused (Q10); an
//! auction result above the bid's sealed value is refused (Q11); config
//! values outside the CSV are refused naming the key (Q12); the automatic
//! transitions already due are applied before any other command, in the
//! same write (Q7, `decide::decide`). Dates are
//! computed with the calendar the context carries and recorded in the
//! events (Q8). Config keys left out take the CSV's defaults (the reference
//! requires every key on POST). At activation all the period rules (A1,
//! A3) run before the contract-proforma rule (A2), not around it. The
//! question author's hash, and the auction's random slot, come with the
//! command (the domain holds no tender token and draws nothing).
//!
//! Deferred, and refused with a text saying so: two or more lots
//! ([`decide::MORE_LOTS_DEFERRED`]), lot cancellations
//! ([`decide::LOT_CANCELLATION_DEFERRED`]), questions on a lot or an item
//! ([`decide::LOT_QUESTIONS_DEFERRED`]), tenders without lots at
//! activation (the legacy path), the lot-less `PATCH /auction`
//! ([`wire::auction_urls_without_lot`]), a contract PATCH through the
//! tender ([`wire::CONTRACT_PATCH_DEFERRED`]: contracting reports the
//! signature). Not built, with no command to ask for them: the auction's
//! replanning
//! (§9.4), inline bid documents (batch mode), required criteria (A10),
//! `contractTemplateName`, claims and complaints, funders tenders (§18:
//! their `funders` are kept, the edits in `active.tendering` they allow are
//! not), `features` (refused as a rogue field), the inspector's review
//! requests.

pub mod auction_handoff;
pub mod award;
pub mod bid;
pub mod cancellation;
pub mod command;
pub mod config;
pub mod decide;
pub mod disclosure;
pub mod event;
pub mod extended;
pub mod periods;
pub mod question;
pub mod state;
pub mod tender;
pub mod wire;

#[cfg(test)]
mod tests;

pub use award::{Award, AwardStatus, Contract, ContractStatus};
pub use bid::{Bid, BidEdit, BidInput, BidStatus, LotValue, LotValueInput, LotValueStatus};
pub use cancellation::{Cancellation, CancellationInput, CancellationStatus};
pub use command::{Actor, AuctionBidUrl, AuctionLotUrl, AuctionResult, AuctionSlot, Command};
pub use config::Config;
pub use decide::next_check;
pub use event::{AuctionOutcome, Event, ParticipationUrl, TenderingOutcome};
pub use question::{Question, QuestionInput};
pub use state::State;
pub use tender::{
    AuctionPeriod, EnquiryPeriod, Lot, LotInput, LotStatus, Particulars, Tender, TenderEdit,
    TenderEditFields, TenderFields, TenderInput, TenderStatus, Terms,
};

pub use crate::procedures::common::BidStage;
use crate::procurement::Refusal;
pub use crate::procurement::Target;
use crate::{Context, Decider, Scheduled};

/// The stored procedure kind and the `procurementMethodType` on the wire.
pub const KIND: &str = "belowThreshold";

/// The belowThreshold decider.
pub struct OpenTender;

impl Decider for OpenTender {
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

impl Scheduled for OpenTender {
    fn next_check(state: &State) -> Option<chrono::DateTime<chrono::Utc>> {
        decide::next_check(state)
    }

    fn due_command() -> Command {
        Command::CheckDue
    }
}
