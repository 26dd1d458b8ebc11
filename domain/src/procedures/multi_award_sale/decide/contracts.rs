//! Signing contracts, and completing the procedure once they are signed.

use super::outcome::Outcome;
use super::qualification::settle;
use crate::Context;
use crate::procedures::common::{lookup, ownership, refusals};
use crate::procedures::multi_award_sale::{Actor, AwardStatus, ContractStatus, Event, State};
use crate::procurement::Refusal;

/// P7: the Organizer completes the procedure once every award is decided
/// and every winner's contract signed (from `active_qualification` or
/// `active_awarded`, Q8).
pub(super) fn complete(
    state: &State,
    actor: &Actor,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let procedure = ownership::owned_root(state, actor)?;
    if !procedure.status.in_qualification() {
        return Err(refusals::status_refusal(procedure, "complete procedure"));
    }
    if let Some(open) = procedure.awards.iter().find(|a| a.status.is_open()) {
        return Err(Refusal::not_allowed(format!(
            "Can't complete procedure while award {} is {}",
            open.id,
            open.status.as_str()
        )));
    }
    if procedure
        .contracts
        .iter()
        .any(|c| c.status == ContractStatus::Pending)
    {
        return Err(Refusal::not_allowed(
            "Can't complete procedure while a contract is pending",
        ));
    }
    let active_award = procedure
        .awards
        .iter()
        .any(|a| a.status == AwardStatus::Active);
    let active_contract = procedure
        .contracts
        .iter()
        .any(|c| c.status == ContractStatus::Active);
    if !active_award || !active_contract {
        return Err(Refusal::not_allowed(
            "Can't complete procedure without an active award and an active contract",
        ));
    }
    Ok(vec![Event::ProcedureCompleted { at: context.now }])
}

pub(super) fn sign(
    state: &State,
    actor: &Actor,
    contract_id: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let procedure = ownership::owned_root(state, actor)?;
    let contract = lookup::by_id(&procedure.contracts, contract_id, "contract_id")?;
    if !procedure.status.in_qualification() {
        return Err(refusals::status_refusal(procedure, "update contract"));
    }
    contract.check_signing()?;
    let mut outcome = Outcome::new(state);
    outcome.push(Event::ContractSigned {
        contract_id: contract_id.to_owned(),
        at: context.now,
    });
    settle(&mut outcome, context)?;
    Ok(outcome.events)
}
