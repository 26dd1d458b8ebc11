//! The multi-award sale ("sale in parts", `basicSell` multiAwards, auctionId
//! prefix BSM): one homogeneous lot sold in parts to an unlimited number of
//! winners, each buying its own volume at its own price per unit. Spec:
//! `shared/spec/multi-award-sale.md` (BSM is normative; Appendix A, REM, is
//! another procedure and not implemented here).
//!
//! The life of a procedure, one file per concern:
//! - [`procedure`]: the document (the rules its fields obey in
//!   `fields.rs`); published straight into
//!   `active_tendering` with exactly one item, editable by its owner while
//!   bids are taken (edits of bidding terms deactivate bids);
//! - [`bid`]: one bid per participant: a desired `quantity` and a `value`
//!   per unit, `minimalPart ≤ quantity ≤ items[0].quantity`,
//!   `value ≥ procedure value`;
//! - [`decide`]: at the tender period's end (automatic, [`next_check`]) no
//!   bid → `unsuccessful`, one bid → qualification without an auction, more
//!   → `active_auction`; the auction module posts the final prices, the
//!   CDB ranks ([`allocation::rank`]) and allocates
//!   ([`allocation::allocate`]) the awards; the Organizer qualifies
//!   (`auctionProtocol` → award `active`, contract `pending`) or disqualifies
//!   (`rejectionProtocol`/`act` + `terminationReason`), which promotes the
//!   first waiting award if it fits; when the winners are settled, or the
//!   qualification period ends, the first waiting award becomes the
//!   conditional winner (`pending_admission`) and may accept part of the
//!   remainder within its admission period; `complete`; cancellation with
//!   `cancellationDetails` in any non-terminal status;
//! - [`allocation`]: the pure ranking / allocation / threshold arithmetic;
//! - [`award`]: awards and contracts; [`cancellation`]; [`config`]: period
//!   lengths; [`event`], [`state`];
//! - [`command`]: what the Organizer, a participant, the auction module or
//!   the scheduler may ask, one intent each (`QualifyAward`,
//!   `DisqualifyAward`, `AcceptRemainder`, `RefuseRemainder`,
//!   `SignContract`, `Complete`, …); [`wire`]: which intent each request of
//!   the HTTP API asks for;
//! - [`disclosure`]: what readers may see, and when bids are opened.
//!
//! Decisions on the spec's open questions (§9):
//! - Q1: the edits that deactivate bids are those of the terms a bid is
//!   priced on: `value`, `minimalPart`, `items` (volume, unit,
//!   classification, …), `guarantee`, `bankAccounts` — and only when the
//!   value actually changes; texts, `lotId`, `sellingEntity`, the tender
//!   period's end and documents do not.
//! - Q2: bid quantity bounds are inclusive: `minimalPart ≤ quantity ≤
//!   items[0].quantity`; `value.amount ≥ procedure value.amount` (B-V1).
//! - Q3: one bid per participant, the participant being its (single)
//!   bidder's `identifier.scheme` + `identifier.id` across all bids not
//!   withdrawn; a second one is refused on `bidders`.
//! - Q4: a CAV code is "nested" under a root when its first two digits (the
//!   division) equal the root's.
//! - Q5: a deactivated bid is `invalid`; editing or confirming it
//!   (`status: active`) makes it `active` again; it may be withdrawn.
//! - Q6: at the tender period's end 0 bids → `unsuccessful`; 1 bid →
//!   `active_qualification` without an auction (P3) unless the Organizer
//!   set `minNumberOfQualifiedBids: 2`, then `unsuccessful`; ≥ 2 →
//!   `active_auction`. `minNumberOfQualifiedBids` defaults to 1 so that P3
//!   holds by default.
//! - Q7: in the single-bid path `qualificationPeriod` starts at
//!   `tenderPeriod.endDate`; after an auction, when its results are
//!   recorded. `auctionPeriod.startDate` is `tenderPeriod.endDate`, its
//!   `endDate` the time the results are recorded.
//! - Q8: `complete` is allowed from `active_qualification` and
//!   `active_awarded` when no award is `pending`/`pending_waiting`/
//!   `pending_admission`, no contract is `pending`, and at least one award
//!   and one contract are `active`.
//! - Q9/Q11: after every award or contract transition the status is
//!   re-derived: `active_awarded` while any contract is `pending`; else
//!   `active_qualification` while any award is `pending`,
//!   `pending_waiting` or `pending_admission`; else `unsuccessful` when no
//!   award is `active`; else unchanged (awaiting `complete`). A refused or
//!   lapsed conditional winner with no other winner thus makes the
//!   procedure `unsuccessful`.
//! - Q10: cancellation is one request carrying the free-text `reason` (a
//!   multiLang text, as the model types it, in any language),
//!   `datePublished` (defaults to now, never in the future) and its
//!   documents, one of which must be `cancellationDetails`; the procedure
//!   is `cancelled` at once; bids, awards and contracts are left as they
//!   were (the procedure's terminal status ends them all). Further
//!   documents (`digitalSignature`) may be added to the cancellation.
//! - Q12: "raised during the auction" is `final value != initial value`;
//!   the time of the last raise comes with the auction results
//!   ([`command::AuctionResult::date`]); the initial price is kept as
//!   `bids[].initialValueAmount`. The auction may only raise prices.
//! - Q13: a `pending` award (initial, promoted or accepted conditional
//!   winner) gets a fresh `verificationPeriod` and `signingPeriod` with a
//!   start date only; nothing happens when they run (no length given).
//! - Q14: T3 only right after the initial allocation, when no award got
//!   `pending` (unreachable while B-V3 holds).
//! - Q15: the remainder is offered when `R ≥ minimalPart`.
//! - Q16: `admissionPeriod` is 5 business days, configurable
//!   ([`Config`]).
//! - Q17: the conditional winner accepts in one request, `status:
//!   "pending"` with `quantity`; the quantity replaces the award's
//!   `items[0].quantity`; `value` stays the bid's price. The accepted
//!   quantity is also never more than the bid's own (possible only when a
//!   disqualification after T1 grew the remainder, Q25).
//! - Q18: an `active` award may be disqualified only while its contract is
//!   `pending`.
//! - Q19: the contract's `dateSigned` is set by the CDB when the contract
//!   becomes `active` (the model's `dataSigned` read as a typo).
//! - Q20: full ties fall back to the earlier `datePublished`, then the
//!   lower bid id.
//! - Q21: business days follow the calendar the decision's context carries
//!   (the Ukrainian one, [`crate::calendar::Calendar::ukraine`], unless the
//!   operator loads another) on Kyiv local time, the period ending at the
//!   same wall-clock time as it started.
//! - Q22: on a disqualification only the first waiting award is examined,
//!   once; no cascade (TV-D7).
//! - Q23: T2 is evaluated after every award or contract transition.
//! - Q24: TV-A4 uses the reconstructed prices 120/110/100.
//! - Q25: the acceptance upper bound is the remainder at request time; a
//!   disqualification while a conditional winner is pending promotes
//!   nobody (no award waits any more).
//! - Q26: procedure and bid `documentType`s are optional and, if given,
//!   from the spec's lists (Cyrillic "х" read as Latin); award, contract
//!   and cancellation documents must name their type.
//! - Q27: every `sellingMethod` gets the same period lengths.
//! - Q28: `disqualifiedBids` is not implemented (its logic is not in the
//!   spec).
//! - Q29: `previousAuctionId` accepts `BS[EDMW]NNN-UA-YYYYMMDD-NNNNN` and
//!   the `UA-PS-…` alternative.
//! - Q30: `accessDetails` is optional; `bankAccounts` is stored and echoed
//!   unvalidated (the basicSell model is not in the spec).
//! - Q31: statuses are the BSM sets of §3; bid statuses add `invalid`.
//! - Q32: `minimalPart` is a required decimal with `0 < minimalPart ≤
//!   items[0].quantity`.
//! - Q33: `value.valueAddedTaxIncluded` defaults to `false`; the Organizer
//!   may set it.
//! - Q34: `items[0].unit` is given by the Organizer; `value.valuePer`
//!   defaults to it.
//! - Q35: `terminationReason` comes from
//!   [`award::TERMINATION_REASONS`].
//! - Q36: a contract's `value` is the price per unit;
//!   `contractTotalValue` is price × quantity rounded to two decimals.
//! - Q37: all quantities and prices are exact decimals.
//! - Q38/Q39: the newer wording and the corrected TV-B vectors are used.
//!
//! Texts: every field the model (§7) types `base.multiLang` is a
//! [`crate::procurement::MultiLang`] (`{"uk_UA": …, "en_US": …, "ru_RU": …}`),
//! in the sale's own organisation ([`party`]) and lot ([`lot`]) models;
//! `uk_UA` is required where the model says so (`title`, `description`,
//! `x_documentRequirements`, `items[].description`,
//! `identifier.legalName`, the address lines, `contactPoint.name`), any
//! language elsewhere. `x_documentRequirements` is required at publication
//! only, so that sales published before it was may still be edited. Events
//! written before texts were multiLang are read through `upcast.rs`.
//!
//! Other decisions: the individual protocol the CDB is said to generate
//! for each `pending` award (L706) is not produced here — document bodies
//! live in document storage; the Organizer uploads the signed one. The
//! Organizer acts with the procedure's owner token,
//! a participant with its bid's token (also for the conditional winner's
//! answer); only an actor with the auction-service role may post auction
//! results; an answer of the conditional winner after its admission period
//! ended is refused even before the scheduler has lapsed the offer.

