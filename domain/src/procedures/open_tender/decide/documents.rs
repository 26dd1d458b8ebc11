//! Documents of the tender, a bid, an award, a contract or a cancellation
//! (spec §4.2, B5/B7, §10.2, C5): whoever may add a document to a record
//! may change its documents.

use super::tendering::check_window;
use crate::Context;
use crate::procedures::common::{documents, lookup, ownership, refusals};
use crate::procedures::open_tender::{
    Actor, AwardStatus, CancellationStatus, ContractStatus, Event, State, Target, TenderStatus,
};
use crate::procurement::{Document, DocumentInput, Refusal};

/// The signature types a record may hold one of (distinct ids), with the
/// refusal of a second.
fn single(target: &Target) -> Option<(&'static str, &'static str)> {
    match target {
        Target::Procedure => Some(("notice", "notice document in tender should be only one")),
        Target::Bid(_) => Some(("proposal", "proposal document in bid should be only one")),
        Target::Cancellation(_) => Some((
            "cancellationReport",
            "cancellationReport document in tender should be only one",
        )),
        _ => None,
    }
}

pub(super) fn request(
    state: &State,
    actor: &Actor,
    target: &Target,
    request: documents::Request<'_>,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    if let documents::Request::Add(input) = request
        && let Some((kind, refusal)) = single(target)
        && input.document_type.as_deref() == Some(kind)
    {
        let held = documents::Rules::held(state, actor, target)?;
        if documents::current(held).any(|d| d.document_type.as_deref() == Some(kind)) {
            return Err(Refusal::invalid("documents", refusal));
        }
    }
    let target = target.clone();
    Ok(vec![
        match documents::change(state, actor, &target, request, context)? {
            documents::Change::Added(document) => Event::DocumentAdded { target, document },
            documents::Change::Edited(document) => Event::DocumentEdited { target, document },
            documents::Change::VersionAdded(document) => {
                Event::DocumentVersionAdded { target, document }
            }
        },
    ])
}

impl documents::Rules for State {
    type Caller = Actor;

    fn held(&self, actor: &Actor, target: &Target) -> Result<&[Document], Refusal> {
        let tender = lookup::root(self)?;
        let held: &[Document] = match target {
            Target::Procedure => &tender.documents,
            Target::Bid(bid_id) => &ownership::owned_bid(self, actor, bid_id)?.documents,
            Target::Award(id) => &lookup::by_id(&tender.awards, id, "award_id")?.documents,
            Target::Contract(id) => &lookup::by_id(&tender.contracts, id, "contract_id")?.documents,
            Target::Cancellation(id) => {
                &lookup::by_id(&tender.cancellations, id, "cancellation_id")?.documents
            }
        };
        Ok(held)
    }

    fn may_attach(
        &self,
        actor: &Actor,
        target: &Target,
        input: &DocumentInput,
        context: &Context<'_>,
    ) -> Result<(&'static str, &'static str), Refusal> {
        input.validate()?;
        let tender = lookup::root(self)?;
        let status = tender.status;
        match target {
            Target::Procedure => {
                ownership::owned_root(self, actor)?;
                if !matches!(status, TenderStatus::Draft | TenderStatus::ActiveEnquiries) {
                    return Err(refusals::status_refusal(tender, "add document"));
                }
            }
            Target::Bid(bid_id) => {
                ownership::owned_bid(self, actor, bid_id)?;
                if status != TenderStatus::ActiveTendering {
                    return Err(refusals::status_refusal(tender, "add document"));
                }
                check_window(tender, context.now, "update")?;
                return Ok(("tender", "bid_owner"));
            }
            Target::Award(award_id) => {
                ownership::owned_root(self, actor)?;
                let award = lookup::by_id(&tender.awards, award_id, "award_id")?;
                if !matches!(
                    status,
                    TenderStatus::ActiveQualification | TenderStatus::ActiveAwarded
                ) || award.status != AwardStatus::Pending
                {
                    return Err(refusals::status_refusal(tender, "add document"));
                }
            }
            Target::Contract(contract_id) => {
                ownership::owned_root(self, actor)?;
                let contract = lookup::by_id(&tender.contracts, contract_id, "contract_id")?;
                if contract.status != ContractStatus::Pending {
                    return Err(refusals::status_refusal(tender, "add document"));
                }
            }
            Target::Cancellation(cancellation_id) => {
                ownership::owned_root(self, actor)?;
                let cancellation =
                    lookup::by_id(&tender.cancellations, cancellation_id, "cancellation_id")?;
                if matches!(status, TenderStatus::Draft | TenderStatus::ActiveAuction)
                    || status.is_terminal()
                    || cancellation.status != CancellationStatus::Draft
                {
                    return Err(refusals::status_refusal(tender, "add document"));
                }
            }
        }
        Ok(("tender", "tender_owner"))
    }
}
