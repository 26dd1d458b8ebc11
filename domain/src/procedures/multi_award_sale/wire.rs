//! The requests of the HTTP API under `/api/procedures` as intents: the
//! bodies the API parses, and which [`Command`] each one asks for (the
//! requests every procedure type takes alike through [`Requests`]). A status
//! in a body names an intent (`"status": "pending"` on an award accepts the
//! remainder); a status the request may not name, or a field the intent
//! does not take, is refused here, ahead of any rule, as a body that does
//! not parse is. Who may ask for an intent is the decider's to check.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::{Actor, BidEdit, BidInput, Command, Event, MultiAwardSale, ProcedureEdit};
use crate::procedures::Requests;
use crate::procedures::common::{refusals, wire};
use crate::procurement::{Amount, DocumentEdit, DocumentInput, Refusal, Target};

/// What this procedure calls a submitted bid.
const SUBMITTED: &str = "active";

/// The `data` of `PATCH /api/procedures/{id}/awards/{award_id}`.
///
/// The Organizer sends `status: "active"` (qualify) or `status:
/// "unsuccessful"` with `terminationReason` (disqualify). The conditional
/// winner's owner sends `status: "pending"` with `quantity` (accept part of
/// the remainder) or `status: "cancelled"` (refuse), in one request (Q17).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AwardEdit {
    pub status: Option<String>,
    pub termination_reason: Option<String>,
    pub quantity: Option<Amount>,
}

/// The `data` of `PATCH /api/procedures/{id}/contracts/{contract_id}`:
/// only `status: "active"` (signed), after a `contractSigned` document.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ContractEdit {
    pub status: Option<String>,
}

#[derive(Clone, Copy)]
enum ProcedureIntent {
    Edit,
    Complete,
}

/// `PATCH /api/procedures/{id}`: field changes while bids are taken, or
/// `complete` on its own.
pub fn procedure_patch(actor: Actor, mut edit: ProcedureEdit) -> Result<Command, Refusal> {
    let intent = match edit.status.take() {
        None => ProcedureIntent::Edit,
        Some(status) => wire::choice(
            &status,
            &[
                ("active_tendering", ProcedureIntent::Edit),
                ("complete", ProcedureIntent::Complete),
            ],
        )?,
    };
    match intent {
        ProcedureIntent::Complete if edit.changes_fields() => Err(Refusal::invalid(
            "status",
            "Completion can't be combined with field edits",
        )),
        ProcedureIntent::Complete => Ok(Command::Complete { actor }),
        ProcedureIntent::Edit => Ok(Command::Edit {
            actor,
            edit: Box::new(edit),
        }),
    }
}

#[derive(Clone, Copy)]
enum AwardIntent {
    Qualify,
    Disqualify,
    Accept,
    Refuse,
}

impl Requests for MultiAwardSale {
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

    /// The Organizer's decisions (`active`, `unsuccessful`) or the
    /// conditional winner's answers (`pending`, `cancelled`). A status that
    /// is none of them is refused naming the Organizer's: who calls is not
    /// known here, the Organizer is who decides awards, and the decider tells
    /// a conditional winner that sends one of the Organizer's what it may
    /// send.
    fn award_patch(actor: Actor, award_id: String, edit: AwardEdit) -> Result<Command, Refusal> {
        let AwardEdit {
            status,
            termination_reason,
            quantity,
        } = edit;
        let intent = match status.as_deref() {
            Some("active") => AwardIntent::Qualify,
            Some("unsuccessful") => AwardIntent::Disqualify,
            Some("pending") => AwardIntent::Accept,
            Some("cancelled") => AwardIntent::Refuse,
            Some(_) => return Err(refusals::one_of("status", &["active", "unsuccessful"])),
            None => return Err(refusals::required("status")),
        };
        match intent {
            AwardIntent::Qualify | AwardIntent::Disqualify if quantity.is_some() => Err(
                Refusal::invalid("quantity", "Only the conditional winner states a quantity"),
            ),
            AwardIntent::Accept | AwardIntent::Refuse if termination_reason.is_some() => {
                Err(Refusal::invalid(
                    "terminationReason",
                    "Only the Organizer states a termination reason",
                ))
            }
            AwardIntent::Qualify => match termination_reason {
                None => Ok(Command::QualifyAward { actor, award_id }),
                Some(_) => Err(Refusal::invalid(
                    "terminationReason",
                    "Only a disqualification has a termination reason",
                )),
            },
            AwardIntent::Disqualify => match termination_reason {
                Some(reason) => Ok(Command::DisqualifyAward {
                    actor,
                    award_id,
                    reason,
                }),
                None => Err(refusals::required("terminationReason")),
            },
            AwardIntent::Accept => match quantity {
                Some(quantity) => Ok(Command::AcceptRemainder {
                    actor,
                    award_id,
                    quantity,
                }),
                None => Err(refusals::required("quantity")),
            },
            AwardIntent::Refuse => match quantity {
                None => Ok(Command::RefuseRemainder { actor, award_id }),
                Some(_) => Err(Refusal::invalid("quantity", "A refusal has no quantity")),
            },
        }
    }

    /// Only `active`, signing it.
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