pub mod allocation;
pub mod auction_handoff;
pub mod bid;
pub mod command;
pub mod config;
pub mod decide;
pub mod disclosure;
pub mod event;
mod fields;
pub mod procedure;
pub mod state;
mod upcast;
pub mod wire;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

/// The models every sale shares, under the names this sale has always had.
pub use crate::procedures::sale::{award, cancellation, lot, party};

pub use award::{
    AWARD_DOCUMENT_TYPES, Award, AwardStatus, CONTRACT_DOCUMENT_TYPES, Contract, ContractStatus,
    TERMINATION_REASONS,
};
pub use bid::{BID_DOCUMENT_TYPES, Bid, BidEdit, BidInput, BidStatus};
pub use cancellation::{CANCELLATION_DOCUMENT_TYPES, Cancellation, CancellationInput};
pub use command::{Actor, AuctionResult, Command, Role};
pub use config::Config;
pub use decide::next_check;
pub use event::{ChoiceTrigger, Event, WaitingCancelReason};
pub use lot::{Classification, Item, Unit};
pub use party::{Address, ContactPoint, Identifier, Organization};
pub use procedure::{
    MultiLang, PROCEDURE_DOCUMENT_TYPES, Procedure, ProcedureEdit, ProcedureInput, ProcedureStatus,
    ProcedureValue, SELLING_METHODS, apply_edit, check_fields, check_party, default_value_per,
};
pub use state::State;
pub use wire::{AwardEdit, ContractEdit};

pub use crate::procedures::common::BidStage;
use crate::procurement::Refusal;
pub use crate::procurement::Target;
use crate::{Context, Decider, Scheduled};

/// The stored procedure kind: the base `sellingMethod` of the family (every
/// `basicSell-multiAwards*` method is this procedure).
pub const KIND: &str = "basicSell-multiAwards";

/// The multi-award sale decider.
pub struct MultiAwardSale;

impl Decider for MultiAwardSale {
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
impl crate::auction::Live for MultiAwardSale {}

impl Scheduled for MultiAwardSale {
    fn next_check(state: &State) -> Option<chrono::DateTime<chrono::Utc>> {
        decide::next_check(state)
    }

    fn due_command() -> Command {
        Command::CheckDue
    }
}
