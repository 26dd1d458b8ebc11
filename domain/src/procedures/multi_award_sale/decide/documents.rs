//! Documents added to the procedure, a bid, an award, a contract or a
//! cancellation.

use super::access::{
    award_status_refusal, find_award, find_contract, new_id, owned_bid, owned_procedure,
    procedure_of, status_refusal,
};
use super::tendering::check_tendering;
use crate::Context;
use crate::procedures::multi_award_sale::{
    AWARD_DOCUMENT_TYPES, Actor, AwardStatus, BID_DOCUMENT_TYPES, CANCELLATION_DOCUMENT_TYPES,
    CONTRACT_DOCUMENT_TYPES, ContractStatus, Event, PROCEDURE_DOCUMENT_TYPES, State, Target,
};
use crate::procurement::{DocumentInput, Refusal};

pub(super) fn check_document_type(
    input: &DocumentInput,
    allowed: &[&str],
    required: bool,
) -> Result<(), Refusal> {
    match input.document_type.as_deref() {
        None if required => Err(Refusal::invalid("documentType", "This field is required.")),
        None => Ok(()),
        Some(kind) if allowed.contains(&kind) => Ok(()),
        Some(_) => Err(Refusal::invalid(
            "documentType",
            format!("Value must be one of ['{}'].", allowed.join("', '")),
        )),
    }
}

pub(super) fn add_document(
    state: &State,
    actor: &Actor,
    target: &Target,
    input: &DocumentInput,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    input.validate()?;
    let procedure = procedure_of(state)?;
    let status = procedure.status;
    let (document_of, author) = match target {
        Target::Procedure => {
            owned_procedure(state, actor)?;
            if status.is_terminal() {
                return Err(status_refusal("add document", status));
            }
            check_document_type(input, &PROCEDURE_DOCUMENT_TYPES, false)?;
            ("auction", "auction_owner")
        }
        Target::Bid(bid_id) => {
            owned_bid(state, actor, bid_id)?;
            check_tendering(procedure, context.now, "add document to bid")?;
            check_document_type(input, &BID_DOCUMENT_TYPES, false)?;
            ("bid", "bid_owner")
        }
        Target::Award(award_id) => {
            owned_procedure(state, actor)?;
            let award = find_award(procedure, award_id)?;
            if !status.in_qualification() {
                return Err(status_refusal("add document to award", status));
            }
            check_document_type(input, &AWARD_DOCUMENT_TYPES, true)?;
            let allowed = match input.document_type.as_deref() {
                Some("auctionProtocol") => award.status == AwardStatus::Pending,
                _ => matches!(award.status, AwardStatus::Pending | AwardStatus::Active),
            };
            if !allowed {
                return Err(award_status_refusal("add document to award", award.status));
            }
            ("award", "auction_owner")
        }
        Target::Contract(contract_id) => {
            owned_procedure(state, actor)?;
            let contract = find_contract(procedure, contract_id)?;
            if !status.in_qualification() {
                return Err(status_refusal("add document to contract", status));
            }
            check_document_type(input, &CONTRACT_DOCUMENT_TYPES, true)?;
            let allowed = match input.document_type.as_deref() {
                Some("contractSigned") => contract.status == ContractStatus::Pending,
                _ => contract.status != ContractStatus::Cancelled,
            };
            if !allowed {
                return Err(Refusal::not_allowed(format!(
                    "Can't add document to contract in current ({}) contract status",
                    contract.status.as_str()
                )));
            }
            ("contract", "auction_owner")
        }
        Target::Cancellation(cancellation_id) => {
            owned_procedure(state, actor)?;
            if !procedure
                .cancellations
                .iter()
                .any(|c| &c.id == cancellation_id)
            {
                return Err(Refusal::not_found("cancellation_id"));
            }
            check_document_type(input, &CANCELLATION_DOCUMENT_TYPES, true)?;
            ("cancellation", "auction_owner")
        }
    };
    let document = input
        .clone()
        .into_document(new_id(context), document_of, author, context.now);
    Ok(vec![Event::DocumentAdded {
        target: target.clone(),
        document: Box::new(document),
    }])
}
