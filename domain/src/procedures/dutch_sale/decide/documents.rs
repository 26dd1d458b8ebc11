//! Documents of the procedure, a bid, an award, a contract or a
//! cancellation: added, described anew or uploaded in a new version, by
//! whoever may add a document of that type to the record now.

use crate::Context;
use crate::procedures::common::{documents, lookup, ownership, refusals, tendering};
use crate::procedures::dutch_sale::{
    Actor, AwardStatus, ContractStatus, Event, PROCEDURE_DOCUMENT_TYPES, State, Target,
    bid::BID_DOCUMENT_TYPES,
};
use crate::procedures::sale::{
    AWARD_DOCUMENT_TYPES, CANCELLATION_DOCUMENT_TYPES, CONTRACT_DOCUMENT_TYPES,
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
    Ok(vec![Event::DocumentAdded {
        target: target.clone(),
        document: Box::new(documents::attach(input, document_of, author, context)),
    }])
}

pub(super) fn edit_document(
    state: &State,
    actor: &Actor,
    (target, document_id): DocumentRef<'_>,
    edit: &DocumentEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let edited = current_version(state, actor, target, document_id)?.edited(edit, context.now);
    may_attach(state, actor, target, &edited.as_input(), context)?;
    Ok(vec![Event::DocumentEdited {
        target: target.clone(),
        document: Box::new(edited),
    }])
}

pub(super) fn add_version(
    state: &State,
    actor: &Actor,
    (target, document_id): DocumentRef<'_>,
    input: &DocumentInput,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let version =
        current_version(state, actor, target, document_id)?.next_version(input, context.now);
    may_attach(state, actor, target, &version.as_input(), context)?;
    Ok(vec![Event::DocumentVersionAdded {
        target: target.clone(),
        document: Box::new(version),
    }])
}

/// A bid's documents are looked for only for the bid's owner, so that
/// nobody learns from a 404 what a sealed bid holds.
fn current_version<'s>(
    state: &'s State,
    actor: &Actor,
    target: &Target,
    document_id: &str,
) -> Result<&'s Document, Refusal> {
    let procedure = lookup::root(state)?;
    let held = match target {
        Target::Procedure => &procedure.documents,
        Target::Bid(bid_id) => &ownership::owned_bid(state, actor, bid_id)?.documents,
        Target::Award(id) => &lookup::by_id(&procedure.awards, id, "award_id")?.documents,
        Target::Contract(id) => &lookup::by_id(&procedure.contracts, id, "contract_id")?.documents,
        Target::Cancellation(id) => {
            &lookup::by_id(&procedure.cancellations, id, "cancellation_id")?.documents
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
    let procedure = lookup::root(state)?;
    let status = procedure.status;
    let organizer = || ownership::owned_root(state, actor);
    Ok(match target {
        Target::Procedure => {
            organizer()?;
            if status.is_terminal() {
                return Err(refusals::status_refusal(procedure, "add document"));
            }
            documents::check_type(input, &PROCEDURE_DOCUMENT_TYPES, false)?;
            ("auction", "auction_owner")
        }
        Target::Bid(bid_id) => {
            tendering::owned_open_bid(state, actor, bid_id, context.now, "add document to bid")?;
            documents::check_type(input, &BID_DOCUMENT_TYPES, false)?;
            ("bid", "bid_owner")
        }
        Target::Award(award_id) => {
            organizer()?;
            let award = lookup::by_id(&procedure.awards, award_id, "award_id")?;
            if !status.in_qualification() {
                return Err(refusals::status_refusal(procedure, "add document to award"));
            }
            documents::check_type(input, &AWARD_DOCUMENT_TYPES, true)?;
            let allowed = match input.document_type.as_deref() {
                Some("auctionProtocol") => award.status == AwardStatus::Pending,
                _ => matches!(award.status, AwardStatus::Pending | AwardStatus::Active),
            };
            if !allowed {
                return Err(refusals::status_refusal_of(
                    "award",
                    "add document to award",
                    award.status.as_str(),
                ));
            }
            ("award", "auction_owner")
        }
        Target::Contract(contract_id) => {
            organizer()?;
            let contract = lookup::by_id(&procedure.contracts, contract_id, "contract_id")?;
            if !status.in_qualification() {
                return Err(refusals::status_refusal(
                    procedure,
                    "add document to contract",
                ));
            }
            documents::check_type(input, &CONTRACT_DOCUMENT_TYPES, true)?;
            if contract.status != ContractStatus::Pending {
                return Err(refusals::status_refusal_of(
                    "contract",
                    "add document to contract",
                    contract.status.as_str(),
                ));
            }
            ("contract", "auction_owner")
        }
        Target::Cancellation(cancellation_id) => {
            organizer()?;
            lookup::by_id(&procedure.cancellations, cancellation_id, "cancellation_id")?;
            documents::check_type(input, &CANCELLATION_DOCUMENT_TYPES, true)?;
            ("cancellation", "auction_owner")
        }
    })
}
