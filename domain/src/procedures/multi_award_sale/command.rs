//! What can be asked of a multi-award sale. Each command mirrors one
//! request of the HTTP API under `/api/procedures`; tokens arrive hashed
//! (the API generates and hashes them, the decider only compares hashes).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{AwardEdit, BidEdit, BidInput, CancellationInput, Config, ContractEdit};
use super::{ProcedureEdit, ProcedureInput};
use crate::procurement::{Amount, DocumentInput};

/// What the caller authenticated as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    /// A platform acting for the Organizer or a participant; which of them
    /// it speaks for is decided by the object token it presents.
    #[default]
    Broker,
    /// The auction module, the only one allowed to post auction results.
    AuctionService,
}

/// Who is acting: the authenticated broker (or service), its role, and the
/// hash of the object token it presented (`acc_token`), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub broker: String,
    pub token_hash: Option<String>,
    pub role: Role,
}

impl Actor {
    /// A platform presenting `token_hash` (or none).
    pub fn broker(broker: impl Into<String>, token_hash: Option<&str>) -> Self {
        Actor {
            broker: broker.into(),
            token_hash: token_hash.map(str::to_owned),
            role: Role::Broker,
        }
    }

    /// The auction module.
    pub fn auction_service(name: impl Into<String>) -> Self {
        Actor {
            broker: name.into(),
            token_hash: None,
            role: Role::AuctionService,
        }
    }
}

/// The object a document is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "of", content = "id", rename_all = "camelCase")]
pub enum Target {
    Procedure,
    Bid(String),
    Award(String),
    Contract(String),
    Cancellation(String),
}

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
    /// `POST /api/procedures`: publish; the procedure starts taking bids.
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
    /// `PATCH /api/procedures/{id}`: field edits while bids are taken, or
    /// `status: "complete"` in qualification.
    Edit {
        actor: Actor,
        edit: Box<ProcedureEdit>,
    },
    /// `POST /api/procedures/{id}/bids`.
    SubmitBid {
        actor: Actor,
        bid: Box<BidInput>,
        token_hash: String,
    },
    /// `PATCH /api/procedures/{id}/bids/{bid_id}`.
    EditBid {
        actor: Actor,
        bid_id: String,
        edit: Box<BidEdit>,
    },
    /// `DELETE /api/procedures/{id}/bids/{bid_id}`.
    WithdrawBid { actor: Actor, bid_id: String },
    /// `POST /api/procedures/{id}/auction` by the auction module: the
    /// final price of every bid that took part.
    RecordAuctionResults {
        actor: Actor,
        results: Vec<AuctionResult>,
    },
    /// `PATCH /api/procedures/{id}/awards/{award_id}` by the Organizer or
    /// by the conditional winner.
    EditAward {
        actor: Actor,
        award_id: String,
        edit: AwardEdit,
    },
    /// `PATCH /api/procedures/{id}/contracts/{contract_id}`.
    EditContract {
        actor: Actor,
        contract_id: String,
        edit: ContractEdit,
    },
    /// `POST /api/procedures/{id}/cancellations`.
    Cancel {
        actor: Actor,
        cancellation: Box<CancellationInput>,
    },
    /// `POST /api/procedures/{id}/…/documents`.
    AddDocument {
        actor: Actor,
        target: Target,
        document: Box<DocumentInput>,
    },
    /// Issued by the scheduler: carry out whatever automatic transition is
    /// due (tender period end, qualification period end, admission period
    /// end). Nothing due: no events.
    CheckDue,
}
