//! Who may act, and the lookups every stage starts from.

use crate::Context;
use crate::calendar::Calendar;
use crate::procedures::multi_award_sale::{
    Actor, Award, AwardStatus, Bid, BidStatus, Contract, Procedure, ProcedureStatus, Role, State,
};
use crate::procurement::Refusal;

pub(super) fn procedure_of(state: &State) -> Result<&Procedure, Refusal> {
    state
        .procedure
        .as_ref()
        .ok_or_else(|| Refusal::not_found("procedure_id"))
}

/// The procedure, if `actor` is its owner holding the owner's token.
pub(super) fn owned_procedure<'s>(
    state: &'s State,
    actor: &Actor,
) -> Result<&'s Procedure, Refusal> {
    let procedure = procedure_of(state)?;
    if !is_owner(state, procedure, actor) {
        return Err(Refusal::forbidden());
    }
    Ok(procedure)
}

pub(super) fn is_owner(state: &State, procedure: &Procedure, actor: &Actor) -> bool {
    actor.role == Role::Broker
        && actor.broker == procedure.owner
        && actor.token_hash.as_deref() == Some(state.owner_token_hash.as_str())
}

pub(super) fn owns_bid(state: &State, actor: &Actor, bid_id: &str) -> bool {
    actor.role == Role::Broker
        && state.bid_owners.get(bid_id).is_some_and(|owner| {
            owner.broker == actor.broker
                && actor.token_hash.as_deref() == Some(owner.token_hash.as_str())
        })
}

/// The bid, if `actor` submitted it and holds its token.
pub(super) fn owned_bid<'s>(
    state: &'s State,
    actor: &Actor,
    bid_id: &str,
) -> Result<&'s Bid, Refusal> {
    let procedure = procedure_of(state)?;
    let bid = procedure
        .bids
        .iter()
        .find(|bid| bid.id == bid_id && bid.status != BidStatus::Deleted)
        .ok_or_else(|| Refusal::not_found("bid_id"))?;
    if !owns_bid(state, actor, bid_id) {
        return Err(Refusal::forbidden());
    }
    Ok(bid)
}

pub(super) fn find_award<'p>(
    procedure: &'p Procedure,
    award_id: &str,
) -> Result<&'p Award, Refusal> {
    procedure
        .awards
        .iter()
        .find(|award| award.id == award_id)
        .ok_or_else(|| Refusal::not_found("award_id"))
}

pub(super) fn find_contract<'p>(
    procedure: &'p Procedure,
    contract_id: &str,
) -> Result<&'p Contract, Refusal> {
    procedure
        .contracts
        .iter()
        .find(|contract| contract.id == contract_id)
        .ok_or_else(|| Refusal::not_found("contract_id"))
}

pub(super) fn new_id(context: &Context<'_>) -> String {
    context.next_id().to_string()
}

pub(super) fn status_refusal(action: &str, status: ProcedureStatus) -> Refusal {
    Refusal::not_allowed(format!(
        "Can't {action} in current ({}) procedure status",
        status.as_str()
    ))
}

pub(super) fn award_status_refusal(action: &str, status: AwardStatus) -> Refusal {
    Refusal::not_allowed(format!(
        "Can't {action} in current ({}) award status",
        status.as_str()
    ))
}

pub(super) fn calendar() -> &'static Calendar {
    Calendar::ukraine()
}
