//! What can be asked of a priceQuotation tender. Tokens arrive hashed: the
//! API generates and hashes them, the decider only compares hashes.

use serde::{Deserialize, Serialize};

use super::catalogue::CatalogueSnapshot;
use super::{
    AwardEdit, BidEdit, BidInput, CancellationEdit, CancellationInput, Config, ContractEdit,
    TenderEdit, TenderInput,
};
use crate::procurement::DocumentInput;

/// Who is acting: the authenticated broker and the hash of the object token
/// it presented (`acc_token`), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub broker: String,
    pub token_hash: Option<String>,
}

/// The object a document is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "of", content = "id", rename_all = "camelCase")]
pub enum Target {
    Tender,
    Bid(String),
    Award(String),
    Contract(String),
    Cancellation(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Create {
        actor: Actor,
        /// The procedure id chosen by the handler.
        id: String,
        tender: Box<TenderInput>,
        config: Config,
        /// `UA-YYYY-MM-DD-NNNNNN-a`, numbered by the handler.
        tender_id: String,
        owner_token_hash: String,
        transfer_token_hash: String,
    },
    /// A PATCH of the tender: field edits in `draft` and/or a status change.
    /// Activation needs the catalogue facts, fetched beforehand.
    Edit {
        actor: Actor,
        edit: Box<TenderEdit>,
        catalogue: Option<CatalogueSnapshot>,
    },
    SubmitBid {
        actor: Actor,
        bid: Box<BidInput>,
        token_hash: String,
    },
    EditBid {
        actor: Actor,
        bid_id: String,
        edit: Box<BidEdit>,
    },
    WithdrawBid {
        actor: Actor,
        bid_id: String,
    },
    DecideAward {
        actor: Actor,
        award_id: String,
        edit: AwardEdit,
    },
    EditContract {
        actor: Actor,
        contract_id: String,
        edit: ContractEdit,
    },
    RequestCancellation {
        actor: Actor,
        cancellation: CancellationInput,
    },
    EditCancellation {
        actor: Actor,
        cancellation_id: String,
        edit: CancellationEdit,
    },
    AddDocument {
        actor: Actor,
        target: Target,
        document: DocumentInput,
    },
    /// Another broker takes the tender over with its transfer token.
    TransferOwnership {
        broker: String,
        transfer_hash: String,
        new_token_hash: String,
        new_transfer_hash: String,
    },
    /// Issued by the scheduler: carry out whatever automatic transition is due.
    CheckDue,
}
