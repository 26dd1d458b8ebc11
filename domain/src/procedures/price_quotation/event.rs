//! What happened to a priceQuotation tender. Every event records the facts
//! its decision used (catalogue data, times, chosen bids), so folding the
//! events never needs the outside world.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use super::catalogue::CatalogueSnapshot;
use super::{Award, Bid, BidStatus, Cancellation, Config, Contract, Tender, TenderEdit};
use crate::event::TaggedEvent;
use crate::procurement::{Document, Item, Money, RequirementResponse, Target};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum Event {
    TenderCreated {
        tender: Box<Tender>,
        config: Config,
        owner_token_hash: String,
        transfer_token_hash: String,
    },
    TenderEdited {
        edit: Box<TenderEdit>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    TenderActivated {
        catalogue: CatalogueSnapshot,
        shortlisted_firms: Vec<Map<String, Json>>,
        contract_template_name: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    BidSubmitted {
        bid: Box<Bid>,
        owner: String,
        token_hash: String,
        /// The hash of the bid's transfer token; absent in bids placed
        /// before bids had one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transfer_hash: Option<String>,
    },
    BidEdited {
        bid_id: String,
        value: Option<Money>,
        requirement_responses: Option<Vec<RequirementResponse>>,
        items: Option<Vec<Item>>,
        subcontracting_details: Option<String>,
        status: Option<BidStatus>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    BidWithdrawn {
        bid_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The tender period is over: the lowest bid's award, or none (the
    /// tender is unsuccessful). `invalid` are the bids whose tenderer was
    /// no longer a qualified supplier in the tender's agreement at that
    /// moment (absent in events recorded before that check): they become
    /// `invalid`. `excluded` are the later bids of a tenderer that had
    /// already bid through another broker (one bid per tenderer is enforced
    /// here, not at submission, so that a refusal never tells a third party
    /// who has bid): they become `unsuccessful`.
    TenderingEnded {
        award: Option<Award>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        invalid: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        excluded: Vec<String>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The sealed bids are opened: the bids that take part, with their
    /// final values, as everyone may now see them. Appended with
    /// `TenderingEnded` when at least one bid takes part; never in a tender
    /// that ends before that, whose bids stay sealed for ever.
    BidsDisclosed {
        bids: Vec<Bid>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    AwardAccepted {
        award_id: String,
        contract: Box<Contract>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The award is unsuccessful; the next-lowest bid's award follows, or
    /// none is left and the tender is unsuccessful.
    AwardRejected {
        award_id: String,
        next_award: Option<Award>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The owner took back the accepted award: it and its contract are
    /// `cancelled`, and `next_award` is the new pending award for the
    /// lowest-priced bid without an award still standing (the same bid,
    /// whose only award was this one), or none and the tender is
    /// unsuccessful.
    AwardCancelled {
        award_id: String,
        next_award: Option<Award>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    ContractSigned {
        contract_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    CancellationRequested {
        cancellation: Cancellation,
    },
    /// The draft cancellation's new reason and/or reason type (each absent
    /// when unchanged; edits recorded before reason types could change
    /// always carry the reason).
    CancellationEdited {
        cancellation_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason_type: Option<String>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    CancellationActivated {
        cancellation_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    DocumentAdded {
        #[serde(with = "crate::procedures::common::tender_target")]
        target: Target,
        document: Document,
    },
    /// The current version of a document, as its description was changed.
    DocumentEdited {
        #[serde(with = "crate::procedures::common::tender_target")]
        target: Target,
        document: Document,
    },
    /// A new version of a document, listed after its older ones under the
    /// same id.
    DocumentVersionAdded {
        #[serde(with = "crate::procedures::common::tender_target")]
        target: Target,
        document: Document,
    },
    OwnershipTransferred {
        owner: String,
        token_hash: String,
        transfer_hash: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
}

impl TaggedEvent for Event {
    fn stream_id(&self, procedure_id: &str) -> String {
        match self {
            Event::BidSubmitted { bid, .. } => format!("bid-{}", bid.id),
            Event::BidEdited { bid_id, .. } | Event::BidWithdrawn { bid_id, .. } => {
                format!("bid-{bid_id}")
            }
            Event::AwardAccepted { award_id, .. }
            | Event::AwardRejected { award_id, .. }
            | Event::AwardCancelled { award_id, .. } => {
                format!("award-{award_id}")
            }
            Event::ContractSigned { contract_id, .. } => format!("contract-{contract_id}"),
            Event::DocumentAdded { target, .. }
            | Event::DocumentEdited { target, .. }
            | Event::DocumentVersionAdded { target, .. } => target.stream(procedure_id),
            _ => format!("tender-{procedure_id}"),
        }
    }

    fn event_type(&self) -> &'static str {
        match self {
            Event::TenderCreated { .. } => "TenderCreated",
            Event::TenderEdited { .. } => "TenderEdited",
            Event::TenderActivated { .. } => "TenderActivated",
            Event::BidSubmitted { .. } => "BidSubmitted",
            Event::BidEdited { .. } => "BidEdited",
            Event::BidWithdrawn { .. } => "BidWithdrawn",
            Event::TenderingEnded { .. } => "TenderingEnded",
            Event::BidsDisclosed { .. } => "BidsDisclosed",
            Event::AwardAccepted { .. } => "AwardAccepted",
            Event::AwardRejected { .. } => "AwardRejected",
            Event::AwardCancelled { .. } => "AwardCancelled",
            Event::ContractSigned { .. } => "ContractSigned",
            Event::CancellationRequested { .. } => "CancellationRequested",
            Event::CancellationEdited { .. } => "CancellationEdited",
            Event::CancellationActivated { .. } => "CancellationActivated",
            Event::DocumentAdded { .. } => "DocumentAdded",
            Event::DocumentEdited { .. } => "DocumentEdited",
            Event::DocumentVersionAdded { .. } => "DocumentVersionAdded",
            Event::OwnershipTransferred { .. } => "OwnershipTransferred",
        }
    }
}
