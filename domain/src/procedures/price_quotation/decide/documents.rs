//! Documents of the tender, a bid, an award, a contract or a cancellation:
//! added, their description changed, or a new version uploaded. Who may do
//! which, and when, is the same for all three: whoever may add a document to
//! the record may change its documents.

use crate::Context;
use crate::procedures::common::{documents, lookup, ownership, refusals, tendering};
use crate::procedures::price_quotation::{
    Actor, AwardStatus, CancellationStatus, ContractStatus, Event, State, Target, TenderStatus,
};
use crate::procurement::{Document, DocumentEdit, DocumentInput, Refusal};

/// A document of a record: the record, and the document's id.
pub(super) type DocumentRef<'c> = (&'c Target, &'c String);

pub(super) fn add_document(
    state: &State,
    actor: &Actor,
    target: &Target,
    input: &DocumentInput,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let (document_of, author) = may_attach(state, actor, target, input, context)?;
    let document = documents::attach(input, document_of, author, context);
    Ok(vec![Event::DocumentAdded {
        target: target.clone(),
        document,
    }])
}

pub(super) fn edit_document(
    state: &State,
    actor: &Actor,
    (target, document_id): DocumentRef<'_>,
    edit: &DocumentEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let current = current_version(state, actor, target, document_id)?;
    let edited = current.edited(edit, context.now);
    may_attach(state, actor, target, &edited.as_input(), context)?;
    Ok(vec![Event::DocumentEdited {
        target: target.clone(),
        document: edited,
    }])
}

pub(super) fn add_version(
    state: &State,
    actor: &Actor,
    (target, document_id): DocumentRef<'_>,
    input: &DocumentInput,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let current = current_version(state, actor, target, document_id)?;
    let version = current.next_version(input, context.now);
    may_attach(state, actor, target, &version.as_input(), context)?;
    Ok(vec![Event::DocumentVersionAdded {
        target: target.clone(),
        document: version,
    }])
}

/// The current version of document `document_id` of `target`. A bid's
/// documents are looked for only for the bid's owner, so that nobody learns
/// from a 404 what a sealed bid holds.
fn current_version<'s>(
    state: &'s State,
    actor: &Actor,
    target: &Target,
    document_id: &str,
) -> Result<&'s Document, Refusal> {
    let tender = lookup::root(state)?;
    let held = match target {
        Target::Procedure => &tender.documents,
        Target::Bid(bid_id) => &ownership::owned_bid(state, actor, bid_id)?.documents,
        Target::Award(id) => &lookup::by_id(&tender.awards, id, "award_id")?.documents,
        Target::Contract(id) => &lookup::by_id(&tender.contracts, id, "contract_id")?.documents,
        Target::Cancellation(id) => {
            &lookup::by_id(&tender.cancellations, id, "cancellation_id")?.documents
        }
    };
    documents::current_version(held, document_id)
}

/// Whether `actor` may give `target` the document `input` now; if so, what
/// the document is of and who its author is.
fn may_attach(
    state: &State,
    actor: &Actor,
    target: &Target,
    input: &DocumentInput,
    context: &Context<'_>,
) -> Result<(&'static str, &'static str), Refusal> {
    input.validate()?;
    let tender = lookup::root(state)?;
    let status = tender.status;
    match target {
        Target::Procedure => {
            ownership::owned_root(state, actor)?;
            if !matches!(status, TenderStatus::Draft | TenderStatus::ActiveTendering) {
                return Err(refusals::status_refusal(tender, "add document"));
            }
        }
        Target::Bid(bid_id) => {
            tendering::owned_open_bid(state, actor, bid_id, context.now, "add document to bid")?;
            return Ok(("tender", "bid_owner"));
        }
        Target::Award(award_id) => {
            let tender = ownership::owned_root(state, actor)?;
            let award = lookup::by_id(&tender.awards, award_id, "award_id")?;
            if status != TenderStatus::ActiveQualification || award.status != AwardStatus::Pending {
                return Err(refusals::status_refusal(tender, "add document to award"));
            }
        }
        Target::Contract(contract_id) => {
            let tender = ownership::owned_root(state, actor)?;
            let contract = lookup::by_id(&tender.contracts, contract_id, "contract_id")?;
            if contract.status != ContractStatus::Pending {
                return Err(refusals::status_refusal(tender, "add document to contract"));
            }
        }
        Target::Cancellation(cancellation_id) => {
            let tender = ownership::owned_root(state, actor)?;
            let cancellation =
                lookup::by_id(&tender.cancellations, cancellation_id, "cancellation_id")?;
            if status.is_terminal() || cancellation.status != CancellationStatus::Draft {
                return Err(refusals::status_refusal(
                    tender,
                    "add document to cancellation",
                ));
            }
        }
    }
    Ok(("tender", "tender_owner"))
}
