//! Signing the contract.

use crate::Context;
use crate::procedures::common::{lookup, ownership, refusals};
use crate::procedures::price_quotation::{Actor, ContractStatus, Event, State, TenderStatus};
use crate::procurement::Refusal;

pub(super) fn sign(
    state: &State,
    actor: &Actor,
    contract_id: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = ownership::owned_root(state, actor)?;
    let contract = lookup::by_id(&tender.contracts, contract_id, "contract_id")?;
    if tender.status != TenderStatus::ActiveAwarded || contract.status != ContractStatus::Pending {
        return Err(refusals::status_refusal(tender, "update contract"));
    }
    Ok(vec![Event::ContractSigned {
        contract_id: contract_id.to_owned(),
        at: context.now,
    }])
}
