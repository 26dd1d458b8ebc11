//! Cancelling the tender: a draft request, its documents, then activation.

use crate::Context;
use crate::procedures::common::{lookup, new_id, ownership, refusals};
use crate::procedures::price_quotation::{
    Actor, Cancellation, CancellationInput, CancellationStatus, Event, State, cancellation,
};
use crate::procurement::Refusal;

pub(super) fn request_cancellation(
    state: &State,
    actor: &Actor,
    input: &CancellationInput,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = ownership::owned_root(state, actor)?;
    if tender.status.is_terminal() {
        return Err(refusals::status_refusal(tender, "add cancellation"));
    }
    if input.reason.trim().is_empty() {
        return Err(refusals::required("reason"));
    }
    if !cancellation::REASON_TYPES.contains(&input.reason_type.as_str()) {
        return Err(refusals::one_of("reasonType", &cancellation::REASON_TYPES));
    }
    if let Some(of) = &input.cancellation_of
        && of != "tender"
    {
        return Err(refusals::one_of("cancellationOf", &["tender"]));
    }
    Ok(vec![Event::CancellationRequested {
        cancellation: Cancellation {
            id: new_id(context),
            status: CancellationStatus::Draft,
            reason: input.reason.clone(),
            reason_type: input.reason_type.clone(),
            cancellation_of: "tender".to_owned(),
            documents: Vec::new(),
            date: context.now,
        },
    }])
}

/// A new reason and a new reason type, each if given.
type Restated<'r> = (Option<&'r str>, Option<&'r str>);

pub(super) fn edit_cancellation(
    state: &State,
    actor: &Actor,
    cancellation_id: &str,
    restated: Restated<'_>,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    restate(state, actor, cancellation_id, restated, context).map(|(_, events)| events)
}

pub(super) fn activate_cancellation(
    state: &State,
    actor: &Actor,
    cancellation_id: &str,
    restated: Restated<'_>,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let (cancellation, mut events) = restate(state, actor, cancellation_id, restated, context)?;
    if cancellation.documents.is_empty() {
        return Err(Refusal::invalid(
            "documents",
            "Cancellation can't be activated without a document (cancellationDetails)",
        ));
    }
    events.push(Event::CancellationActivated {
        cancellation_id: cancellation_id.to_owned(),
        at: context.now,
    });
    Ok(events)
}

/// The draft cancellation, and the events of restating its reason and its
/// reason type.
fn restate<'s>(
    state: &'s State,
    actor: &Actor,
    cancellation_id: &str,
    (reason, reason_type): Restated<'_>,
    context: &Context<'_>,
) -> Result<(&'s Cancellation, Vec<Event>), Refusal> {
    let tender = ownership::owned_root(state, actor)?;
    let cancellation = lookup::by_id(&tender.cancellations, cancellation_id, "cancellation_id")?;
    if tender.status.is_terminal() || cancellation.status != CancellationStatus::Draft {
        return Err(refusals::status_refusal(tender, "update cancellation"));
    }
    if reason.is_some_and(|reason| reason.trim().is_empty()) {
        return Err(refusals::required("reason"));
    }
    if let Some(reason_type) = reason_type
        && !cancellation::REASON_TYPES.contains(&reason_type)
    {
        return Err(refusals::one_of("reasonType", &cancellation::REASON_TYPES));
    }
    let mut events = Vec::new();
    if reason.is_some() || reason_type.is_some() {
        events.push(Event::CancellationEdited {
            cancellation_id: cancellation_id.to_owned(),
            reason: reason.map(str::to_owned),
            reason_type: reason_type.map(str::to_owned),
            at: context.now,
        });
    }
    Ok((cancellation, events))
}
