//! Signing the contract.

use crate::Context;
use crate::procedures::common::{lookup, ownership, refusals};
use crate::procedures::price_quotation::{
    Actor, ContractEdit, ContractStatus, Event, State, TenderStatus,
};
use crate::procurement::Refusal;

pub(super) fn edit_contract(
    state: &State,
    actor: &Actor,
    contract_id: &str,
    edit: &ContractEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = ownership::owned_root(state, actor)?;
    let contract = lookup::by_id(&tender.contracts, contract_id, "contract_id")?;
    if tender.status != TenderStatus::ActiveAwarded || contract.status != ContractStatus::Pending {
        return Err(refusals::status_refusal(tender, "update contract"));
    }
    match edit.status.as_deref() {
        Some("active") => Ok(vec![Event::ContractSigned {
            contract_id: contract_id.to_owned(),
            at: context.now,
        }]),
        Some(_) => Err(refusals::one_of("status", &["active"])),
        None => Err(refusals::required("status")),
    }
}
