//! Cancelling the procedure, in one request with its documents.

use crate::Context;
use crate::procedures::common::{documents, new_id, ownership, refusals};
use crate::procedures::multi_award_sale::{
    Actor, CANCELLATION_DOCUMENT_TYPES, Cancellation, CancellationInput, Event, State,
};
use crate::procurement::{Need, Refusal};

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
    let now = context.now;
    // The spec asks for no particular language of the reason (§7.9).
    input.reason.check("reason", Need::AnyLanguage)?;
    let date_published = input.date_published.unwrap_or(now);
    if date_published > now {
        return Err(Refusal::invalid(
            "datePublished",
            "The decision to cancel can't be dated in the future",
        ));
    }
    for document in &input.documents {
        document.validate()?;
        documents::check_type(document, &CANCELLATION_DOCUMENT_TYPES, true)?;
    }
    if !input
        .documents
        .iter()
        .any(|d| d.document_type.as_deref() == Some("cancellationDetails"))
    {
        return Err(Refusal::invalid(
            "documents",
            "A cancellationDetails document is required to cancel the procedure",
        ));
    }
    let documents = input
        .documents
        .iter()
        .map(|d| documents::attach(d, "cancellation", "auction_owner", context))
        .collect();
    Ok(vec![Event::ProcedureCancelled {
        cancellation: Box::new(Cancellation {
            id: new_id(context),
            reason: input.reason.clone(),
            date_published,
            documents,
            date: now,
        }),
    }])
}
