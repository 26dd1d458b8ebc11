//! Signing the contract.

use super::access::{find_contract, owned_tender, status_refusal};
use crate::Context;
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
    let tender = owned_tender(state, actor)?;
    let contract = find_contract(tender, contract_id)?;
    if tender.status != TenderStatus::ActiveAwarded || contract.status != ContractStatus::Pending {
        return Err(status_refusal("update contract", tender.status.as_str()));
    }
    match edit.status.as_deref() {
        Some("active") => Ok(vec![Event::ContractSigned {
            contract_id: contract_id.to_owned(),
            at: context.now,
        }]),
        Some(_) => Err(Refusal::invalid(
            "status",
            "Value must be one of ['active'].",
        )),
        None => Err(Refusal::invalid("status", "This field is required.")),
    }
}
