//! What happened to a Dutch sale: small facts, each on the stream of the
//! object it is about. Every fact a decision used (the auction's start,
//! the results, who was left out) is in the events, so folding them needs
//! nothing else. The catalogue is `docs/events-dutch-sale.md`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Award, Bid, Cancellation, Config, Contract, Organization, Procedure, ProcedureEdit};
use super::{BidStatus, ProcedureStatus};
use crate::auction::Unsuccessful;
use crate::event::{DomainEvent, EventDecodeError, decode_tagged_v1, encode_tagged};
use crate::procurement::{Amount, Document, Target};

/// One bid's place in the auction's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Placed {
    pub bid_id: String,
    pub amount: Amount,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum Event {
    ProcedureCreated {
        procedure: Box<Procedure>,
        config: Config,
        owner_token_hash: String,
    },
    ProcedureEdited {
        edit: Box<ProcedureEdit>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    BidSubmitted {
        bid: Box<Bid>,
        owner: String,
        token_hash: String,
    },
    BidEdited {
        bid_id: String,
        bidders: Option<Vec<Organization>>,
        status: Option<BidStatus>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    BidWithdrawn {
        bid_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// `auctionPeriod.startDate` came: the auction runs from `start` (the
    /// published date, or the moment the CDB could start it if it came
    /// after the familiarisation pause), its round 1 ending at `bids_close`.
    AuctionStarted {
        #[serde(with = "crate::time::kyiv_serde")]
        start: DateTime<Utc>,
        #[serde(with = "crate::time::kyiv_serde")]
        bids_close: DateTime<Utc>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The results, best first, without the later bids of a participant
    /// that bid more than once (`left_out`).
    AuctionResultsRecorded {
        results: Vec<Placed>,
        left_out: Vec<String>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// Everyone may now see these bids, as they stand.
    BidsDisclosed {
        bids: Vec<Bid>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The auction ended without a winner.
    AuctionFailed {
        reason: Unsuccessful,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    AwardCreated {
        award: Box<Award>,
    },
    AwardActivated {
        award_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    AwardDisqualified {
        award_id: String,
        termination_reason: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The winner refused its award.
    AwardRefused {
        award_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The waiting award became the winner's.
    AwardPromoted {
        award_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The sale is won: the award still waiting will never be the
    /// winner's.
    WaitingAwardCancelled {
        award_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    ContractCreated {
        contract: Box<Contract>,
    },
    ContractCancelled {
        contract_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    ContractSigned {
        contract_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    ProcedureStatusChanged {
        status: ProcedureStatus,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    ProcedureCancelled {
        cancellation: Box<Cancellation>,
    },
    DocumentAdded {
        target: Target,
        document: Box<Document>,
    },
    DocumentEdited {
        target: Target,
        document: Box<Document>,
    },
    DocumentVersionAdded {
        target: Target,
        document: Box<Document>,
    },
}

impl DomainEvent for Event {
    fn stream_id(&self, procedure_id: &str) -> String {
        match self {
            Event::BidSubmitted { bid, .. } => format!("bid-{}", bid.id),
            Event::BidEdited { bid_id, .. } | Event::BidWithdrawn { bid_id, .. } => {
                format!("bid-{bid_id}")
            }
            Event::AwardCreated { award } => format!("award-{}", award.id),
            Event::AwardActivated { award_id, .. }
            | Event::AwardDisqualified { award_id, .. }
            | Event::AwardRefused { award_id, .. }
            | Event::AwardPromoted { award_id, .. }
            | Event::WaitingAwardCancelled { award_id, .. } => format!("award-{award_id}"),
            Event::ContractCreated { contract } => format!("contract-{}", contract.id),
            Event::ContractCancelled { contract_id, .. }
            | Event::ContractSigned { contract_id, .. } => format!("contract-{contract_id}"),
            Event::DocumentAdded { target, .. }
            | Event::DocumentEdited { target, .. }
            | Event::DocumentVersionAdded { target, .. } => target.stream(procedure_id),
            _ => format!("tender-{procedure_id}"),
        }
    }

    fn event_type(&self) -> &'static str {
        match self {
            Event::ProcedureCreated { .. } => "ProcedureCreated",
            Event::ProcedureEdited { .. } => "ProcedureEdited",
            Event::BidSubmitted { .. } => "BidSubmitted",
            Event::BidEdited { .. } => "BidEdited",
            Event::BidWithdrawn { .. } => "BidWithdrawn",
            Event::AuctionStarted { .. } => "AuctionStarted",
            Event::AuctionResultsRecorded { .. } => "AuctionResultsRecorded",
            Event::BidsDisclosed { .. } => "BidsDisclosed",
            Event::AuctionFailed { .. } => "AuctionFailed",
            Event::AwardCreated { .. } => "AwardCreated",
            Event::AwardActivated { .. } => "AwardActivated",
            Event::AwardDisqualified { .. } => "AwardDisqualified",
            Event::AwardRefused { .. } => "AwardRefused",
            Event::AwardPromoted { .. } => "AwardPromoted",
            Event::WaitingAwardCancelled { .. } => "WaitingAwardCancelled",
            Event::ContractCreated { .. } => "ContractCreated",
            Event::ContractCancelled { .. } => "ContractCancelled",
            Event::ContractSigned { .. } => "ContractSigned",
            Event::ProcedureStatusChanged { .. } => "ProcedureStatusChanged",
            Event::ProcedureCancelled { .. } => "ProcedureCancelled",
            Event::DocumentAdded { .. } => "DocumentAdded",
            Event::DocumentEdited { .. } => "DocumentEdited",
            Event::DocumentVersionAdded { .. } => "DocumentVersionAdded",
        }
    }

    fn to_data(&self) -> serde_json::Value {
        encode_tagged(self)
    }

    fn decode(
        event_type: &str,
        schema_version: u32,
        data: &serde_json::Value,
    ) -> Result<Self, EventDecodeError> {
        decode_tagged_v1(event_type, schema_version, data)
    }
}
