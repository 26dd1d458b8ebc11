//! Awards (one per bid that took part, in ranking order) and the contracts
//! an `active` award leads to (spec §3.3, §3.4, §7.6, §7.7).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::{Item, Organization};
use crate::procedures::common::refusals;
use crate::procurement::{Amount, Document, Money, Period, Refusal};

/// Award statuses of spec §3.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardStatus {
    /// A Winner: awaiting the protocol.
    Pending,
    /// Did not fit (yet): awaiting a decision.
    PendingWaiting,
    /// The conditional winner, offered the remainder.
    PendingAdmission,
    /// Winner, awaiting the contract.
    Active,
    /// Disqualified.
    Unsuccessful,
    /// Did not become a winner.
    Cancelled,
}

impl AwardStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AwardStatus::Pending => "pending",
            AwardStatus::PendingWaiting => "pending_waiting",
            AwardStatus::PendingAdmission => "pending_admission",
            AwardStatus::Active => "active",
            AwardStatus::Unsuccessful => "unsuccessful",
            AwardStatus::Cancelled => "cancelled",
        }
    }

    /// Whether the award's quantity counts as sold (`pending` or `active`).
    pub fn is_allocated(self) -> bool {
        matches!(self, AwardStatus::Pending | AwardStatus::Active)
    }

    /// Whether a decision on the award is still open.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            AwardStatus::Pending | AwardStatus::PendingWaiting | AwardStatus::PendingAdmission
        )
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, AwardStatus::Unsuccessful | AwardStatus::Cancelled)
    }
}

/// Termination reasons for a disqualification. The spec names the field
/// and says the value comes from a dictionary, but gives neither the BSM
/// dictionary nor its values (Q35); these are the grounds the spec itself
/// names (§6.1: the Winner refused to sign the protocol or the contract)
/// plus failing the participation requirements.
pub const TERMINATION_REASONS: [&str; 3] = [
    "protocolNotSigned",
    "contractNotSigned",
    "requirementsNotMet",
];

/// Document types an award may carry (spec §6.1).
pub const AWARD_DOCUMENT_TYPES: [&str; 4] = [
    "auctionProtocol",
    "rejectionProtocol",
    "act",
    "digitalSignature",
];

/// Document types a contract may carry (spec §6.2).
pub const CONTRACT_DOCUMENT_TYPES: [&str; 4] = [
    "contractSigned",
    "contractAnnexe",
    "contractNotice",
    "digitalSignature",
];

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Award {
    pub id: String,
    pub bid_id: String,
    pub status: AwardStatus,
    /// The bid's final price per unit.
    pub value: Money,
    /// Copied from the bid.
    pub buyers: Vec<Organization>,
    /// The lot, with `quantity` the bid's desired volume (or the volume a
    /// conditional winner accepted).
    pub items: Vec<Item>,
    pub termination_reason: Option<String>,
    /// Started when the award becomes `pending`; the spec gives no length
    /// and no consequence (Q13).
    pub verification_period: Option<Period>,
    pub signing_period: Option<Period>,
    /// Set when the award becomes `pending_admission`.
    pub admission_period: Option<Period>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_published: DateTime<Utc>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_modified: DateTime<Utc>,
}

impl Award {
    /// Whether the Organizer may disqualify the award for `reason` (spec
    /// A10/A11): `pending`, or `active` while its `contract` is unsigned
    /// (Q18); a reason from [`TERMINATION_REASONS`]; a `rejectionProtocol`
    /// or an `act` uploaded.
    pub fn check_disqualification(
        &self,
        contract: Option<&Contract>,
        reason: &str,
    ) -> Result<(), Refusal> {
        match self.status {
            AwardStatus::Pending => {}
            AwardStatus::Active if contract.is_none_or(|c| c.status == ContractStatus::Pending) => {
            }
            AwardStatus::Active => {
                return Err(Refusal::not_allowed(
                    "Can't disqualify a winner whose contract is already signed",
                ));
            }
            other => {
                return Err(refusals::status_refusal_of(
                    "award",
                    "disqualify award",
                    other.as_str(),
                ));
            }
        }
        if !TERMINATION_REASONS.contains(&reason) {
            return Err(refusals::one_of("terminationReason", &TERMINATION_REASONS));
        }
        if !self.has_document(&["rejectionProtocol", "act"]) {
            return Err(Refusal::invalid(
                "documents",
                "Upload a rejectionProtocol or an act to the award before disqualifying it",
            ));
        }
        Ok(())
    }

    /// The award's volume (`items[0].quantity`).
    pub fn quantity(&self) -> Decimal {
        self.items
            .first()
            .and_then(|item| item.quantity)
            .map(Amount::decimal)
            .unwrap_or_default()
    }

    /// Whether the award carries a document of one of `types`.
    pub fn has_document(&self, types: &[&str]) -> bool {
        self.documents.iter().any(|d| {
            d.document_type
                .as_deref()
                .is_some_and(|t| types.contains(&t))
        })
    }
}

/// Contract statuses of spec §3.4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractStatus {
    Pending,
    Active,
    Cancelled,
}

impl ContractStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ContractStatus::Pending => "pending",
            ContractStatus::Active => "active",
            ContractStatus::Cancelled => "cancelled",
        }
    }
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contract {
    pub id: String,
    pub award_id: String,
    pub status: ContractStatus,
    /// The price per unit, as awarded (Q36).
    pub value: Money,
    /// Price per unit × quantity, rounded to two decimals (Q36); absent
    /// only if the product does not fit an exact JSON number.
    pub contract_total_value: Option<Money>,
    pub items: Vec<Item>,
    pub buyers: Vec<Organization>,
    /// Set by the CDB when the contract becomes `active` (the model's
    /// `dataSigned`, read as a typo, Q19).
    #[serde(default, with = "crate::time::kyiv_serde_option")]
    pub date_signed: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_published: DateTime<Utc>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_modified: DateTime<Utc>,
}

impl Contract {
    /// Whether the Organizer may confirm the contract signed (C2): it is
    /// `pending` and holds the `contractSigned` document.
    pub fn check_signing(&self) -> Result<(), Refusal> {
        if self.status != ContractStatus::Pending {
            return Err(refusals::status_refusal_of(
                "contract",
                "update contract",
                self.status.as_str(),
            ));
        }
        if !self.has_document("contractSigned") {
            return Err(Refusal::invalid(
                "documents",
                "Upload the contractSigned document before activating the contract",
            ));
        }
        Ok(())
    }

    pub fn has_document(&self, kind: &str) -> bool {
        self.documents
            .iter()
            .any(|d| d.document_type.as_deref() == Some(kind))
    }
}
