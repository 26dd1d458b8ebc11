//! What happened to a multi-award sale. Events are small facts; one
//! decision often appends several (an award disqualified, the next one
//! promoted, the procedure's status re-derived), each to the stream of the
//! object it is about. Every fact a decision used — the auction's results,
//! the remainder a threshold was checked against, the period ends computed
//! on the calendar — is in the events, so folding them needs nothing else.
//! The catalogue is `docs/events-multi-award-sale.md`.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::command::AuctionResult;
use super::upcast;
use super::{
    Award, Bid, BidStatus, Cancellation, Config, Contract, Organization, Procedure, ProcedureEdit,
    ProcedureStatus,
};
use crate::event::{DomainEvent, EventDecodeError};
use crate::procurement::{Amount, Document, Money, Period, Target};

/// What made the CDB choose (or fail to choose) a conditional winner
/// (spec §4.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChoiceTrigger {
    /// T1: `qualificationPeriod` ended.
    QualificationPeriodEnded,
    /// T2: every Winner is decided and every winner's contract signed.
    WinnersSigned,
    /// T3: the initial allocation produced no Winner at all.
    NoWinners,
}

/// Why a waiting award was cancelled (spec A5a / A5b).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum WaitingCancelReason {
    /// Another award became the conditional winner.
    ConditionalWinnerChosen,
    /// The remainder is below `minimalPart`: nobody can be offered it.
    RemainderBelowMinimalPart,
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
        /// Active bids deactivated (→ `invalid`) by the edit.
        deactivated_bids: Vec<String>,
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
        value: Option<Money>,
        quantity: Option<Amount>,
        status: Option<BidStatus>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    BidWithdrawn {
        bid_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The tender period is over; `participants` are the bids that were
    /// `active` at its end, the only ones that take part.
    /// `excluded` are the later bids of a participant that had already bid
    /// through another broker (B-V4): they become `invalid`.
    TenderingEnded {
        participants: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        excluded: Vec<String>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// P2: at least two bids; the auction module runs.
    AuctionStarted {
        auction_period: Period,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The auction module's results: final prices replace the bids' values.
    AuctionResultsRecorded {
        results: Vec<AuctionResult>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// P3/P4: qualification begins; the awards follow as `AwardCreated`.
    QualificationStarted {
        qualification_period: Period,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// The sealed bids are opened when qualification starts: the bids that
    /// take part, in ranking order, with their final prices, as everyone may
    /// now see them. A sale that ends before qualification never discloses
    /// its bids.
    BidsDisclosed {
        bids: Vec<Bid>,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// One award, appended in ranking order, `pending` or `pending_waiting`
    /// as the initial allocation put it.
    AwardCreated { award: Box<Award> },
    /// A9: the Organizer qualified the award (protocol uploaded).
    AwardActivated {
        award_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// C1: the contract an `active` award leads to.
    ContractCreated { contract: Box<Contract> },
    /// A10/A11: the Organizer disqualified the award.
    AwardDisqualified {
        award_id: String,
        termination_reason: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// C3: the contract of an award disqualified at the contract stage.
    ContractCancelled {
        contract_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// A3: the first waiting award fits the remainder: now a Winner.
    AwardPromoted {
        award_id: String,
        remainder: Decimal,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// A4: the first waiting award is offered the remainder.
    ConditionalWinnerChosen {
        award_id: String,
        trigger: ChoiceTrigger,
        remainder: Decimal,
        admission_period: Period,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// A5a/A5b: a waiting award will not become a winner.
    WaitingAwardCancelled {
        award_id: String,
        reason: WaitingCancelReason,
        remainder: Decimal,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// A6: the conditional winner takes `quantity` of the remainder.
    AdmissionAccepted {
        award_id: String,
        quantity: Amount,
        remainder: Decimal,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// A7: the conditional winner refused.
    AdmissionRefused {
        award_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// A8: the admission period ended without an answer (silent refusal).
    AdmissionExpired {
        award_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// C2: the Organizer confirmed the signed contract.
    ContractSigned {
        contract_id: String,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// An automatic change of the procedure's status (P3–P5, P8, P9 and
    /// the `active_awarded` rule).
    ProcedureStatusChanged {
        status: ProcedureStatus,
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// P7: the Organizer completed the procedure.
    ProcedureCompleted {
        #[serde(with = "crate::time::kyiv_serde")]
        at: DateTime<Utc>,
    },
    /// P10: the Organizer cancelled the procedure.
    ProcedureCancelled { cancellation: Box<Cancellation> },
    DocumentAdded {
        target: Target,
        document: Box<Document>,
    },
    /// The current version of a document, as its description was changed.
    DocumentEdited {
        target: Target,
        document: Box<Document>,
    },
    /// A new version of a document, listed after its older ones under the
    /// same id.
    DocumentVersionAdded {
        target: Target,
        document: Box<Document>,
    },
}

/// Stored with [`DomainEvent`]'s schema versions: the events whose texts
/// became multiLang are written in version 2; their version-1 data is
/// upcast on reading (`upcast.rs`).
impl DomainEvent for Event {
    fn schema_version(&self) -> u32 {
        if upcast::CHANGED.contains(&self.event_type()) {
            2
        } else {
            1
        }
    }

    fn to_data(&self) -> serde_json::Value {
        crate::event::encode_tagged(self)
    }

    fn decode(
        event_type: &str,
        schema_version: u32,
        data: &serde_json::Value,
    ) -> Result<Self, EventDecodeError> {
        match schema_version {
            1 => crate::event::decode_tagged(event_type, &upcast::v1_to_v2(event_type, data)),
            2 if upcast::CHANGED.contains(&event_type) => {
                crate::event::decode_tagged(event_type, data)
            }
            _ => Err(EventDecodeError::UnknownType {
                event_type: event_type.to_owned(),
                schema_version,
            }),
        }
    }

    fn stream_id(&self, procedure_id: &str) -> String {
        match self {
            Event::BidSubmitted { bid, .. } => format!("bid-{}", bid.id),
            Event::BidEdited { bid_id, .. } | Event::BidWithdrawn { bid_id, .. } => {
                format!("bid-{bid_id}")
            }
            Event::AwardCreated { award } => format!("award-{}", award.id),
            Event::AwardActivated { award_id, .. }
            | Event::AwardDisqualified { award_id, .. }
            | Event::AwardPromoted { award_id, .. }
            | Event::ConditionalWinnerChosen { award_id, .. }
            | Event::WaitingAwardCancelled { award_id, .. }
            | Event::AdmissionAccepted { award_id, .. }
            | Event::AdmissionRefused { award_id, .. }
            | Event::AdmissionExpired { award_id, .. } => format!("award-{award_id}"),
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
            Event::TenderingEnded { .. } => "TenderingEnded",
            Event::BidsDisclosed { .. } => "BidsDisclosed",
            Event::AuctionStarted { .. } => "AuctionStarted",
            Event::AuctionResultsRecorded { .. } => "AuctionResultsRecorded",
            Event::QualificationStarted { .. } => "QualificationStarted",
            Event::AwardCreated { .. } => "AwardCreated",
            Event::AwardActivated { .. } => "AwardActivated",
            Event::ContractCreated { .. } => "ContractCreated",
            Event::AwardDisqualified { .. } => "AwardDisqualified",
            Event::ContractCancelled { .. } => "ContractCancelled",
            Event::AwardPromoted { .. } => "AwardPromoted",
            Event::ConditionalWinnerChosen { .. } => "ConditionalWinnerChosen",
            Event::WaitingAwardCancelled { .. } => "WaitingAwardCancelled",
            Event::AdmissionAccepted { .. } => "AdmissionAccepted",
            Event::AdmissionRefused { .. } => "AdmissionRefused",
            Event::AdmissionExpired { .. } => "AdmissionExpired",
            Event::ContractSigned { .. } => "ContractSigned",
            Event::ProcedureStatusChanged { .. } => "ProcedureStatusChanged",
            Event::ProcedureCompleted { .. } => "ProcedureCompleted",
            Event::ProcedureCancelled { .. } => "ProcedureCancelled",
            Event::DocumentAdded { .. } => "DocumentAdded",
            Event::DocumentEdited { .. } => "DocumentEdited",
            Event::DocumentVersionAdded { .. } => "DocumentVersionAdded",
        }
    }
}
