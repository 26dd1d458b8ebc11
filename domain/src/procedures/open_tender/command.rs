//! What can be asked of a belowThreshold tender, one intent each. Tokens
//! arrive hashed; random choices (the auction's slot) and hashes the
//! domain cannot compute (the question author's) arrive with the command.

use chrono::{DateTime, Utc};

use super::{BidEdit, BidInput, BidStage, CancellationInput, Config, QuestionInput};
use super::{TenderEdit, TenderInput};
use crate::procurement::{Amount, DocumentEdit, DocumentInput, Target};

/// The authenticated broker and the hash of the object token it
/// presented (`acc_token`), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub broker: String,
    pub token_hash: Option<String>,
}

/// Where in the auction day's window (11:00–16:00 Kyiv) an auction starts,
/// in seconds after 11:00, drawn by the handler (spec §9.1 step 3): the
/// decider stays pure and replay never draws again. Values past the window
/// are taken modulo its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AuctionSlot(pub u32);

/// One bid's result as the auction module reports it (spec §9.2): the id
/// may be omitted (positional).
#[derive(Debug, Clone, PartialEq)]
pub struct AuctionResult {
    pub bid_id: Option<String>,
    /// Required for a bid that takes part in the lot's auction.
    pub amount: Option<Amount>,
}

/// A lot's entry in the auction module's URLs (spec §9.2): positional
/// when its id is omitted.
#[derive(Debug, Clone, PartialEq)]
pub struct AuctionLotUrl {
    pub lot_id: Option<String>,
    pub auction_url: Option<String>,
}

/// A bid's entry in the auction module's URLs: `for_lot` when it names a
/// lot value for the lot (with or without its URL).
#[derive(Debug, Clone, PartialEq)]
pub struct AuctionBidUrl {
    pub bid_id: Option<String>,
    pub for_lot: bool,
    pub participation_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Create {
        actor: Actor,
        id: String,
        tender: Box<TenderInput>,
        config: Config,
        /// `UA-YYYY-MM-DD-NNNNNN-a`, numbered by the handler.
        tender_id: String,
        owner_token_hash: String,
        transfer_token_hash: String,
        slot: AuctionSlot,
    },
    /// The owner changes fields, in `draft` or `active.enquiries`;
    /// `as_draft`: the request also named status `draft`, which only a
    /// draft may.
    Edit {
        actor: Actor,
        edit: Box<TenderEdit>,
        slot: AuctionSlot,
        as_draft: bool,
    },
    /// The owner activates the draft (`draft → active.enquiries`), with the
    /// field changes sent along applied first.
    Activate {
        actor: Actor,
        edit: Box<TenderEdit>,
        slot: AuctionSlot,
    },
    /// Any broker asks a question; `author_hash` is what the public sees
    /// of the author.
    AskQuestion {
        actor: Actor,
        question: Box<QuestionInput>,
        author_hash: String,
    },
    AnswerQuestion {
        actor: Actor,
        question_id: String,
        answer: String,
    },
    SubmitBid {
        actor: Actor,
        bid: Box<BidInput>,
        stage: BidStage,
        token_hash: String,
        /// The hash of the bid's transfer token (`access.transfer`), kept
        /// for a change of the bid's broker.
        transfer_hash: Option<String>,
    },
    /// The bid's owner changes it and/or submits it (`stage`
    /// `Submitted`: `pending`).
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
    /// The auction module sets the lot's `auctionUrl` and the bidders'
    /// `participationUrl`s (`PATCH /auction/{lot_id}`).
    SetAuctionUrls {
        lot_id: String,
        lots: Vec<AuctionLotUrl>,
        bids: Vec<AuctionBidUrl>,
    },
    /// The auction module reports the lot's final amounts (spec §9.2),
    /// in the tender's bid order.
    RecordAuction {
        lot_id: String,
        results: Vec<AuctionResult>,
    },
    /// The auction the CDB runs itself reports its ranking (through
    /// [`crate::handoff::AuctionHandOff::auction_outcome`], which has no
    /// state): bids by id, best first, and no lot. The decider names the
    /// tender's one lot and puts the results in the tender's bid order, then
    /// applies the rules of [`Command::RecordAuction`], which stays the
    /// outside module's positional report on a named lot (its URL's).
    RecordAuctionOutcome {
        outcome: crate::handoff::AuctionOutcome,
    },
    /// The owner decides an award. `qualified` is the request's flag,
    /// checked as the reference's model does (spec §10.2).
    QualifyAward {
        actor: Actor,
        award_id: String,
        qualified: Option<bool>,
    },
    DisqualifyAward {
        actor: Actor,
        award_id: String,
        qualified: Option<bool>,
    },
    /// The owner takes back an accepted award (`active → cancelled`).
    CancelAward {
        actor: Actor,
        award_id: String,
    },
    /// Contracting reports the contract signed and active (spec §10.3).
    ActivateContract {
        contract_id: String,
        date_signed: DateTime<Utc>,
    },
    RequestCancellation {
        actor: Actor,
        cancellation: CancellationInput,
    },
    /// PATCH the cancellation to `active` (or `pending`, the same here).
    ActivateCancellation {
        actor: Actor,
        cancellation_id: String,
    },
    /// PATCH a draft cancellation to `unsuccessful`: abandoned.
    AbandonCancellation {
        actor: Actor,
        cancellation_id: String,
    },
    AddDocument {
        actor: Actor,
        target: Target,
        document: DocumentInput,
    },
    EditDocument {
        actor: Actor,
        target: Target,
        document_id: String,
        edit: DocumentEdit,
    },
    AddDocumentVersion {
        actor: Actor,
        target: Target,
        document_id: String,
        document: DocumentInput,
    },
    /// Issued by the scheduler: whatever automatic transition is due.
    CheckDue,
}
