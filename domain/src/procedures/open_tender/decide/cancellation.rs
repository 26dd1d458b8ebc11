//! Cancelling the tender (spec §12): drafted, signed, activated. A tender
//! cancelled before its bids were opened loses them for good (Q3).

use crate::Context;
use crate::procedures::common::{documents, lookup, new_id, ownership, refusals};
use crate::procedures::open_tender::cancellation::REASON_TYPES;
use crate::procedures::open_tender::{
    Actor, Cancellation, CancellationInput, CancellationStatus, Event, State, Tender, TenderStatus,
};
use crate::procurement::Refusal;

/// Spec §13: with one lot a lot cancellation is the tender's.
pub const LOT_CANCELLATION_DEFERRED: &str =
    "Lot cancellation is not supported yet: with one lot, cancel the tender";

/// C3: not in `draft`, `active.auction` nor a final status.
fn check_status(tender: &Tender) -> Result<(), Refusal> {
    if matches!(
        tender.status,
        TenderStatus::Draft | TenderStatus::ActiveAuction
    ) || tender.status.is_terminal()
    {
        return Err(refusals::status_refusal(tender, "perform cancellation"));
    }
    Ok(())
}

pub(super) fn request(
    state: &State,
    actor: &Actor,
    input: &CancellationInput,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = ownership::owned_root(state, actor)?;
    check_status(tender)?;
    if input.related_lot.is_some() {
        return Err(Refusal::invalid("relatedLot", LOT_CANCELLATION_DEFERRED));
    }
    if !REASON_TYPES.contains(&input.reason_type.as_str()) {
        return Err(refusals::one_of("reasonType", &REASON_TYPES).as_list());
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

fn draft<'s>(
    state: &'s State,
    actor: &Actor,
    cancellation_id: &str,
) -> Result<(&'s Tender, &'s Cancellation), Refusal> {
    let tender = ownership::owned_root(state, actor)?;
    let cancellation = lookup::by_id(&tender.cancellations, cancellation_id, "cancellation_id")?;
    check_status(tender)?;
    if cancellation.status != CancellationStatus::Draft {
        let status = match cancellation.status {
            CancellationStatus::Active => "active",
            _ => "unsuccessful",
        };
        return Err(refusals::unnamed_status_refusal(
            "update cancellation",
            status,
        ));
    }
    Ok((tender, cancellation))
}

pub(super) fn activate(
    state: &State,
    actor: &Actor,
    cancellation_id: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let (tender, cancellation) = draft(state, actor, cancellation_id)?;
    if cancellation.reason.trim().is_empty() {
        return Err(Refusal::invalid(
            "reason",
            "Field reason must be filled for switch cancellation to active status",
        ));
    }
    if !documents::signed_by_title(&cancellation.documents, "cancellationReport") {
        return Err(documents::signature_required("cancellationReport"));
    }
    // Bids never opened are removed from the tender (spec §12).
    let purged = state.parties.disclosed_bids.is_empty() && !tender.bids.is_empty();
    Ok(vec![Event::CancellationActivated {
        cancellation_id: cancellation_id.to_owned(),
        purged,
        at: context.now,
    }])
}

pub(super) fn abandon(
    state: &State,
    actor: &Actor,
    cancellation_id: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    draft(state, actor, cancellation_id)?;
    Ok(vec![Event::CancellationAbandoned {
        cancellation_id: cancellation_id.to_owned(),
        at: context.now,
    }])
}
