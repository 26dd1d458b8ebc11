//! What can be asked of a Dutch sale, one intent per command (a request of
//! the HTTP API becomes one in [`super::wire`]). Tokens arrive hashed.

use super::ProcedureInput;
use super::{Actor, BidEdit, BidInput, BidStage, CancellationInput, Config, ProcedureEdit};
use crate::auction::Unsuccessful;
use crate::handoff::AuctionOutcome;
use crate::procurement::{DocumentEdit, DocumentInput, Target};

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// The Organizer publishes the procedure: it starts taking bids.
    Create {
        actor: Actor,
        id: String,
        /// `BSD001-UA-YYYYMMDD-NNNNN`, numbered by the handler.
        auction_id: String,
        procedure: Box<ProcedureInput>,
        config: Config,
        owner_token_hash: String,
    },
    /// The Organizer changes texts or the seller's details.
    Edit {
        actor: Actor,
        edit: Box<ProcedureEdit>,
    },
    SubmitBid {
        actor: Actor,
        bid: Box<BidInput>,
        stage: BidStage,
        token_hash: String,
    },
    EditBid {
        actor: Actor,
        bid_id: String,
        edit: Box<BidEdit>,
        stage: Option<BidStage>,
    },
    WithdrawBid {
        actor: Actor,
        bid_id: String,
    },
    /// The auction's results, best first.
    RecordAuction {
        actor: Actor,
        outcome: AuctionOutcome,
    },
    /// The auction ended without a winner.
    RecordAuctionFailure {
        actor: Actor,
        reason: Unsuccessful,
    },
    /// The Organizer qualifies the winner (its protocol uploaded).
    QualifyAward {
        actor: Actor,
        award_id: String,
    },
    /// The Organizer disqualifies the award for `reason`.
    DisqualifyAward {
        actor: Actor,
        award_id: String,
        reason: String,
    },
    /// The winner refuses its award.
    RefuseAward {
        actor: Actor,
        award_id: String,
    },
    /// The Organizer confirms the signed contract.
    SignContract {
        actor: Actor,
        contract_id: String,
    },
    Cancel {
        actor: Actor,
        cancellation: Box<CancellationInput>,
    },
    AddDocument {
        actor: Actor,
        target: Target,
        document: Box<DocumentInput>,
    },
    EditDocument {
        actor: Actor,
        target: Target,
        document_id: String,
        edit: Box<DocumentEdit>,
    },
    AddDocumentVersion {
        actor: Actor,
        target: Target,
        document_id: String,
        document: Box<DocumentInput>,
    },
    /// The scheduler's: the auction's start, if due.
    CheckDue,
}
