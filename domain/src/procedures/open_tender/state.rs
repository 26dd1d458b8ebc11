//! The state a belowThreshold decision is taken on, and how each event
//! changes it.

use super::event::{Event, TenderingOutcome};
use super::{
    AwardStatus, BidStatus, CancellationStatus, Config, ContractStatus, LotStatus, LotValueStatus,
    Target, Tender, TenderStatus,
};
use crate::procedures::common::{Parties, documents};
use crate::procurement::{Document, Period};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct State {
    /// `None` until the tender is created.
    pub tender: Option<Tender>,
    pub config: Config,
    pub parties: Parties,
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

/// Every status change sets `date`; leaving for `unsuccessful` or
/// `cancelled` drops auction periods that never ended (spec §5.1).
fn set_status(tender: &mut Tender, status: TenderStatus, at: chrono::DateTime<chrono::Utc>) {
    tender.status = status;
    tender.date = at;
    if matches!(status, TenderStatus::Unsuccessful | TenderStatus::Cancelled) {
        for lot in &mut tender.lots {
            if lot
                .auction_period
                .as_ref()
                .is_some_and(|p| p.end_date.is_none())
            {
                lot.auction_period = None;
            }
        }
    }
}

fn set_lots(tender: &mut Tender, status: LotStatus) {
    for lot in tender
        .lots
        .iter_mut()
        .filter(|l| l.status == LotStatus::Active)
    {
        lot.status = status;
    }
}

fn open_award_period(tender: &mut Tender, at: chrono::DateTime<chrono::Utc>) {
    tender.award_period.get_or_insert(Period {
        start_date: Some(at),
        end_date: None,
    });
}

fn close_award_period(tender: &mut Tender, at: chrono::DateTime<chrono::Utc>) {
    if let Some(period) = tender.award_period.as_mut() {
        period.end_date = Some(at);
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
        return state;
    };
    match event {
        Event::TenderCreated { .. } => {}
        Event::TenderEdited { terms, at } => {
            tender.set_terms(terms);
            tender.date_modified = *at;
        }
        Event::TenderActivated { at, .. } => {
            set_status(tender, TenderStatus::ActiveEnquiries, *at);
            tender.notice_publication_date = Some(*at);
            tender.date_modified = *at;
        }
        Event::TenderingStarted { at } => {
            set_status(tender, TenderStatus::ActiveTendering, *at);
            tender.date_modified = *at;
        }
        Event::QuestionAsked { question } => {
            tender.date_modified = question.date;
            tender.questions.push((**question).clone());
        }
        Event::QuestionAnswered {
            question_id,
            answer,
            at,
        } => {
            if let Some(q) = tender.questions.iter_mut().find(|q| &q.id == question_id) {
                q.answer = Some(answer.clone());
                q.date_answered = Some(*at);
            }
            tender.date_modified = *at;
        }
        // Bid writes leave the tender's dateModified alone (spec B9).
        Event::BidSubmitted {
            bid,
            owner,
            token_hash,
            ..
        } => {
            state.parties.bid_placed(&bid.id, owner, token_hash);
            tender.bids.push((**bid).clone());
        }
        Event::BidEdited {
            bid_id,
            tenderers,
            lot_values,
            items,
            subcontracting_details,
            status,
            at,
        } => {
            if let Some(bid) = tender.bids.iter_mut().find(|b| &b.id == bid_id) {
                if let Some(tenderers) = tenderers {
                    bid.tenderers = tenderers.clone();
                }
                if let Some(lot_values) = lot_values {
                    bid.lot_values = lot_values.clone();
                }
                if let Some(items) = items {
                    bid.items = items.clone();
                }
                if subcontracting_details.is_some() {
                    bid.subcontracting_details = subcontracting_details.clone();
                }
                if let Some(status) = status {
                    if *status == BidStatus::Pending {
                        bid.submission_date = Some(*at);
                        for value in &mut bid.lot_values {
                            value.date = *at;
                        }
                    }
                    bid.status = *status;
                }
                bid.date = *at;
            }
        }
        Event::BidWithdrawn { bid_id, .. } => {
            tender.bids.retain(|b| &b.id != bid_id);
        }
        Event::TenderingEnded {
            excluded,
            outcome,
            at,
        } => {
            tender.bids.retain(|b| b.status != BidStatus::Draft);
            let failed = matches!(outcome, TenderingOutcome::Unsuccessful);
            for bid in tender.bids.iter_mut() {
                if excluded.contains(&bid.id) {
                    bid.status = BidStatus::Unsuccessful;
                } else if bid.status == BidStatus::Pending {
                    bid.status = BidStatus::Active;
                }
                for value in &mut bid.lot_values {
                    if bid.status == BidStatus::Active && !failed {
                        value.status = LotValueStatus::Active;
                        value.initial_value.get_or_insert(value.value.clone());
                    } else if bid.status != BidStatus::Invalid {
                        value.status = LotValueStatus::Unsuccessful;
                    }
                }
                if failed && bid.status == BidStatus::Active {
                    bid.status = BidStatus::Unsuccessful;
                }
            }
            match outcome {
                TenderingOutcome::Unsuccessful => {
                    set_lots(tender, LotStatus::Unsuccessful);
                    set_status(tender, TenderStatus::Unsuccessful, *at);
                }
                TenderingOutcome::Auction => {
                    set_status(tender, TenderStatus::ActiveAuction, *at);
                }
                TenderingOutcome::Qualification { award } => {
                    for lot in &mut tender.lots {
                        lot.auction_period = None;
                    }
                    open_award_period(tender, *at);
                    tender.awards.push((**award).clone());
                    set_status(tender, TenderStatus::ActiveQualification, *at);
                }
            }
            tender.date_modified = *at;
        }
        Event::AuctionUrlsSet {
            lot_id,
            auction_url,
            participation_urls,
            at,
        } => {
            if let Some(lot) = tender.lots.iter_mut().find(|l| &l.id == lot_id) {
                lot.auction_url = Some(auction_url.clone());
            }
            for entry in participation_urls {
                if let Some(value) = tender
                    .bids
                    .iter_mut()
                    .find(|b| b.id == entry.bid_id)
                    .and_then(|b| b.lot_values.iter_mut().find(|v| &v.related_lot == lot_id))
                {
                    value.participation_url = Some(entry.url.clone());
                }
            }
            tender.date_modified = *at;
        }
        Event::AuctionCompleted {
            lot_id,
            results,
            award,
            at,
        } => {
            for result in results {
                if let Some(value) = tender
                    .bids
                    .iter_mut()
                    .find(|b| b.id == result.bid_id)
                    .and_then(|b| b.lot_values.iter_mut().find(|v| &v.related_lot == lot_id))
                {
                    value.value = result.value.clone();
                }
            }
            if let Some(period) = tender
                .lots
                .iter_mut()
                .find(|l| &l.id == lot_id)
                .and_then(|l| l.auction_period.as_mut())
            {
                period.end_date = Some(*at);
                if period.start_date.is_none_or(|start| start > *at) {
                    period.start_date = Some(*at);
                }
            }
            open_award_period(tender, *at);
            match award {
                Some(award) => {
                    tender.awards.push(award.clone());
                    set_status(tender, TenderStatus::ActiveQualification, *at);
                }
                None => {
                    close_award_period(tender, *at);
                    set_lots(tender, LotStatus::Unsuccessful);
                    set_status(tender, TenderStatus::Unsuccessful, *at);
                }
            }
            tender.date_modified = *at;
        }
        Event::BidsDisclosed { bids, at } => {
            state.parties.disclose(bids.iter().map(|b| b.id.as_str()));
            tender.date_modified = *at;
        }
        Event::AwardAccepted {
            award_id,
            complaint_period,
            contract,
            at,
        } => {
            if let Some(award) = tender.awards.iter_mut().find(|a| &a.id == award_id) {
                award.status = AwardStatus::Active;
                award.qualified = Some(true);
                award.complaint_period = Some(complaint_period.clone());
                award.date = *at;
            }
            tender.contracts.push((**contract).clone());
            close_award_period(tender, *at);
            set_status(tender, TenderStatus::ActiveAwarded, *at);
            tender.date_modified = *at;
        }
        Event::AwardRejected {
            award_id,
            complaint_period,
            next_award,
            at,
        } => {
            if let Some(award) = tender.awards.iter_mut().find(|a| &a.id == award_id) {
                award.status = AwardStatus::Unsuccessful;
                award.qualified = Some(false);
                award.complaint_period = Some(complaint_period.clone());
                award.date = *at;
            }
            match next_award {
                Some(award) => tender.awards.push(award.clone()),
                None => {
                    close_award_period(tender, *at);
                    set_status(tender, TenderStatus::ActiveAwarded, *at);
                }
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
                if let Some(period) = award.complaint_period.as_mut() {
                    period.end_date = Some(*at);
                }
                award.date = *at;
            }
            for contract in tender
                .contracts
                .iter_mut()
                .filter(|c| &c.award_id == award_id && c.status == ContractStatus::Pending)
            {
                contract.status = ContractStatus::Cancelled;
            }
            if let Some(award) = next_award {
                tender.awards.push(award.clone());
                if let Some(period) = tender.award_period.as_mut() {
                    period.end_date = None;
                }
                set_status(tender, TenderStatus::ActiveQualification, *at);
            }
            tender.date_modified = *at;
        }
        Event::ContractActivated {
            contract_id,
            date_signed,
            at,
        } => {
            if let Some(contract) = tender.contracts.iter_mut().find(|c| &c.id == contract_id) {
                contract.status = ContractStatus::Active;
                contract.date_signed = Some(*date_signed);
                contract.date = *at;
            }
            set_lots(tender, LotStatus::Complete);
            set_status(tender, TenderStatus::Complete, *at);
            tender.date_modified = *at;
        }
        Event::TenderUnsuccessful { at } => {
            set_lots(tender, LotStatus::Unsuccessful);
            set_status(tender, TenderStatus::Unsuccessful, *at);
            tender.date_modified = *at;
        }
        Event::CancellationRequested { cancellation } => {
            tender.date_modified = cancellation.date;
            tender.cancellations.push(cancellation.clone());
        }
        Event::CancellationActivated {
            cancellation_id,
            purged,
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
            if *purged {
                tender.bids.clear();
            }
            for contract in tender
                .contracts
                .iter_mut()
                .filter(|c| c.status == ContractStatus::Pending)
            {
                contract.status = ContractStatus::Cancelled;
            }
            set_status(tender, TenderStatus::Cancelled, *at);
            tender.date_modified = *at;
        }
        Event::CancellationAbandoned {
            cancellation_id,
            at,
        } => {
            if let Some(c) = tender
                .cancellations
                .iter_mut()
                .find(|c| &c.id == cancellation_id)
            {
                c.status = CancellationStatus::Unsuccessful;
            }
            tender.date_modified = *at;
        }
        Event::DocumentAdded { target, document }
        | Event::DocumentVersionAdded { target, document } => {
            let on_bid = matches!(target, Target::Bid(_));
            if let Some(documents) = documents_of(tender, target) {
                documents.push(document.clone());
            }
            if !on_bid {
                tender.date_modified = document.date_modified;
            }
        }
        Event::DocumentEdited { target, document } => {
            let on_bid = matches!(target, Target::Bid(_));
            if let Some(documents) = documents_of(tender, target) {
                documents::replace_current(documents, document);
            }
            if !on_bid {
                tender.date_modified = document.date_modified;
            }
        }
    }
    state
}
