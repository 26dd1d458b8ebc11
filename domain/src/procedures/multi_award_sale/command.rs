//! What can be asked of a multi-award sale: one intent per command (a
//! request of the HTTP API under `/api/procedures` becomes one in
//! [`super::wire`]). Tokens arrive hashed (the API generates and hashes
//! them, the decider only compares hashes).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    BidEdit, BidInput, BidStage, CancellationInput, Config, ProcedureEdit, ProcedureInput,
};
pub use crate::procedures::sale::actor::{Actor, Role};
use crate::procurement::{Amount, DocumentEdit, DocumentInput, Target};

/// One bid's outcome as the auction module reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuctionResult {
    pub bid_id: String,
    /// The final price per unit.
    pub value: Amount,
    /// When the bid was last raised during the auction; only read when the
    /// final price differs from the bid's initial one (spec §4.2).
    #[serde(with = "crate::time::kyiv_serde")]
    pub date: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// The Organizer publishes the procedure: it starts taking bids.
    Create {
        actor: Actor,
        /// The procedure id chosen by the handler.
        id: String,
        /// `BSMnnn-UA-YYYYMMDD-NNNNN`, numbered by the handler.
        auction_id: String,
        procedure: Box<ProcedureInput>,
        /// Period lengths; see [`Config::for_selling_method`].
        config: Config,
        owner_token_hash: String,
    },
    /// The Organizer changes the procedure's fields while bids are taken.
    Edit {
        actor: Actor,
        edit: Box<ProcedureEdit>,
    },
    /// P7: the Organizer completes the procedure.
    Complete {
        actor: Actor,
    },
    SubmitBid {
        actor: Actor,
        bid: Box<BidInput>,
        /// A draft, or submitted (`active`).
        stage: BidStage,
        token_hash: String,
    },
    /// The bid's owner changes it and, when `stage` is given, keeps it a
    /// draft or submits it (which also confirms a deactivated bid).
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
    /// The auction module posts the final price of every bid that took
    /// part.
    RecordAuctionResults {
        actor: Actor,
        results: Vec<AuctionResult>,
    },
    /// A9: the Organizer qualifies the award (its protocol uploaded).
    QualifyAward {
        actor: Actor,
        award_id: String,
    },
    /// A10/A11: the Organizer disqualifies the award, for `reason` (one of
    /// [`super::TERMINATION_REASONS`]).
    DisqualifyAward {
        actor: Actor,
        award_id: String,
        reason: String,
    },
    /// A6: the conditional winner accepts `quantity` of the remainder.
    AcceptRemainder {
        actor: Actor,
        award_id: String,
        quantity: Amount,
    },
    /// A7: the conditional winner refuses the remainder.
    RefuseRemainder {
        actor: Actor,
        award_id: String,
    },
    /// C2: the Organizer confirms the signed contract.
    SignContract {
        actor: Actor,
        contract_id: String,
    },
    /// P10: the Organizer cancels the procedure, with its documents.
    Cancel {
        actor: Actor,
        cancellation: Box<CancellationInput>,
    },
    AddDocument {
        actor: Actor,
        target: Target,
        document: Box<DocumentInput>,
    },
    /// Changes the description of a document's current version.
    EditDocument {
        actor: Actor,
        target: Target,
        document_id: String,
        edit: Box<DocumentEdit>,
    },
    /// Uploads a new version of a document; the older ones stay listed.
    AddDocumentVersion {
        actor: Actor,
        target: Target,
        document_id: String,
        document: Box<DocumentInput>,
    },
    /// Issued by the scheduler: carry out whatever automatic transition is
    /// due (tender period end, qualification period end, admission period
    /// end). Nothing due: no events.
    CheckDue,
}
