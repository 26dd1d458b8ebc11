//! priceQuotation (PQ): a selective procedure among the suppliers qualified
//! on a framework agreement of the ProZorro e-Catalogues, awarded to the
//! lowest price without an auction. Spec: `shared/spec/price-quotation.md`.
//!
//! The life of a PQ tender, one file per concern:
//! - [`tender`]: the document; created in `draft`, edited by its owner;
//! - [`decide`]: activation `draft → active.tendering` after the five
//!   catalogue validations of spec §4 (facts in [`catalogue`]); bids from
//!   shortlisted firms only, answering the criteria; at the end of the tender
//!   period (automatic, [`next_check`]) the bidders are checked in the
//!   agreement again (bids of suppliers no longer qualified there become
//!   `invalid`), then `unsuccessful` when fewer than `minBidsNumber` bids,
//!   otherwise a `pending` award for the lowest price;
//!   award `active` → contract `pending` → `complete`, or award
//!   `unsuccessful` → the next-lowest bid; cancellation in any non-terminal
//!   status; activation and award decisions need the procuring entity's
//!   notice signature (`decide/signatures.rs`);
//! - [`command`]: what the owner, a bidder or the scheduler may ask, one
//!   intent each (edit the draft, activate it, qualify an award, sign the
//!   contract, activate a cancellation, …); [`wire`]: which intent each
//!   request of the HTTP API asks for;
//! - [`state`]: how events change the tender;
//! - [`disclosure`]: what readers may see, and when bids are opened.
//!
//! Decisions on the spec's open questions: PATCH to `draft.publishing` or
//! `draft.unsuccessful` is a 422 on `status` (Q1); the transfer token lets
//! another broker take the tender over (Q2); `tenderID` numbers run per Kyiv
//! day across the whole CDB (Q3); `tenderPeriod.startDate` is set at creation
//! (Q4); `contractTemplateName` is a fixed value recorded at activation (Q5);
//! V4 refuses every agreement status other than `active` (Q7), and the
//! checks answer with the texts the reference API answers today (its
//! recorded exchanges: unknown profiles 404 `data`, a profile not `active`
//! refused before the agreement is looked at); any failure to
//! reach the catalogue gives the V0 409 with its fixed text (Q8); V1 names
//! every unknown profile, in item order, and every profile must belong to
//! the tender's agreement (Q10); a successful activation answers 200 with the tender
//! (Q11).
//!
//! The end of the tender period checks the bidders in the agreement again
//! (not in the spec, which leaves everything after `active.tendering` as
//! before; decided from the reference tutorial, "Закінчення періоду подання
//! пропозицій", and its recording `active-tendering-end-bids.http`): a bid
//! whose tenderer is not a supplier of an `active` contract of the agreement
//! as the e-catalogue gives it at that moment becomes `invalid`, takes no
//! part in qualification and is never opened; once the other bids are open
//! it is listed by its id and status only, as the reference lists it. The
//! scheduler fetches the agreement before it issues [`Command::CheckDue`]
//! (the adapter's preparation; [`agreement_to_check`] says which one), and
//! `TenderingEnded` records which bids were found invalid. When the agreement
//! cannot be had (the catalogue is unreachable, or answers that it does not
//! know it) the period does not end: the tender waits in `active.tendering`,
//! bids sealed, and the scheduler retries after each tick. Ending without the
//! check would keep disqualified suppliers in the running, and treating the
//! failure as "nobody is qualified" would invalidate every bid for good; a
//! due end without the agreement is refused here for the same reason.
//!
//! Taking back an award (not in the spec, which leaves everything after
//! `active.tendering` as before; decided from the reference tutorial and its
//! recording `award-cancelled.http`): the owner may set an `active` award to
//! `cancelled` while the tender is `active.awarded`. Its contract is
//! cancelled with it, the tender returns to `active.qualification`, and a new
//! `pending` award is made for the lowest-priced bid without an award still
//! standing, which is the same bid again (a cancelled award does not remove
//! its bid from the running; rejecting it does); the answer names the new
//! award in `Location`. No document is required for it, as in the reference.

pub mod award;
pub mod bid;
pub mod cancellation;
pub mod catalogue;
pub mod command;
pub mod config;
pub mod decide;
pub mod disclosure;
pub mod event;
pub mod state;
pub mod tender;
pub mod wire;

#[cfg(test)]
mod tests;

pub use award::{Award, AwardStatus, Contract, ContractStatus};
pub use bid::{Bid, BidEdit, BidInput, BidStatus};
pub use cancellation::{Cancellation, CancellationInput, CancellationStatus};
pub use command::{Actor, Command};
pub use config::Config;
pub use decide::{agreement_to_check, next_check};
pub use event::Event;
pub use state::State;
pub use tender::{
    AgreementRef, Tender, TenderEdit, TenderInput, TenderStatus, apply_edit, check_fields,
    complete_ids_and_units,
};
pub use wire::{AwardEdit, CancellationEdit, ContractEdit};

pub use crate::procedures::common::BidStage;
use crate::procurement::Refusal;
pub use crate::procurement::Target;
use crate::{Context, Decider, Scheduled};

/// The stored procedure kind and the `procurementMethodType` on the wire.
pub const KIND: &str = "priceQuotation";

/// The priceQuotation decider.
pub struct PriceQuotation;

impl Decider for PriceQuotation {
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

/// Its auction, if any, is run outside this decider (see `auction::Auctioned`).
impl crate::auction::Live for PriceQuotation {}

impl Scheduled for PriceQuotation {
    fn next_check(state: &State) -> Option<chrono::DateTime<chrono::Utc>> {
        decide::next_check(state)
    }

    /// Without the agreement: the server schedules priceQuotation with a
    /// preparation that fetches it (`api/src/kinds/price_quotation.rs`), so
    /// this one only serves where nothing is due that needs it.
    fn due_command() -> Command {
        Command::CheckDue { agreement: None }
    }
}
