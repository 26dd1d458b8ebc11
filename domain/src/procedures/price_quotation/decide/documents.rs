//! Documents added to the tender, a bid, an award, a contract or a
//! cancellation.

use super::access::{
    find_award, find_cancellation, find_contract, new_id, owned_bid, owned_tender, status_refusal,
    tender_of,
};
use super::tendering::check_tendering;
use crate::Context;
use crate::procedures::price_quotation::{
    Actor, AwardStatus, CancellationStatus, ContractStatus, Event, State, Target, TenderStatus,
};
use crate::procurement::{DocumentInput, Refusal};

pub(super) fn add_document(
    state: &State,
    actor: &Actor,
    target: &Target,
    input: &DocumentInput,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    input.validate()?;
    let tender = tender_of(state)?;
    let status = tender.status;
    let (document_of, author) = match target {
        Target::Tender => {
            owned_tender(state, actor)?;
            if !matches!(status, TenderStatus::Draft | TenderStatus::ActiveTendering) {
                return Err(status_refusal("add document", status.as_str()));
            }
            ("tender", "tender_owner")
        }
        Target::Bid(bid_id) => {
            owned_bid(state, actor, bid_id)?;
            check_tendering(tender, context.now, "add document to bid")?;
            ("tender", "bid_owner")
        }
        Target::Award(award_id) => {
            let tender = owned_tender(state, actor)?;
            let award = find_award(tender, award_id)?;
            if status != TenderStatus::ActiveQualification || award.status != AwardStatus::Pending {
                return Err(status_refusal("add document to award", status.as_str()));
            }
            ("tender", "tender_owner")
        }
        Target::Contract(contract_id) => {
            let tender = owned_tender(state, actor)?;
            let contract = find_contract(tender, contract_id)?;
            if contract.status != ContractStatus::Pending {
                return Err(status_refusal("add document to contract", status.as_str()));
            }
            ("tender", "tender_owner")
        }
        Target::Cancellation(cancellation_id) => {
            let tender = owned_tender(state, actor)?;
            let cancellation = find_cancellation(tender, cancellation_id)?;
            if status.is_terminal() || cancellation.status != CancellationStatus::Draft {
                return Err(status_refusal(
                    "add document to cancellation",
                    status.as_str(),
                ));
            }
            ("tender", "tender_owner")
        }
    };
    let document = input
        .clone()
        .into_document(new_id(context), document_of, author, context.now);
    Ok(vec![Event::DocumentAdded {
        target: target.clone(),
        document,
    }])
}
