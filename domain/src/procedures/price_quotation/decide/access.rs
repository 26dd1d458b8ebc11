//! Who may act, and the lookups every stage starts from.

use crate::Context;
use crate::procedures::price_quotation::{
    Actor, Award, Bid, BidStatus, Cancellation, Contract, State, Tender,
};
use crate::procurement::Refusal;

pub(super) fn tender_of(state: &State) -> Result<&Tender, Refusal> {
    state
        .tender
        .as_ref()
        .ok_or_else(|| Refusal::not_found("tender_id"))
}

/// The tender, if `actor` is its owner holding the tender's token.
pub(super) fn owned_tender<'s>(state: &'s State, actor: &Actor) -> Result<&'s Tender, Refusal> {
    let tender = tender_of(state)?;
    let token_matches = actor.token_hash.as_deref() == Some(state.owner_token_hash.as_str());
    if actor.broker != tender.owner || !token_matches {
        return Err(Refusal::forbidden());
    }
    Ok(tender)
}

pub(super) fn find_award<'t>(tender: &'t Tender, award_id: &str) -> Result<&'t Award, Refusal> {
    tender
        .awards
        .iter()
        .find(|award| award.id == award_id)
        .ok_or_else(|| Refusal::not_found("award_id"))
}

pub(super) fn find_contract<'t>(
    tender: &'t Tender,
    contract_id: &str,
) -> Result<&'t Contract, Refusal> {
    tender
        .contracts
        .iter()
        .find(|contract| contract.id == contract_id)
        .ok_or_else(|| Refusal::not_found("contract_id"))
}

pub(super) fn find_cancellation<'t>(
    tender: &'t Tender,
    cancellation_id: &str,
) -> Result<&'t Cancellation, Refusal> {
    tender
        .cancellations
        .iter()
        .find(|c| c.id == cancellation_id)
        .ok_or_else(|| Refusal::not_found("cancellation_id"))
}

pub(super) fn new_id(context: &Context<'_>) -> String {
    context.next_id().to_string()
}

pub(super) fn status_refusal(object: &str, status: &str) -> Refusal {
    Refusal::not_allowed(format!(
        "Can't {object} in current ({status}) tender status"
    ))
}

/// The bid, if `actor` submitted it and holds its token.
pub(super) fn owned_bid<'s>(
    state: &'s State,
    actor: &Actor,
    bid_id: &str,
) -> Result<&'s Bid, Refusal> {
    let tender = tender_of(state)?;
    let bid = tender
        .bids
        .iter()
        .find(|bid| bid.id == bid_id && bid.status != BidStatus::Deleted)
        .ok_or_else(|| Refusal::not_found("bid_id"))?;
    let owner = state.bid_owners.get(bid_id);
    let allowed = owner.is_some_and(|owner| {
        owner.broker == actor.broker
            && actor.token_hash.as_deref() == Some(owner.token_hash.as_str())
    });
    if !allowed {
        return Err(Refusal::forbidden());
    }
    Ok(bid)
}
