//! What can be asked of a priceQuotation tender. Tokens arrive hashed: the
//! API generates and hashes them, the decider only compares hashes.

use super::catalogue::{Agreement, CatalogueSnapshot};
use super::{BidEdit, BidInput, BidStage, CancellationInput, Config, TenderEdit, TenderInput};
use crate::procurement::{DocumentEdit, DocumentInput, Target};

/// Who is acting: the authenticated broker and the hash of the object token
/// it presented (`acc_token`), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub broker: String,
    pub token_hash: Option<String>,
}

/// What the owner, a bidder or the scheduler asks of a tender: one intent
/// each. A request of the HTTP API becomes one of them in [`super::wire`].
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
    /// The owner changes fields of its draft.
    EditDraft {
        actor: Actor,
        edit: Box<TenderEdit>,
    },
    /// The owner activates its draft (`draft → active.tendering`), with the
    /// field changes sent along applied first. Activation needs the
    /// catalogue facts, fetched beforehand.
    Activate {
        actor: Actor,
        edit: Box<TenderEdit>,
        catalogue: Option<CatalogueSnapshot>,
    },
    SubmitBid {
        actor: Actor,
        bid: Box<BidInput>,
        /// A draft, or submitted (`pending`).
        stage: BidStage,
        token_hash: String,
        /// The hash of the bid's transfer token, kept for taking the bid
        /// over later (not built yet), as the reference API hands one out.
        transfer_hash: Option<String>,
    },
    /// The bid's owner changes it and, when `stage` is given, keeps it a
    /// draft or submits it.
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
    /// The owner accepts the award: its bid wins, a contract follows.
    QualifyAward {
        actor: Actor,
        award_id: String,
    },
    /// The owner rejects the award: the next-lowest bid is awarded, if any.
    DisqualifyAward {
        actor: Actor,
        award_id: String,
    },
    /// The owner takes back an accepted award before its contract is
    /// signed: the award and its contract are cancelled and the decision
    /// starts again with a new pending award.
    CancelAward {
        actor: Actor,
        award_id: String,
    },
    /// The owner records the contract as signed: the tender is complete.
    SignContract {
        actor: Actor,
        contract_id: String,
    },
    /// The owner drafts a cancellation, to be activated once its decision
    /// document is attached.
    RequestCancellation {
        actor: Actor,
        cancellation: CancellationInput,
    },
    /// The owner restates a draft cancellation's reason or its reason type
    /// (`None`: that one stays).
    EditCancellation {
        actor: Actor,
        cancellation_id: String,
        reason: Option<String>,
        reason_type: Option<String>,
    },
    /// The owner activates a draft cancellation, restating its reason and
    /// reason type first if given: the tender is cancelled.
    ActivateCancellation {
        actor: Actor,
        cancellation_id: String,
        reason: Option<String>,
        reason_type: Option<String>,
    },
    AddDocument {
        actor: Actor,
        target: Target,
        document: DocumentInput,
    },
    /// Changes the description of a document's current version.
    EditDocument {
        actor: Actor,
        target: Target,
        document_id: String,
        edit: DocumentEdit,
    },
    /// Uploads a new version of a document; the older ones stay listed.
    AddDocumentVersion {
        actor: Actor,
        target: Target,
        document_id: String,
        document: DocumentInput,
    },
    /// Another broker takes the tender over with its transfer token.
    TransferOwnership {
        broker: String,
        transfer_hash: String,
        new_token_hash: String,
        new_transfer_hash: String,
    },
    /// Issued by the scheduler: carry out whatever automatic transition is
    /// due. Ending the tender period needs `agreement`, the tender's
    /// agreement as the e-catalogue gives it at that moment (its bidders
    /// are checked in it again); the scheduler fetches it before it issues
    /// the command. Without it a due end is refused and nothing changes.
    CheckDue {
        agreement: Option<Agreement>,
    },
}
