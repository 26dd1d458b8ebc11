//! The state a multi-award sale decision is taken on, and how each event
//! changes it.

use super::event::Event;
use super::{
    AwardStatus, BidStatus, Config, ContractStatus, Procedure, ProcedureStatus, Target, apply_edit,
};
use crate::procedures::common::{Parties, documents};
use crate::procurement::{Document, Period};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct State {
    /// `None` until the procedure is created.
    pub procedure: Option<Procedure>,
    pub config: Config,
    pub parties: Parties,
}

fn documents_of<'p>(
    procedure: &'p mut Procedure,
    target: &Target,
) -> Option<&'p mut Vec<Document>> {
    match target {
        Target::Procedure => Some(&mut procedure.documents),
        Target::Bid(id) => documents::of(&mut procedure.bids, id),
        Target::Award(id) => documents::of(&mut procedure.awards, id),
        Target::Contract(id) => documents::of(&mut procedure.contracts, id),
        Target::Cancellation(id) => documents::of(&mut procedure.cancellations, id),
    }
}

fn started(at: chrono::DateTime<chrono::Utc>) -> Option<Period> {
    Some(Period {
        start_date: Some(at),
        end_date: None,
    })
}

/// The award, its `dateModified` set to `at`, if it exists.
fn set_award<'p>(
    procedure: &'p mut Procedure,
    award_id: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Option<&'p mut super::Award> {
    let award = procedure.awards.iter_mut().find(|a| a.id == award_id)?;
    award.date_modified = at;
    Some(award)
}

fn set_contract<'p>(
    procedure: &'p mut Procedure,
    contract_id: &str,
    status: ContractStatus,
    at: chrono::DateTime<chrono::Utc>,
) -> Option<&'p mut super::Contract> {
    let contract = procedure
        .contracts
        .iter_mut()
        .find(|c| c.id == contract_id)?;
    contract.status = status;
    contract.date_modified = at;
    Some(contract)
}

