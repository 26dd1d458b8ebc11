//! Qualification: the Organizer qualifies the winner (its protocol
//! uploaded) or disqualifies it, the winner may refuse, and either passes
//! the award to the one waiting; the signed contract completes the sale.

use super::Outcome;
use crate::Context;
use crate::procedures::common::{lookup, new_id, ownership, refusals};
use crate::procedures::dutch_sale::{
    Actor, Award, AwardStatus, Contract, ContractStatus, Event, Procedure, ProcedureStatus, State,
};
use crate::procurement::Refusal;

/// The procedure and its award `award_id`, while awards are decided.
fn award<'s>(state: &'s State, award_id: &str) -> Result<(&'s Procedure, &'s Award), Refusal> {
    let procedure = lookup::root(state)?;
    let award = lookup::by_id(&procedure.awards, award_id, "award_id")?;
    if !procedure.status.in_qualification() {
        return Err(refusals::status_refusal(procedure, "update award"));
    }
    Ok((procedure, award))
}

/// The award and procedure if `actor` is the Organizer; the winner is
/// told it may only refuse.
fn organizers<'s>(
    state: &'s State,
    actor: &Actor,
    award_id: &str,
) -> Result<(&'s Procedure, &'s Award), Refusal> {
    let (procedure, award) = award(state, award_id)?;
    if ownership::owns_root(state, procedure, actor) {
        return Ok((procedure, award));
    }
    if ownership::owns_bid(state, actor, &award.bid_id) {
        return Err(refusals::one_of("status", &["cancelled"]));
    }
    Err(Refusal::forbidden())
}

fn status_refusal(award: &Award, action: &str) -> Refusal {
    refusals::status_refusal_of("award", action, award.status.as_str())
}

pub(super) fn qualify(
    state: &State,
    actor: &Actor,
    award_id: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let (_, award) = organizers(state, actor, award_id)?;
    if award.status != AwardStatus::Pending {
        return Err(status_refusal(award, "qualify award"));
    }
    if !award.has_document(&["auctionProtocol"]) {
        return Err(Refusal::invalid(
            "documents",
            "Upload the signed auctionProtocol to the award before qualifying it",
        ));
    }
    let now = context.now;
    let contract = Contract {
        id: new_id(context),
        award_id: award.id.clone(),
        status: ContractStatus::Pending,
        value: award.value.clone(),
        // One lot at one price: the total is the price.
        contract_total_value: Some(award.value.clone()),
        items: award.items.clone(),
        buyers: award.buyers.clone(),
        date_signed: None,
        documents: Vec::new(),
        date_published: now,
        date_modified: now,
    };
    Ok(vec![
        Event::AwardActivated {
            award_id: award.id.clone(),
            at: now,
        },
        Event::ContractCreated {
            contract: Box::new(contract),
        },
        Event::ProcedureStatusChanged {
            status: ProcedureStatus::ActiveAwarded,
            at: now,
        },
    ])
}

pub(super) fn disqualify(
    state: &State,
    actor: &Actor,
    award_id: &str,
    reason: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let (procedure, award) = organizers(state, actor, award_id)?;
    let contract = procedure
        .contracts
        .iter()
        .find(|c| c.award_id == award.id && c.status != ContractStatus::Cancelled);
    award.check_disqualification(contract, reason)?;
    let now = context.now;
    let mut outcome = Outcome::new(state);
    outcome.push(Event::AwardDisqualified {
        award_id: award.id.clone(),
        termination_reason: reason.to_owned(),
        at: now,
    });
    if let Some(contract) = contract {
        outcome.push(Event::ContractCancelled {
            contract_id: contract.id.clone(),
            at: now,
        });
    }
    pass_on(&mut outcome, context)?;
    Ok(outcome.events)
}

/// The winner refuses its award, with its bid's token.
pub(super) fn refuse(
    state: &State,
    actor: &Actor,
    award_id: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let (procedure, award) = award(state, award_id)?;
    if !ownership::owns_bid(state, actor, &award.bid_id) {
        if ownership::owns_root(state, procedure, actor) {
            return Err(refusals::one_of("status", &["active", "unsuccessful"]));
        }
        return Err(Refusal::forbidden());
    }
    if award.status != AwardStatus::Pending {
        return Err(status_refusal(award, "refuse award"));
    }
    let mut outcome = Outcome::new(state);
    outcome.push(Event::AwardRefused {
        award_id: award.id.clone(),
        at: context.now,
    });
    pass_on(&mut outcome, context)?;
    Ok(outcome.events)
}

/// The winner is gone: the waiting award becomes the winner's, or, with
/// nobody waiting, the sale is `unsuccessful`.
fn pass_on(outcome: &mut Outcome, context: &Context<'_>) -> Result<(), Refusal> {
    let now = context.now;
    let procedure = outcome.procedure()?;
    let waiting = procedure
        .awards
        .iter()
        .find(|a| a.status == AwardStatus::PendingWaiting)
        .map(|a| a.id.clone());
    let status = procedure.status;
    match waiting {
        Some(award_id) => {
            outcome.push(Event::AwardPromoted { award_id, at: now });
            if status != ProcedureStatus::ActiveQualification {
                outcome.push(Event::ProcedureStatusChanged {
                    status: ProcedureStatus::ActiveQualification,
                    at: now,
                });
            }
        }
        None => outcome.push(Event::ProcedureStatusChanged {
            status: ProcedureStatus::Unsuccessful,
            at: now,
        }),
    }
    Ok(())
}

/// The Organizer confirms the signed contract: the sale is complete, and
/// the award still waiting is cancelled.
pub(super) fn sign_contract(
    state: &State,
    actor: &Actor,
    contract_id: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let procedure = ownership::owned_root(state, actor)?;
    let contract = lookup::by_id(&procedure.contracts, contract_id, "contract_id")?;
    if !procedure.status.in_qualification() {
        return Err(refusals::status_refusal(procedure, "update contract"));
    }
    contract.check_signing()?;
    // multi-award-sale.md P7(c): a complete sale decides every award.
    let mut events = vec![Event::ContractSigned {
        contract_id: contract_id.to_owned(),
        at: context.now,
    }];
    events.extend(
        procedure
            .awards
            .iter()
            .filter(|a| a.status == AwardStatus::PendingWaiting)
            .map(|a| Event::WaitingAwardCancelled {
                award_id: a.id.clone(),
                at: context.now,
            }),
    );
    events.push(Event::ProcedureStatusChanged {
        status: ProcedureStatus::Complete,
        at: context.now,
    });
    Ok(events)
}
