//! Documents of the tender, a bid, an award, a contract or a cancellation:
//! added, their description changed, or a new version uploaded. Who may do
//! which, and when, is the same for all three: whoever may add a document to
//! the record may change its documents.

use crate::Context;
use crate::procedures::common::{documents, lookup, ownership, refusals, tendering};
use crate::procedures::price_quotation::{
    Actor, AwardStatus, CancellationStatus, ContractStatus, Event, State, Target, TenderStatus,
};
use crate::procurement::{Document, DocumentInput, Refusal};

/// A request on the documents of `target`, as this procedure records it.
pub(super) fn request(
    state: &State,
    actor: &Actor,
    target: &Target,
    request: documents::Request<'_>,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
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

    /// Whether `actor` may give `target` the document `input` now; if so, what
    /// the document is of and who its author is.
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
                if !matches!(status, TenderStatus::Draft | TenderStatus::ActiveTendering) {
                    return Err(refusals::status_refusal(tender, "add document"));
                }
            }
            Target::Bid(bid_id) => {
                tendering::owned_open_bid(self, actor, bid_id, context.now, "add document to bid")?;
                return Ok(("tender", "bid_owner"));
            }
            Target::Award(award_id) => {
                let tender = ownership::owned_root(self, actor)?;
                let award = lookup::by_id(&tender.awards, award_id, "award_id")?;
                if status != TenderStatus::ActiveQualification
                    || award.status != AwardStatus::Pending
                {
                    return Err(refusals::status_refusal(tender, "add document to award"));
                }
            }
            Target::Contract(contract_id) => {
                let tender = ownership::owned_root(self, actor)?;
                let contract = lookup::by_id(&tender.contracts, contract_id, "contract_id")?;
                if contract.status != ContractStatus::Pending {
                    return Err(refusals::status_refusal(tender, "add document to contract"));
                }
            }
            Target::Cancellation(cancellation_id) => {
                let tender = ownership::owned_root(self, actor)?;
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
}
