//! The state a Dutch sale's decision is taken on, how each event changes
//! it, and its records as the shared rules see them.

use chrono::{DateTime, Utc};

use super::event::Event;
use super::{AwardStatus, BidStatus, Config, ContractStatus, Procedure, ProcedureStatus, Target};
use super::{Bid, procedure::apply_edit};
use crate::procedures::common::{self, BidRecord, Parties, Records, Root, documents};
use crate::procurement::one_bid_per_party::Party;
use crate::procurement::{Document, Identifier, Money, Period};

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

fn started(at: DateTime<Utc>) -> Option<Period> {
    Some(Period {
        start_date: Some(at),
        end_date: None,
    })
}

fn set_award(procedure: &mut Procedure, award_id: &str, status: AwardStatus, at: DateTime<Utc>) {
    if let Some(award) = procedure.awards.iter_mut().find(|a| a.id == award_id) {
        award.status = status;
        award.date_modified = at;
        if status == AwardStatus::Pending {
            award.verification_period = started(at);
            award.signing_period = started(at);
        }
    }
}

fn set_contract(
    procedure: &mut Procedure,
    contract_id: &str,
    status: ContractStatus,
    at: DateTime<Utc>,
) {
    if let Some(contract) = procedure.contracts.iter_mut().find(|c| c.id == contract_id) {
        contract.status = status;
        contract.date_modified = at;
        if status == ContractStatus::Active {
            contract.date_signed = Some(at);
        }
    }
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
    let at = match event {
        Event::ProcedureCreated { .. } => return state,
        Event::ProcedureEdited { edit, at } => {
            apply_edit(procedure, edit);
            *at
        }
        Event::BidSubmitted {
            bid,
            owner,
            token_hash,
        } => {
            state.parties.bid_placed(&bid.id, owner, token_hash);
            procedure.bids.push((**bid).clone());
            bid.date_modified
        }
        Event::BidEdited {
            bid_id,
            bidders,
            status,
            at,
        } => {
            if let Some(bid) = procedure.bids.iter_mut().find(|b| &b.id == bid_id) {
                if let Some(bidders) = bidders {
                    bid.bidders = bidders.clone();
                }
                if let Some(status) = status {
                    bid.status = *status;
                }
                bid.date_modified = *at;
            }
            *at
        }
        Event::BidWithdrawn { bid_id, at } => {
            if let Some(bid) = procedure.bids.iter_mut().find(|b| &b.id == bid_id) {
                bid.status = BidStatus::Deleted;
                bid.date_modified = *at;
            }
            *at
        }
        Event::AuctionStarted {
            start,
            bids_close,
            at,
        } => {
            procedure.status = ProcedureStatus::ActiveAuction;
            procedure.auction_period.start_date = Some(*start);
            procedure.tender_period.end_date = Some(*bids_close);
            *at
        }
        Event::AuctionResultsRecorded { results, at, .. } => {
            for placed in results {
                if let Some(bid) = procedure.bids.iter_mut().find(|b| b.id == placed.bid_id) {
                    bid.value = Some(Money {
                        amount: placed.amount,
                        ..procedure.value.clone()
                    });
                }
            }
            procedure.auction_period.end_date = Some(*at);
            procedure.status = ProcedureStatus::ActiveQualification;
            *at
        }
        Event::BidsDisclosed { bids, at } => {
            state
                .parties
                .disclose(bids.iter().map(|bid| bid.id.as_str()));
            *at
        }
        Event::AuctionFailed { at, .. } => {
            procedure.auction_period.end_date = Some(*at);
            procedure.status = ProcedureStatus::Unsuccessful;
            *at
        }
        Event::AwardCreated { award } => {
            procedure.awards.push((**award).clone());
            award.date_modified
        }
        Event::AwardActivated { award_id, at } => {
            set_award(procedure, award_id, AwardStatus::Active, *at);
            *at
        }
        Event::AwardDisqualified {
            award_id,
            termination_reason,
            at,
        } => {
            set_award(procedure, award_id, AwardStatus::Unsuccessful, *at);
            if let Some(award) = procedure.awards.iter_mut().find(|a| &a.id == award_id) {
                award.termination_reason = Some(termination_reason.clone());
            }
            *at
        }
        Event::AwardRefused { award_id, at } | Event::WaitingAwardCancelled { award_id, at } => {
            set_award(procedure, award_id, AwardStatus::Cancelled, *at);
            *at
        }
        Event::AwardPromoted { award_id, at } => {
            set_award(procedure, award_id, AwardStatus::Pending, *at);
            *at
        }
        Event::ContractCreated { contract } => {
            procedure.contracts.push((**contract).clone());
            contract.date_modified
        }
        Event::ContractCancelled { contract_id, at } => {
            set_contract(procedure, contract_id, ContractStatus::Cancelled, *at);
            *at
        }
        Event::ContractSigned { contract_id, at } => {
            set_contract(procedure, contract_id, ContractStatus::Active, *at);
            *at
        }
        Event::ProcedureStatusChanged { status, at } => {
            procedure.status = *status;
            *at
        }
        Event::ProcedureCancelled { cancellation } => {
            procedure.status = ProcedureStatus::Cancelled;
            procedure.cancellations.push((**cancellation).clone());
            cancellation.date
        }
        Event::DocumentAdded { target, document }
        | Event::DocumentVersionAdded { target, document } => {
            if let Some(documents) = documents_of(procedure, target) {
                documents.push((**document).clone());
            }
            document.date_modified
        }
        Event::DocumentEdited { target, document } => {
            if let Some(documents) = documents_of(procedure, target) {
                documents::replace_current(documents, document);
            }
            document.date_modified
        }
    };
    procedure.date_modified = at;
    state
}

common::records::documented_records!(Bid);

impl BidRecord for Bid {
    fn is_withdrawn(&self) -> bool {
        self.status == BidStatus::Deleted
    }

    fn bids_as(&self, party: &Identifier) -> bool {
        self.bidders
            .iter()
            .any(|bidder| Party::key(bidder) == (party.scheme.as_str(), party.id.as_str()))
    }
}

impl Root for Procedure {
    type Bid = Bid;
    const STATUS_OF: &'static str = "procedure";

    fn status_str(&self) -> &'static str {
        self.status.as_str()
    }

    /// Bids are taken while `active_tendering` and, placed or activated
    /// only, until round 1 ends.
    fn is_tendering(&self) -> bool {
        matches!(
            self.status,
            ProcedureStatus::ActiveTendering | ProcedureStatus::ActiveAuction
        )
    }

    fn tender_period(&self) -> &Period {
        &self.tender_period
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    fn bids(&self) -> &[Bid] {
        &self.bids
    }
}

impl Records for State {
    type Root = Procedure;
    type Config = Config;
    const ROOT_PARAM: &'static str = "procedure_id";

    fn root(&self) -> Option<&Procedure> {
        self.procedure.as_ref()
    }

    fn config(&self) -> &Config {
        &self.config
    }

    fn parties(&self) -> &Parties {
        &self.parties
    }
}
