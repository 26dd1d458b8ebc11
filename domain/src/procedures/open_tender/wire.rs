//! The requests of the HTTP API under `/api/2.5/tenders` as intents: which
//! [`Command`] each body asks for, refusing a status the request may not
//! name with the reference's texts before any rule is looked at; the API's
//! adapter is `api/src/kinds/open_tender.rs`.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::{
    Actor, AuctionBidUrl, AuctionLotUrl, AuctionResult, AuctionSlot, BidEdit, BidInput,
    CancellationInput, Command, Event, OpenTender, TenderEdit,
};
use crate::procedures::Requests;
use crate::procedures::common::{refusals, wire};
use crate::procurement::{Amount, DocumentEdit, DocumentInput, Refusal, Target};

/// What this procedure calls a submitted bid.
const SUBMITTED: &str = "pending";

/// The statuses the owner's PATCH model admits (spec §4.2, Q13).
const TENDER_STATUSES: [&str; 4] = [
    "draft",
    "active.enquiries",
    "active.pre-qualification",
    "active.pre-qualification.stand-still",
];

/// `PATCH /tenders/{id}`: field changes, and activation when it asks for
/// `active.enquiries`. The pre-qualification statuses of the PATCH model
/// are refused with its choice error (Q13); `draft` only keeps a draft.
pub fn tender_patch(
    actor: Actor,
    mut edit: TenderEdit,
    slot: AuctionSlot,
) -> Result<Command, Refusal> {
    let status = edit.status.take();
    let edit = Box::new(edit);
    match status.as_deref() {
        None => Ok(Command::Edit {
            actor,
            edit,
            slot,
            as_draft: false,
        }),
        Some("draft") => Ok(Command::Edit {
            actor,
            edit,
            slot,
            as_draft: true,
        }),
        Some("active.enquiries") => Ok(Command::Activate { actor, edit, slot }),
        Some(_) => Err(refusals::one_of("status", &TENDER_STATUSES).as_list()),
    }
}

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
}

/// The `data` of `PATCH /tenders/{id}/cancellations/{cancellation_id}`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CancellationEdit {
    pub status: Option<String>,
}

/// Contracts of belowThreshold are signed in contracting (spec §11); the
/// tender takes only contracting's report ([`Command::ActivateContract`]).
pub const CONTRACT_PATCH_DEFERRED: &str =
    "Contracts are signed in contracting: changing a contract through the tender is not supported";

#[derive(Clone, Copy)]
enum CancellationIntent {
    Activate,
    Abandon,
}

/// `PATCH …/cancellations/{id}`: `active` (or `pending`, the same while
/// cancellation complaints are off) activates, `unsuccessful` abandons.
pub fn cancellation_patch(
    actor: Actor,
    cancellation_id: String,
    edit: CancellationEdit,
) -> Result<Command, Refusal> {
    let intent = wire::required_choice(
        edit.status.as_deref(),
        &[
            ("active", CancellationIntent::Activate),
            ("pending", CancellationIntent::Activate),
            ("unsuccessful", CancellationIntent::Abandon),
        ],
    )?;
    Ok(match intent {
        CancellationIntent::Activate => Command::ActivateCancellation {
            actor,
            cancellation_id,
        },
        CancellationIntent::Abandon => Command::AbandonCancellation {
            actor,
            cancellation_id,
        },
    })
}

/// `POST …/cancellations`: a sent status is ignored (spec C1).
pub fn new_cancellation(actor: Actor, cancellation: CancellationInput) -> Command {
    Command::RequestCancellation {
        actor,
        cancellation,
    }
}

/// One bid's price for a lot in the auction's report.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuctionLotValue {
    pub related_lot: Option<String>,
    pub value: Option<AuctionAmount>,
    pub date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuctionAmount {
    pub amount: Amount,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuctionBid {
    pub id: Option<String>,
    pub lot_values: Option<Vec<AuctionLotValue>>,
}

/// The `data` of `POST /tenders/{id}/auction/{lot_id}` (spec §9.2); an
/// unknown field fails parsing (the reference's "Rogue field").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuctionResults {
    pub bids: Vec<AuctionBid>,
}

