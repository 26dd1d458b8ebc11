//! The requests of the HTTP API under `/api/2.5/tenders` as intents: the
//! bodies the API parses, and which [`Command`] each one asks for (the
//! requests every procedure type takes alike through [`Requests`]). A status
//! in a body names an intent (`"status": "active"` on an award qualifies
//! it); a status the request may not name is refused here, with the
//! reference API's texts, before any rule is looked at, as a body that does
//! not parse is.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::{
    Actor, BidEdit, BidInput, CancellationInput, Command, Event, PriceQuotation, TenderEdit,
    TenderInput,
};
use crate::procedures::Requests;
use crate::procedures::common::{refusals, wire};
use crate::procurement::{DocumentEdit, DocumentInput, Refusal, Target};

/// What this procedure calls a submitted bid.
const SUBMITTED: &str = "pending";

/// The `data` of `PATCH /tenders/{id}/awards/{award_id}`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AwardEdit {
    pub status: Option<String>,
    pub qualified: Option<bool>,
    pub title: Option<String>,
    pub description: Option<String>,
}

/// The `data` of `PATCH /tenders/{id}/contracts/{contract_id}`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ContractEdit {
    pub status: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
}

/// The `data` of `PATCH /tenders/{id}/cancellations/{cancellation_id}`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CancellationEdit {
    pub status: Option<String>,
    pub reason: Option<String>,
    pub reason_type: Option<String>,
}

/// `POST /tenders`: a tender is created as a draft, and activated by a
/// later PATCH.
pub fn check_new_tender(input: &TenderInput) -> Result<(), Refusal> {
    match input.status.as_deref() {
        None | Some("draft") => Ok(()),
        Some(_) => Err(refusals::one_of("status", &["draft"])),
    }
}

#[derive(Clone, Copy)]
enum TenderIntent {
    Edit,
    Activate,
}

/// `PATCH /tenders/{id}`: field changes of the draft, and activation when
/// it asks for `active.tendering`. The catalogue facts an activation needs
/// are left for the caller to fetch.
pub fn tender_patch(actor: Actor, mut edit: TenderEdit) -> Result<Command, Refusal> {
    let intent = match edit.status.take() {
        None => TenderIntent::Edit,
        Some(status) => wire::choice(
            &status,
            &[
                ("draft", TenderIntent::Edit),
                ("active.tendering", TenderIntent::Activate),
            ],
        )?,
    };
    let edit = Box::new(edit);
    Ok(match intent {
        TenderIntent::Edit => Command::EditDraft { actor, edit },
        TenderIntent::Activate => Command::Activate {
            actor,
            edit,
            catalogue: None,
        },
    })
}

/// `POST /tenders/{id}/cancellations`: always a draft first.
pub fn new_cancellation(actor: Actor, cancellation: CancellationInput) -> Result<Command, Refusal> {
    if let Some(status) = &cancellation.status
        && status != "draft"
    {
        return Err(Refusal::invalid(
            "status",
            "Value must be one of ['draft']: attach the decision document, then activate",
        ));
    }
    Ok(Command::RequestCancellation {
        actor,
        cancellation,
    })
}

#[derive(Clone, Copy)]
enum CancellationIntent {
    Edit,
    Activate,
}

/// `PATCH /tenders/{id}/cancellations/{cancellation_id}`: a new reason or reason type,
/// and activation when it asks for `active`.
pub fn cancellation_patch(
    actor: Actor,
    cancellation_id: String,
    edit: CancellationEdit,
) -> Result<Command, Refusal> {
    let intent = match edit.status.as_deref() {
        None => CancellationIntent::Edit,
        Some(status) => wire::choice(
            status,
            &[
                ("draft", CancellationIntent::Edit),
                ("active", CancellationIntent::Activate),
            ],
        )?,
    };
    let (reason, reason_type) = (edit.reason, edit.reason_type);
    Ok(match intent {
        CancellationIntent::Edit => Command::EditCancellation {
            actor,
            cancellation_id,
            reason,
            reason_type,
        },
        CancellationIntent::Activate => Command::ActivateCancellation {
            actor,
            cancellation_id,
            reason,
            reason_type,
        },
    })
}

#[derive(Clone, Copy)]
enum AwardIntent {
    Qualify,
    Disqualify,
    Cancel,
}

impl Requests for PriceQuotation {
    type Actor = Actor;
    type BidInput = BidInput;
    type BidEdit = BidEdit;
    type AwardEdit = AwardEdit;
    type ContractEdit = ContractEdit;

    fn broker(name: &str, token_hash: Option<&str>) -> Actor {
        Actor {
            broker: name.to_owned(),
            token_hash: token_hash.map(str::to_owned),
        }
    }

    fn new_bid(actor: Actor, bid: BidInput, token_hash: String) -> Result<Command, Refusal> {
        Ok(Command::SubmitBid {
            stage: wire::submission(bid.status.as_deref(), SUBMITTED)?,
            actor,
            bid: Box::new(bid),
            token_hash,
            transfer_hash: None,
        })
    }

    const BID_TRANSFER: bool = true;

    fn new_bid_with_transfer(
        actor: Actor,
        bid: BidInput,
        token_hash: String,
        transfer_hash: String,
    ) -> Result<Command, Refusal> {
        let mut command = Self::new_bid(actor, bid, token_hash)?;
        if let Command::SubmitBid {
            transfer_hash: kept,
            ..
        } = &mut command
        {
            *kept = Some(transfer_hash);
        }
        Ok(command)
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

    /// `active` qualifies, `unsuccessful` disqualifies, `cancelled` takes
    /// back an accepted award; for the first two `qualified` must
    /// be sent and agree (`true`, `false`), with the reference API's texts
    /// (one-element lists, as it writes them).
    fn award_patch(actor: Actor, award_id: String, edit: AwardEdit) -> Result<Command, Refusal> {
        let intent = wire::required_choice(
            edit.status.as_deref(),
            &[
                ("active", AwardIntent::Qualify),
                ("unsuccessful", AwardIntent::Disqualify),
                ("cancelled", AwardIntent::Cancel),
            ],
        )?;
        match (intent, edit.qualified) {
            (AwardIntent::Cancel, _) => Ok(Command::CancelAward { actor, award_id }),
            (AwardIntent::Qualify, Some(true)) => Ok(Command::QualifyAward { actor, award_id }),
            (AwardIntent::Disqualify, Some(false)) => {
                Ok(Command::DisqualifyAward { actor, award_id })
            }
            (AwardIntent::Qualify, _) => Err(Refusal::invalid(
                "qualified",
                "Can't update award to active status with not qualified",
            )
            .as_list()),
            (AwardIntent::Disqualify, _) => Err(Refusal::invalid(
                "qualified",
                "Can't update award to unsuccessful status when qualified/eligible isn't set to False",
            )
            .as_list()),
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
            document,
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
            edit,
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
            document,
        }
    }

    fn made(events: &[Event]) -> Option<String> {
        events.iter().find_map(|event| match event {
            Event::BidSubmitted { bid, .. } => Some(bid.id.clone()),
            Event::CancellationRequested { cancellation } => Some(cancellation.id.clone()),
            Event::DocumentAdded { document, .. }
            | Event::DocumentEdited { document, .. }
            | Event::DocumentVersionAdded { document, .. } => Some(document.id.clone()),
            Event::AwardCancelled {
                next_award: Some(award),
                ..
            } => Some(award.id.clone()),
            _ => None,
        })
    }
}
