//! Cancelling the procedure, in one request with its documents.

use crate::Context;
use crate::procedures::common::{ownership, refusals};
use crate::procedures::multi_award_sale::{Actor, CancellationInput, Event, State};
use crate::procurement::Refusal;

pub(super) fn cancel(
    state: &State,
    actor: &Actor,
    input: &CancellationInput,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let procedure = ownership::owned_root(state, actor)?;
    if procedure.status.is_terminal() {
        return Err(refusals::status_refusal(procedure, "cancel procedure"));
    }
    Ok(vec![Event::ProcedureCancelled {
        cancellation: Box::new(input.decide(context)?),
    }])
}
