//! Cancelling the procedure, in one request with its documents.

use super::access::{new_id, owned_procedure, status_refusal};
use super::documents::check_document_type;
use crate::Context;
use crate::procedures::multi_award_sale::{
    Actor, CANCELLATION_DOCUMENT_TYPES, Cancellation, CancellationInput, Event, State,
};
use crate::procurement::Refusal;

pub(super) fn cancel(
    state: &State,
    actor: &Actor,
    input: &CancellationInput,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let procedure = owned_procedure(state, actor)?;
    if procedure.status.is_terminal() {
        return Err(status_refusal("cancel procedure", procedure.status));
    }
    let now = context.now;
    if input.reason.trim().is_empty() {
        return Err(Refusal::invalid("reason", "This field is required."));
    }
    let date_published = input.date_published.unwrap_or(now);
    if date_published > now {
        return Err(Refusal::invalid(
            "datePublished",
            "The decision to cancel can't be dated in the future",
        ));
    }
    for document in &input.documents {
        document.validate()?;
        check_document_type(document, &CANCELLATION_DOCUMENT_TYPES, true)?;
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
        .map(|d| {
            d.clone()
                .into_document(new_id(context), "cancellation", "auction_owner", now)
        })
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