pub fn evolve(mut state: State, event: &Event) -> State {
    if let Event::ProcedureCreated {
        procedure,
        config,
        owner_token_hash,
    } = event
    {
        state.procedure = Some((**procedure).clone());
        state.config = config.clone();
        state.parties.owner_token_hash = owner_token_hash.clone();
        return state;
    }
    let Some(procedure) = state.procedure.as_mut() else {
        // Events before creation cannot exist; ignoring keeps evolve total.
        return state;
    };
    match event {
        Event::ProcedureCreated { .. } => {}
        Event::ProcedureEdited {
            edit,
            deactivated_bids,
            at,
        } => {
            apply_edit(procedure, edit);
            for bid in procedure.bids.iter_mut() {
                if deactivated_bids.contains(&bid.id) {
                    bid.status = BidStatus::Invalid;
                }
            }
            procedure.date_modified = *at;
        }
        Event::BidSubmitted {
            bid,
            owner,
            token_hash,
        } => {
            state.parties.bid_placed(&bid.id, owner, token_hash);
            procedure.date_modified = bid.date_modified;
            procedure.bids.push((**bid).clone());
        }
        Event::BidEdited {
            bid_id,
            bidders,
            value,
            quantity,
            status,
            at,
        } => {
            if let Some(bid) = procedure.bids.iter_mut().find(|b| &b.id == bid_id) {
                if let Some(bidders) = bidders {
                    bid.bidders = bidders.clone();
                }
                if let Some(value) = value {
                    bid.value = value.clone();
                }
                if let Some(quantity) = quantity {
                    bid.quantity = *quantity;
                }
                if let Some(status) = status {
                    bid.status = *status;
                }
                bid.date_modified = *at;
            }
            procedure.date_modified = *at;
        }
        Event::BidWithdrawn { bid_id, at } => {
            if let Some(bid) = procedure.bids.iter_mut().find(|b| &b.id == bid_id) {
                bid.status = BidStatus::Deleted;
                bid.date_modified = *at;
            }
            procedure.date_modified = *at;
        }
        Event::TenderingEnded { excluded, at, .. } => {
            for bid in procedure.bids.iter_mut() {
                if excluded.contains(&bid.id) {
                    bid.status = BidStatus::Invalid;
                }
            }
            procedure.date_modified = *at;
        }
        Event::BidsDisclosed { bids, .. } => {
            state
                .parties
                .disclose(bids.iter().map(|bid| bid.id.as_str()));
        }
        Event::AuctionStarted { auction_period, at } => {
            procedure.status = ProcedureStatus::ActiveAuction;
            procedure.auction_period = Some(auction_period.clone());
            procedure.date_modified = *at;
        }
        Event::AuctionResultsRecorded { results, at } => {
            for result in results {
                if let Some(bid) = procedure.bids.iter_mut().find(|b| b.id == result.bid_id) {
                    bid.initial_value_amount = Some(bid.value.amount);
                    bid.value.amount = result.value;
                }
            }
            if let Some(period) = procedure.auction_period.as_mut() {
                period.end_date = Some(*at);
            }
            procedure.date_modified = *at;
        }
        Event::QualificationStarted {
            qualification_period,
            at,
        } => {
            procedure.status = ProcedureStatus::ActiveQualification;
            procedure.qualification_period = Some(qualification_period.clone());
            procedure.date_modified = *at;
        }
        Event::AwardCreated { award } => {
            procedure.date_modified = award.date_modified;
            procedure.awards.push((**award).clone());
        }
        Event::AwardActivated { award_id, at } => {
            if let Some(award) = set_award(procedure, award_id, *at) {
                award.status = AwardStatus::Active;
            }
            procedure.date_modified = *at;
        }
        Event::ContractCreated { contract } => {
            procedure.date_modified = contract.date_modified;
            procedure.contracts.push((**contract).clone());
        }
        Event::AwardDisqualified {
            award_id,
            termination_reason,
            at,
        } => {
            if let Some(award) = set_award(procedure, award_id, *at) {
                award.status = AwardStatus::Unsuccessful;
                award.termination_reason = Some(termination_reason.clone());
            }
            procedure.date_modified = *at;
        }
        Event::ContractCancelled { contract_id, at } => {
            set_contract(procedure, contract_id, ContractStatus::Cancelled, *at);
            procedure.date_modified = *at;
        }
        Event::AwardPromoted { award_id, at, .. } => {
            if let Some(award) = set_award(procedure, award_id, *at) {
                award.status = AwardStatus::Pending;
                award.verification_period = started(*at);
                award.signing_period = started(*at);
            }
            procedure.date_modified = *at;
        }
        Event::ConditionalWinnerChosen {
            award_id,
            admission_period,
            at,
            ..
        } => {
            if let Some(award) = set_award(procedure, award_id, *at) {
                award.status = AwardStatus::PendingAdmission;
                award.admission_period = Some(admission_period.clone());
            }
            procedure.date_modified = *at;
        }
        Event::WaitingAwardCancelled { award_id, at, .. }
        | Event::AdmissionRefused { award_id, at }
        | Event::AdmissionExpired { award_id, at } => {
            if let Some(award) = set_award(procedure, award_id, *at) {
                award.status = AwardStatus::Cancelled;
            }
            procedure.date_modified = *at;
        }
        Event::AdmissionAccepted {
            award_id,
            quantity,
            at,
            ..
        } => {
            if let Some(award) = set_award(procedure, award_id, *at) {
                award.status = AwardStatus::Pending;
                if let Some(item) = award.items.first_mut() {
                    item.quantity = Some(*quantity);
                }
                award.verification_period = started(*at);
                award.signing_period = started(*at);
            }
            procedure.date_modified = *at;
        }
        Event::ContractSigned { contract_id, at } => {
            if let Some(contract) =
                set_contract(procedure, contract_id, ContractStatus::Active, *at)
            {
                contract.date_signed = Some(*at);
            }
            procedure.date_modified = *at;
        }
        Event::ProcedureStatusChanged { status, at } => {
            procedure.status = *status;
            procedure.date_modified = *at;
        }
        Event::ProcedureCompleted { at } => {
            procedure.status = ProcedureStatus::Complete;
            procedure.date_modified = *at;
        }
        Event::ProcedureCancelled { cancellation } => {
            procedure.status = ProcedureStatus::Cancelled;
            procedure.date_modified = cancellation.date;
            procedure.cancellations.push((**cancellation).clone());
        }
        Event::DocumentAdded { target, document }
        | Event::DocumentVersionAdded { target, document } => {
            let modified = document.date_modified;
            if let Some(documents) = documents_of(procedure, target) {
                documents.push((**document).clone());
            }
            procedure.date_modified = modified;
        }
        Event::DocumentEdited { target, document } => {
            if let Some(documents) = documents_of(procedure, target) {
                documents::replace_current(documents, document);
            }
            procedure.date_modified = document.date_modified;
        }
    }
    state
}