/// `POST /tenders/{id}/auction/{lot_id}`: each bid's amount for the lot
/// (its lot value naming the lot, or its only one), in the tender's order.
pub fn auction_results(lot_id: String, results: AuctionResults) -> Result<Command, Refusal> {
    let results = results
        .bids
        .into_iter()
        .map(|bid| {
            if let Some(id) = &bid.id
                && id.parse::<crate::Id>().is_err()
            {
                return Err(Refusal::invalid(
                    "bids",
                    "[{\"id\": [\"Hash value is wrong length.\"]}]",
                ));
            }
            let values = bid.lot_values.unwrap_or_default();
            let for_lot = match values.as_slice() {
                [only] if only.related_lot.is_none() => Some(only),
                _ => values
                    .iter()
                    .find(|v| v.related_lot.as_deref() == Some(lot_id.as_str())),
            };
            Ok(AuctionResult {
                bid_id: bid.id,
                amount: for_lot.and_then(|v| v.value.as_ref()).map(|v| v.amount),
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Command::RecordAuction { lot_id, results })
}

/// A lot's entry in `PATCH /auction/{lot_id}`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuctionLotUrlInput {
    pub id: Option<String>,
    pub auction_url: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuctionLotValueUrl {
    pub related_lot: Option<String>,
    pub participation_url: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuctionBidUrlInput {
    pub id: Option<String>,
    pub lot_values: Option<Vec<AuctionLotValueUrl>>,
}

/// The `data` of `PATCH /tenders/{id}/auction/{lot_id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuctionUrls {
    #[serde(default)]
    pub lots: Vec<AuctionLotUrlInput>,
    #[serde(default)]
    pub bids: Vec<AuctionBidUrlInput>,
}

/// `PATCH /tenders/{id}/auction/{lot_id}`: values given for other lots
/// are ignored.
pub fn auction_urls(lot_id: String, urls: AuctionUrls) -> Command {
    let lots = urls
        .lots
        .into_iter()
        .map(|lot| AuctionLotUrl {
            lot_id: lot.id,
            auction_url: lot.auction_url,
        })
        .collect();
    let bids = urls
        .bids
        .into_iter()
        .map(|bid| {
            let values = bid.lot_values.unwrap_or_default();
            let for_lot = match values.as_slice() {
                [only] if only.related_lot.is_none() => Some(only),
                _ => values
                    .iter()
                    .find(|v| v.related_lot.as_deref() == Some(lot_id.as_str())),
            };
            AuctionBidUrl {
                bid_id: bid.id,
                for_lot: for_lot.is_some(),
                participation_url: for_lot.and_then(|v| v.participation_url.clone()),
            }
        })
        .collect();
    Command::SetAuctionUrls { lot_id, lots, bids }
}

/// `PATCH /tenders/{id}/auction` without a lot: the lot-less legacy form,
/// refused as the reference refuses it on a tender with lots.
pub fn auction_urls_without_lot() -> Refusal {
    Refusal::invalid(
        "bids",
        "[{\"participationUrl\": [\"url should be posted for each lot of bid\"]}]",
    )
}

#[derive(Clone, Copy)]
enum AwardIntent {
    Qualify,
    Disqualify,
    Cancel,
}

impl Requests for OpenTender {
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

    /// B3: `draft` or `pending` (the default).
    fn new_bid(actor: Actor, bid: BidInput, token_hash: String) -> Result<Command, Refusal> {
        let stage = wire::submission(bid.status.as_deref(), SUBMITTED).map_err(|_| Refusal {
            name: "bid".to_owned(),
            ..Refusal::not_allowed("Bid can be added only with status: ('draft', 'pending')")
        })?;
        Ok(Command::SubmitBid {
            actor,
            bid: Box::new(bid),
            stage,
            token_hash,
            transfer_hash: None,
        })
    }

    /// The reference hands a bidder a transfer token too.
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

    /// B4: a PATCH may name `pending` only (or `draft`, which the decider
    /// refuses for a submitted bid).
    fn bid_patch(actor: Actor, bid_id: String, mut edit: BidEdit) -> Result<Command, Refusal> {
        let status = edit.status.take();
        let stage = wire::bid_stage(status.as_deref(), SUBMITTED).map_err(|_| Refusal {
            name: "bid".to_owned(),
            ..Refusal::not_allowed(format!(
                "Can't update bid to ({}) status",
                status.as_deref().unwrap_or_default()
            ))
        })?;
        Ok(Command::EditBid {
            actor,
            bid_id,
            edit: Box::new(edit),
            stage,
        })
    }

    fn bid_withdrawal(actor: Actor, bid_id: String) -> Command {
        Command::WithdrawBid { actor, bid_id }
    }

    /// `active` qualifies, `unsuccessful` disqualifies (each checking
    /// `qualified` in the decider, before the award's status, as the
    /// reference's model does), `cancelled` takes an accepted award back.
    fn award_patch(actor: Actor, award_id: String, edit: AwardEdit) -> Result<Command, Refusal> {
        let intent = wire::required_choice(
            edit.status.as_deref(),
            &[
                ("active", AwardIntent::Qualify),
                ("unsuccessful", AwardIntent::Disqualify),
                ("cancelled", AwardIntent::Cancel),
            ],
        )?;
        let qualified = edit.qualified;
        Ok(match intent {
            AwardIntent::Qualify => Command::QualifyAward {
                actor,
                award_id,
                qualified,
            },
            AwardIntent::Disqualify => Command::DisqualifyAward {
                actor,
                award_id,
                qualified,
            },
            AwardIntent::Cancel => Command::CancelAward { actor, award_id },
        })
    }

    fn contract_patch(
        _actor: Actor,
        _contract_id: String,
        _edit: ContractEdit,
    ) -> Result<Command, Refusal> {
        Err(Refusal::not_allowed(CONTRACT_PATCH_DEFERRED))
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

    /// What the answer names in `Location`: the new bid, cancellation,
    /// document, question, or the award an award decision made next.
    fn made(events: &[Event]) -> Option<String> {
        events.iter().find_map(|event| match event {
            Event::BidSubmitted { bid, .. } => Some(bid.id.clone()),
            Event::CancellationRequested { cancellation } => Some(cancellation.id.clone()),
            Event::QuestionAsked { question } => Some(question.id.clone()),
            Event::DocumentAdded { document, .. }
            | Event::DocumentEdited { document, .. }
            | Event::DocumentVersionAdded { document, .. } => Some(document.id.clone()),
            Event::AwardRejected {
                next_award: Some(award),
                ..
            }
            | Event::AwardCancelled {
                next_award: Some(award),
                ..
            } => Some(award.id.clone()),
            _ => None,
        })
    }
}
