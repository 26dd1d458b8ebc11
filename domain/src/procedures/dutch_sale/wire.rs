//! The requests of the HTTP API under `/api/procedures` as intents: which
//! [`Command`] each one asks for. A status in a body names an intent; one
//! the request may not name is refused here, ahead of any rule.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::{Actor, BidEdit, BidInput, Command, DutchSale, Event};
use crate::procedures::Requests;
use crate::procedures::common::{refusals, wire};
use crate::procurement::{DocumentEdit, DocumentInput, Refusal, Target};

/// What this procedure calls a submitted bid.
const SUBMITTED: &str = "active";

/// The `data` of `PATCH /api/procedures/{id}/awards/{award_id}`: the
/// Organizer's `active` or `unsuccessful` with `terminationReason`, or the
/// winner's `cancelled` (it refuses).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AwardEdit {
    pub status: Option<String>,
    pub termination_reason: Option<String>,
}

/// The `data` of `PATCH /api/procedures/{id}/contracts/{contract_id}`:
/// only `status: "active"` (signed), after a `contractSigned` document.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ContractEdit {
    pub status: Option<String>,
}

impl Requests for DutchSale {
    type Actor = Actor;
    type BidInput = BidInput;
    type BidEdit = BidEdit;
    type AwardEdit = AwardEdit;
    type ContractEdit = ContractEdit;

    fn broker(name: &str, token_hash: Option<&str>) -> Actor {
        Actor::broker(name, token_hash)
    }

    fn new_bid(actor: Actor, bid: BidInput, token_hash: String) -> Result<Command, Refusal> {
        Ok(Command::SubmitBid {
            stage: wire::submission(bid.status.as_deref(), SUBMITTED)?,
            actor,
            bid: Box::new(bid),
            token_hash,
        })
    }

    fn bid_patch(actor: Actor, bid_id: String, mut edit: BidEdit) -> Result<Command, Refusal> {
        Ok(Command::EditBid {
            stage: wire::bid_stage(edit.status.take().as_deref(), SUBMITTED)?,
            actor,
            bid_id,
            edit: Box::new(edit),
        })
    }

    fn bid_withdrawal(actor: Actor, bid_id: String) -> Command {
        Command::WithdrawBid { actor, bid_id }
    }

    fn award_patch(actor: Actor, award_id: String, edit: AwardEdit) -> Result<Command, Refusal> {
        let AwardEdit {
            status,
            termination_reason,
        } = edit;
        match (status.as_deref(), termination_reason) {
            (Some("active"), None) => Ok(Command::QualifyAward { actor, award_id }),
            (Some("unsuccessful"), Some(reason)) => Ok(Command::DisqualifyAward {
                actor,
                award_id,
                reason,
            }),
            (Some("unsuccessful"), None) => Err(refusals::required("terminationReason")),
            (Some("cancelled"), None) => Ok(Command::RefuseAward { actor, award_id }),
            (Some("active" | "cancelled"), Some(_)) => Err(Refusal::invalid(
                "terminationReason",
                "Only a disqualification has a termination reason",
            )),
            (Some(_), _) => Err(refusals::one_of(
                "status",
                &["active", "unsuccessful", "cancelled"],
            )),
            (None, _) => Err(refusals::required("status")),
        }
    }

    fn contract_patch(
        actor: Actor,
        contract_id: String,
        edit: ContractEdit,
    ) -> Result<Command, Refusal> {
        wire::required_choice(edit.status.as_deref(), &[("active", ())])?;
        Ok(Command::SignContract { actor, contract_id })
    }

    fn new_document(actor: Actor, target: Target, document: DocumentInput) -> Command {
        Command::AddDocument {
            actor,
            target,
            document: Box::new(document),
        }
    }

    fn document_edit(
        actor: Actor,
        target: Target,
        document_id: String,
        edit: DocumentEdit,
    ) -> Command {
        Command::EditDocument {
            actor,
            target,
            document_id,
            edit: Box::new(edit),
        }
    }

    fn document_version(
        actor: Actor,
        target: Target,
        document_id: String,
        document: DocumentInput,
    ) -> Command {
        Command::AddDocumentVersion {
            actor,
            target,
            document_id,
            document: Box::new(document),
        }
    }

    fn made(events: &[Event]) -> Option<String> {
        events.iter().find_map(|event| match event {
            Event::BidSubmitted { bid, .. } => Some(bid.id.clone()),
            Event::ProcedureCancelled { cancellation } => Some(cancellation.id.clone()),
            Event::DocumentAdded { document, .. }
            | Event::DocumentEdited { document, .. }
            | Event::DocumentVersionAdded { document, .. } => Some(document.id.clone()),
            _ => None,
        })
    }
}
