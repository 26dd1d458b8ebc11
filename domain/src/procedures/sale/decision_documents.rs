//! The Organizer's documents on a sale's decisions: an award's protocols,
//! a contract's signed copy and annexes, a cancellation's decision. Every
//! sale takes them by the same rules.

use super::{
    AWARD_DOCUMENT_TYPES, Award, AwardStatus, CANCELLATION_DOCUMENT_TYPES, CONTRACT_DOCUMENT_TYPES,
    Cancellation, Contract, ContractStatus, ProcedureStatus,
};
use crate::procedures::common::{Root, documents, lookup, refusals};
use crate::procurement::{DocumentInput, Refusal, Target};

/// A sale's decisions, as the rules on their documents read them.
pub struct Decisions<'s, R> {
    pub procedure: &'s R,
    pub status: ProcedureStatus,
    pub awards: &'s [Award],
    pub contracts: &'s [Contract],
    pub cancellations: &'s [Cancellation],
}

impl<R: Root> Decisions<'_, R> {
    /// Whether the Organizer (already known to be the caller) may give the
    /// award, contract or cancellation `target` the document `input` now;
    /// if so, what the document is of. An award takes its protocol while
    /// `pending`, other documents while `pending` or `active`; a contract
    /// its signed copy while `pending`, others unless `cancelled`.
    pub fn may_attach(
        &self,
        target: &Target,
        input: &DocumentInput,
    ) -> Result<&'static str, Refusal> {
        let in_qualification = self.status.in_qualification();
        match target {
            Target::Award(award_id) => {
                let award = lookup::by_id(self.awards, award_id, "award_id")?;
                if !in_qualification {
                    return Err(refusals::status_refusal(
                        self.procedure,
                        "add document to award",
                    ));
                }
                documents::check_type(input, &AWARD_DOCUMENT_TYPES, true)?;
                let allowed = match input.document_type.as_deref() {
                    Some("auctionProtocol") => award.status == AwardStatus::Pending,
                    _ => matches!(award.status, AwardStatus::Pending | AwardStatus::Active),
                };
                if !allowed {
                    return Err(refusals::status_refusal_of(
                        "award",
                        "add document to award",
                        award.status.as_str(),
                    ));
                }
                Ok("award")
            }
            Target::Contract(contract_id) => {
                let contract = lookup::by_id(self.contracts, contract_id, "contract_id")?;
                if !in_qualification {
                    return Err(refusals::status_refusal(
                        self.procedure,
                        "add document to contract",
                    ));
                }
                documents::check_type(input, &CONTRACT_DOCUMENT_TYPES, true)?;
                let allowed = match input.document_type.as_deref() {
                    Some("contractSigned") => contract.status == ContractStatus::Pending,
                    _ => contract.status != ContractStatus::Cancelled,
                };
                if !allowed {
                    return Err(refusals::status_refusal_of(
                        "contract",
                        "add document to contract",
                        contract.status.as_str(),
                    ));
                }
                Ok("contract")
            }
            Target::Cancellation(cancellation_id) => {
                lookup::by_id(self.cancellations, cancellation_id, "cancellation_id")?;
                documents::check_type(input, &CANCELLATION_DOCUMENT_TYPES, true)?;
                Ok("cancellation")
            }
            Target::Procedure | Target::Bid(_) => Err(Refusal::not_found("document_id")),
        }
    }
}
