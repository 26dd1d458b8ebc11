//! Another broker taking the tender over with its transfer token.

use crate::Context;
use crate::procedures::common::{lookup, refusals};
use crate::procedures::price_quotation::{Event, State};
use crate::procurement::Refusal;

pub(super) fn transfer(
    state: &State,
    broker: &str,
    transfer_hash: &str,
    new_token_hash: &str,
    new_transfer_hash: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = lookup::root(state)?;
    if transfer_hash != state.transfer_token_hash {
        return Err(Refusal::forbidden());
    }
    if tender.status.is_terminal() {
        return Err(refusals::status_refusal(tender, "change ownership"));
    }
    Ok(vec![Event::OwnershipTransferred {
        owner: broker.to_owned(),
        token_hash: new_token_hash.to_owned(),
        transfer_hash: new_transfer_hash.to_owned(),
        at: context.now,
    }])
}
