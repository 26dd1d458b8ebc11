//! Documents added to the tender, a bid, an award, a contract or a
//! cancellation.

use crate::Context;
use crate::procedures::common::{documents, lookup, ownership, refusals, tendering};
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
    let tender = lookup::root(state)?;
    let status = tender.status;
    let (document_of, author) = match target {
        Target::Procedure => {
            ownership::owned_root(state, actor)?;
            if !matches!(status, TenderStatus::Draft | TenderStatus::ActiveTendering) {
                return Err(refusals::status_refusal(tender, "add document"));
            }
            ("tender", "tender_owner")
        }
        Target::Bid(bid_id) => {
            tendering::owned_open_bid(state, actor, bid_id, context.now, "add document to bid")?;
            ("tender", "bid_owner")
        }
        Target::Award(award_id) => {
            let tender = ownership::owned_root(state, actor)?;
            let award = lookup::by_id(&tender.awards, award_id, "award_id")?;
            if status != TenderStatus::ActiveQualification || award.status != AwardStatus::Pending {
                return Err(refusals::status_refusal(tender, "add document to award"));
            }
            ("tender", "tender_owner")
        }
        Target::Contract(contract_id) => {
            let tender = ownership::owned_root(state, actor)?;
            let contract = lookup::by_id(&tender.contracts, contract_id, "contract_id")?;
            if contract.status != ContractStatus::Pending {
                return Err(refusals::status_refusal(tender, "add document to contract"));
            }
            ("tender", "tender_owner")
        }
        Target::Cancellation(cancellation_id) => {
            let tender = ownership::owned_root(state, actor)?;
            let cancellation =
                lookup::by_id(&tender.cancellations, cancellation_id, "cancellation_id")?;
            if status.is_terminal() || cancellation.status != CancellationStatus::Draft {
                return Err(refusals::status_refusal(
                    tender,
                    "add document to cancellation",
                ));
            }
            ("tender", "tender_owner")
        }
    };
    let document = documents::attach(input, document_of, author, context);
    Ok(vec![Event::DocumentAdded {
        target: target.clone(),
        document,
    }])
}
