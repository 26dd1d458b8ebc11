//! Documents added to the procedure, a bid, an award, a contract or a
//! cancellation.

use crate::Context;
use crate::procedures::common::{documents, lookup, ownership, refusals, tendering};
use crate::procedures::multi_award_sale::{
    AWARD_DOCUMENT_TYPES, Actor, AwardStatus, BID_DOCUMENT_TYPES, CANCELLATION_DOCUMENT_TYPES,
    CONTRACT_DOCUMENT_TYPES, ContractStatus, Event, PROCEDURE_DOCUMENT_TYPES, State, Target,
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
    let procedure = lookup::root(state)?;
    let status = procedure.status;
    let (document_of, author) = match target {
        Target::Procedure => {
            ownership::owned_root(state, actor)?;
            if status.is_terminal() {
                return Err(refusals::status_refusal(procedure, "add document"));
            }
            documents::check_type(input, &PROCEDURE_DOCUMENT_TYPES, false)?;
            ("auction", "auction_owner")
        }
        Target::Bid(bid_id) => {
            tendering::owned_open_bid(state, actor, bid_id, context.now, "add document to bid")?;
            documents::check_type(input, &BID_DOCUMENT_TYPES, false)?;
            ("bid", "bid_owner")
        }
        Target::Award(award_id) => {
            ownership::owned_root(state, actor)?;
            let award = lookup::by_id(&procedure.awards, award_id, "award_id")?;
            if !status.in_qualification() {
                return Err(refusals::status_refusal(procedure, "add document to award"));
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
            ("award", "auction_owner")
        }
        Target::Contract(contract_id) => {
            ownership::owned_root(state, actor)?;
            let contract = lookup::by_id(&procedure.contracts, contract_id, "contract_id")?;
            if !status.in_qualification() {
                return Err(refusals::status_refusal(
                    procedure,
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
            ("contract", "auction_owner")
        }
        Target::Cancellation(cancellation_id) => {
            ownership::owned_root(state, actor)?;
            lookup::by_id(&procedure.cancellations, cancellation_id, "cancellation_id")?;
            documents::check_type(input, &CANCELLATION_DOCUMENT_TYPES, true)?;
            ("cancellation", "auction_owner")
        }
    };
    let document = documents::attach(input, document_of, author, context);
    Ok(vec![Event::DocumentAdded {
        target: target.clone(),
        document: Box::new(document),
    }])
}
