//! The requests every procedure type's HTTP API takes in the same words: a
//! bid placed, changed or withdrawn, an award or a contract decided, a
//! document attached, described anew or uploaded in a new version. Each
//! type's `wire.rs` says which of its commands each one asks for; the API
//! reads them alike for every type.

use serde::de::DeserializeOwned;

use crate::Decider;
use crate::procurement::{DocumentEdit, DocumentInput, Refusal, Target};

pub trait Requests: Decider<Error = Refusal> {
    /// Who acts, as the type's commands name it.
    type Actor;
    type BidInput: DeserializeOwned;
    type BidEdit: DeserializeOwned;
    type AwardEdit: DeserializeOwned;
    type ContractEdit: DeserializeOwned;

    /// The broker `name`, presenting the object token hashed `token_hash`.
    fn broker(name: &str, token_hash: Option<&str>) -> Self::Actor;

    /// `POST …/bids`: submitted unless asked to stay a draft.
    fn new_bid(
        actor: Self::Actor,
        bid: Self::BidInput,
        token_hash: String,
    ) -> Result<Self::Command, Refusal>;

    /// Whether a new bid's owner also gets a transfer token (`access.transfer`),
    /// as the reference API hands one to a tender's bidders.
    const BID_TRANSFER: bool = false;

    /// [`Requests::new_bid`] with the hash of the bid's transfer token, for
    /// a type with [`Requests::BID_TRANSFER`].
    fn new_bid_with_transfer(
        actor: Self::Actor,
        bid: Self::BidInput,
        token_hash: String,
        _transfer_hash: String,
    ) -> Result<Self::Command, Refusal> {
        Self::new_bid(actor, bid, token_hash)
    }

    /// `PATCH …/bids/{bid_id}`.
    fn bid_patch(
        actor: Self::Actor,
        bid_id: String,
        edit: Self::BidEdit,
    ) -> Result<Self::Command, Refusal>;

    /// `DELETE …/bids/{bid_id}`.
    fn bid_withdrawal(actor: Self::Actor, bid_id: String) -> Self::Command;

    /// `PATCH …/awards/{award_id}`.
    fn award_patch(
        actor: Self::Actor,
        award_id: String,
        edit: Self::AwardEdit,
    ) -> Result<Self::Command, Refusal>;

    /// `PATCH …/contracts/{contract_id}`.
    fn contract_patch(
        actor: Self::Actor,
        contract_id: String,
        edit: Self::ContractEdit,
    ) -> Result<Self::Command, Refusal>;

    /// `POST …/documents`, the document's body already checked.
    fn new_document(actor: Self::Actor, target: Target, document: DocumentInput) -> Self::Command;

    /// `PATCH …/documents/{document_id}`: the current version's description.
    fn document_edit(
        actor: Self::Actor,
        target: Target,
        document_id: String,
        edit: DocumentEdit,
    ) -> Self::Command;

    /// `PUT …/documents/{document_id}`, the new version's body already
    /// checked.
    fn document_version(
        actor: Self::Actor,
        target: Target,
        document_id: String,
        document: DocumentInput,
    ) -> Self::Command;

    /// The id of what `events` made (a bid, a cancellation, a document), for
    /// the answer to name.
    fn made(events: &[Self::Event]) -> Option<String>;
}
