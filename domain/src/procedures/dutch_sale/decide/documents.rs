//! Documents of the procedure, a bid, an award, a contract or a
//! cancellation: added, described anew or uploaded in a new version, by
//! whoever may add a document of that type to the record now.

use crate::Context;
use crate::procedures::common::{documents, lookup, ownership, refusals, tendering};
use crate::procedures::dutch_sale::{
    Actor, Event, PROCEDURE_DOCUMENT_TYPES, State, Target, bid::BID_DOCUMENT_TYPES,
};
use crate::procedures::sale::decision_documents::Decisions;
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
            documents::Change::Added(document) => Event::DocumentAdded {
                target,
                document: Box::new(document),
            },
            documents::Change::Edited(document) => Event::DocumentEdited {
                target,
                document: Box::new(document),
            },
            documents::Change::VersionAdded(document) => Event::DocumentVersionAdded {
                target,
                document: Box::new(document),
            },
        },
    ])
}

impl documents::Rules for State {
    type Caller = Actor;

    fn held(&self, actor: &Actor, target: &Target) -> Result<&[Document], Refusal> {
        let procedure = lookup::root(self)?;
        let held: &[Document] = match target {
            Target::Procedure => &procedure.documents,
            Target::Bid(bid_id) => &ownership::owned_bid(self, actor, bid_id)?.documents,
            Target::Award(id) => &lookup::by_id(&procedure.awards, id, "award_id")?.documents,
            Target::Contract(id) => {
                &lookup::by_id(&procedure.contracts, id, "contract_id")?.documents
            }
            Target::Cancellation(id) => {
                &lookup::by_id(&procedure.cancellations, id, "cancellation_id")?.documents
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
        let procedure = lookup::root(self)?;
        let status = procedure.status;
        let organizer = || ownership::owned_root(self, actor);
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
                tendering::owned_open_bid(self, actor, bid_id, context.now, "add document to bid")?;
                documents::check_type(input, &BID_DOCUMENT_TYPES, false)?;
                ("bid", "bid_owner")
            }
            Target::Award(_) | Target::Contract(_) | Target::Cancellation(_) => {
                ownership::owned_root(self, actor)?;
                let decisions = Decisions {
                    procedure,
                    status,
                    awards: &procedure.awards,
                    contracts: &procedure.contracts,
                    cancellations: &procedure.cancellations,
                };
                (decisions.may_attach(target, input)?, "auction_owner")
            }
        })
    }
}
