//! The state a priceQuotation decision is taken on, and how each event
//! changes it.

use super::event::Event;
use super::{
    AwardStatus, BidStatus, CancellationStatus, Config, ContractStatus, Target, Tender,
    TenderStatus, apply_edit,
};
use crate::procedures::common::{Parties, documents};
use crate::procurement::Document;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct State {
    /// `None` until the tender is created.
    pub tender: Option<Tender>,
    pub config: Config,
    pub parties: Parties,
    /// Lets another broker take the tender over.
    pub transfer_token_hash: String,
}

fn documents_of<'t>(tender: &'t mut Tender, target: &Target) -> Option<&'t mut Vec<Document>> {
    match target {
        Target::Procedure => Some(&mut tender.documents),
        Target::Bid(id) => documents::of(&mut tender.bids, id),
        Target::Award(id) => documents::of(&mut tender.awards, id),
        Target::Contract(id) => documents::of(&mut tender.contracts, id),
        Target::Cancellation(id) => documents::of(&mut tender.cancellations, id),
    }
}

pub fn evolve(mut state: State, event: &Event) -> State {
    if let Event::TenderCreated {
        tender,
        config,
        owner_token_hash,
        transfer_token_hash,
    } = event
    {
        state.tender = Some((**tender).clone());
        state.config = config.clone();
        state.parties.owner_token_hash = owner_token_hash.clone();
        state.transfer_token_hash = transfer_token_hash.clone();
        return state;
    }
    let Some(tender) = state.tender.as_mut() else {
        // Events before creation cannot exist; ignoring keeps evolve total.
        return state;
    };
    match event {
        Event::TenderCreated { .. } => {}
        Event::TenderEdited { edit, at } => {
            apply_edit(tender, edit);
            tender.date_modified = *at;
        }
        Event::TenderActivated {
            shortlisted_firms,
            contract_template_name,
            at,
            ..
        } => {
            tender.status = TenderStatus::ActiveTendering;
            tender.shortlisted_firms = Some(shortlisted_firms.clone());
            tender.contract_template_name = Some(contract_template_name.clone());
            tender.notice_publication_date = Some(*at);
            tender.date_modified = *at;
        }
        Event::BidSubmitted {
            bid,
            owner,
            token_hash,
            ..
        } => {
            state.parties.bid_placed(&bid.id, owner, token_hash);
            tender.bids.push((**bid).clone());
            tender.date_modified = bid.date;
        }
        Event::BidEdited {
            bid_id,
            value,
            requirement_responses,
            items,
            subcontracting_details,
            status,
            at,
        } => {
            if let Some(bid) = tender.bids.iter_mut().find(|b| &b.id == bid_id) {
                if let Some(value) = value {
                    bid.value = value.clone();
                }
                if let Some(responses) = requirement_responses {
                    bid.requirement_responses = responses.clone();
                }
                if items.is_some() {
                    bid.items = items.clone();
                }
                if subcontracting_details.is_some() {
                    bid.subcontracting_details = subcontracting_details.clone();
                }
                if let Some(status) = status {
                    if *status == BidStatus::Pending && bid.submission_date.is_none() {
                        bid.submission_date = Some(*at);
                    }
                    bid.status = *status;
                }
                bid.date = *at;
            }
            tender.date_modified = *at;
        }
        Event::BidWithdrawn { bid_id, at } => {
            if let Some(bid) = tender.bids.iter_mut().find(|b| &b.id == bid_id) {
                bid.status = BidStatus::Deleted;
            }
            tender.date_modified = *at;
        }
        Event::TenderingEnded {
            award,
            invalid,
            excluded,
            at,
        } => {
            for bid in tender.bids.iter_mut() {
                bid.status = match bid.status {
                    BidStatus::Pending | BidStatus::Active if invalid.contains(&bid.id) => {
                        BidStatus::Invalid
                    }
                    BidStatus::Pending | BidStatus::Active if excluded.contains(&bid.id) => {
                        BidStatus::Unsuccessful
                    }
                    BidStatus::Pending => BidStatus::Active,
                    BidStatus::Draft => BidStatus::Deleted,
                    other => other,
                };
                if bid.status == BidStatus::Active && bid.initial_value.is_none() {
                    bid.initial_value = Some(bid.value.clone());
                }
            }
            tender.tender_period.end_date = tender.tender_period.end_date.or(Some(*at));
            match award {
                Some(award) => {
                    tender.status = TenderStatus::ActiveQualification;
                    tender.awards.push(award.clone());
                }
                None => tender.status = TenderStatus::Unsuccessful,
            }
            tender.date_modified = *at;
        }
        Event::BidsDisclosed { bids, at } => {
            state
                .parties
                .disclose(bids.iter().map(|bid| bid.id.as_str()));
            tender.date_modified = *at;
        }
        Event::AwardAccepted {
            award_id,
            contract,
            at,
        } => {
            if let Some(award) = tender.awards.iter_mut().find(|a| &a.id == award_id) {
                award.status = AwardStatus::Active;
                award.qualified = Some(true);
                // An award keeps the deadline it was created with; those
                // created before awards had one end with the decision.
                award.period.end_date.get_or_insert(*at);
                award.date = *at;
            }
            tender.contracts.push((**contract).clone());
            tender.status = TenderStatus::ActiveAwarded;
            tender.date_modified = *at;
        }
        Event::AwardRejected {
            award_id,
            next_award,
            at,
        } => {
            let mut rejected_bid = None;
            if let Some(award) = tender.awards.iter_mut().find(|a| &a.id == award_id) {
                award.status = AwardStatus::Unsuccessful;
                award.qualified = Some(false);
                award.period.end_date.get_or_insert(*at);
                award.date = *at;
                rejected_bid = Some(award.bid_id.clone());
            }
            if let Some(bid) =
                rejected_bid.and_then(|id| tender.bids.iter_mut().find(|b| b.id == id))
            {
                bid.status = BidStatus::Unsuccessful;
            }
            match next_award {
                Some(award) => tender.awards.push(award.clone()),
                None => tender.status = TenderStatus::Unsuccessful,
            }
            tender.date_modified = *at;
        }
        Event::AwardCancelled {
            award_id,
            next_award,
            at,
        } => {
            if let Some(award) = tender.awards.iter_mut().find(|a| &a.id == award_id) {
                award.status = AwardStatus::Cancelled;
                award.date = *at;
            }
            for contract in tender
                .contracts
                .iter_mut()
                .filter(|c| &c.award_id == award_id)
            {
                contract.status = ContractStatus::Cancelled;
            }
            match next_award {
                Some(award) => {
                    tender.awards.push(award.clone());
                    tender.status = TenderStatus::ActiveQualification;
                }
                None => tender.status = TenderStatus::Unsuccessful,
            }
            tender.date_modified = *at;
        }
        Event::ContractSigned { contract_id, at } => {
            if let Some(contract) = tender.contracts.iter_mut().find(|c| &c.id == contract_id) {
                contract.status = ContractStatus::Active;
                contract.date_signed = Some(*at);
                contract.date = *at;
            }
            tender.status = TenderStatus::Complete;
            tender.date_modified = *at;
        }
        Event::CancellationRequested { cancellation } => {
            tender.date_modified = cancellation.date;
            tender.cancellations.push(cancellation.clone());
        }
        Event::CancellationEdited {
            cancellation_id,
            reason,
            reason_type,
            at,
        } => {
            if let Some(c) = tender
                .cancellations
                .iter_mut()
                .find(|c| &c.id == cancellation_id)
            {
                if let Some(reason) = reason {
                    c.reason = reason.clone();
                }
                if let Some(reason_type) = reason_type {
                    c.reason_type = reason_type.clone();
                }
            }
            tender.date_modified = *at;
        }
        Event::CancellationActivated {
            cancellation_id,
            at,
        } => {
            if let Some(c) = tender
                .cancellations
                .iter_mut()
                .find(|c| &c.id == cancellation_id)
            {
                c.status = CancellationStatus::Active;
                c.date = *at;
            }
            tender.status = TenderStatus::Cancelled;
            tender.date_modified = *at;
        }
        Event::DocumentAdded { target, document }
        | Event::DocumentVersionAdded { target, document } => {
            let modified = document.date_modified;
            if let Some(documents) = documents_of(tender, target) {
                documents.push(document.clone());
            }
            tender.date_modified = modified;
        }
        Event::DocumentEdited { target, document } => {
            if let Some(documents) = documents_of(tender, target) {
                documents::replace_current(documents, document);
            }
            tender.date_modified = document.date_modified;
        }
        Event::OwnershipTransferred {
            owner,
            token_hash,
            transfer_hash,
            at,
        } => {
            tender.owner = owner.clone();
            state.parties.owner_token_hash = token_hash.clone();
            state.transfer_token_hash = transfer_hash.clone();
            tender.date_modified = *at;
        }
    }
    state
}
