//! Deciding awards: the Organizer qualifies or disqualifies, the
//! conditional winner accepts a part of the remainder or refuses.

use chrono::{DateTime, Utc};
use rust_decimal::{Decimal, RoundingStrategy};

use super::outcome::Outcome;
use super::qualification::settle;
use super::schedule::{admission_end, qualification_over};
use crate::Context;
use crate::procedures::common::{lookup, new_id, ownership, refusals};
use crate::procedures::multi_award_sale::allocation;
use crate::procedures::multi_award_sale::{
    Actor, Award, AwardStatus, Contract, ContractStatus, Event, Procedure, State,
};
use crate::procurement::{Amount, Money, Refusal};

/// Who acts on an award: the Organizer, who decides it, or its bidder,
/// who answers the offer of the remainder.
enum Party {
    Organizer,
    Bidder,
}

/// The procedure, its award `award_id` and who `actor` is to the award,
/// while awards are being decided.
fn award_and_party<'s>(
    state: &'s State,
    actor: &Actor,
    award_id: &str,
) -> Result<(&'s Procedure, &'s Award, Party), Refusal> {
    let procedure = lookup::root(state)?;
    let award = lookup::by_id(&procedure.awards, award_id, "award_id")?;
    let party = if ownership::owns_root(state, procedure, actor) {
        Party::Organizer
    } else if ownership::owns_bid(state, actor, &award.bid_id) {
        Party::Bidder
    } else {
        return Err(Refusal::forbidden());
    };
    if !procedure.status.in_qualification() {
        return Err(refusals::status_refusal(procedure, "update award"));
    }
    Ok((procedure, award, party))
}

/// What the bidder is told when it sends one of the Organizer's decisions,
/// once its award could take an answer.
fn only_the_organizer(award: &Award, now: DateTime<Utc>) -> Refusal {
    match check_answerable(award, now) {
        Err(refusal) => refusal,
        Ok(()) => refusals::one_of("status", &["pending", "cancelled"]),
    }
}

/// A9: the Organizer qualifies.
pub(super) fn qualify(
    state: &State,
    actor: &Actor,
    award_id: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    match award_and_party(state, actor, award_id)? {
        (_, award, Party::Organizer) => activate_award(state, award, context),
        (_, award, Party::Bidder) => Err(only_the_organizer(award, context.now)),
    }
}

/// A10/A11: the Organizer disqualifies.
pub(super) fn disqualify(
    state: &State,
    actor: &Actor,
    award_id: &str,
    reason: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    match award_and_party(state, actor, award_id)? {
        (_, award, Party::Organizer) => disqualify_award(state, award, reason, context),
        (_, award, Party::Bidder) => {
            check_answerable(award, context.now)?;
            Err(Refusal::invalid(
                "terminationReason",
                "Only the Organizer states a termination reason",
            ))
        }
    }
}

/// A6: the conditional winner accepts a part of the remainder.
pub(super) fn accept_remainder(
    state: &State,
    actor: &Actor,
    award_id: &str,
    quantity: Amount,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let (procedure, award) = match award_and_party(state, actor, award_id)? {
        (procedure, award, Party::Bidder) => (procedure, award),
        (_, _, Party::Organizer) => {
            return Err(Refusal::invalid(
                "quantity",
                "Only the conditional winner states a quantity",
            ));
        }
    };
    let now = context.now;
    check_answerable(award, now)?;
    // Q25: the remainder as it is now, and never more than the bid asked
    // for.
    let remainder = procedure.remainder();
    let bound = remainder.min(award.quantity());
    let minimal_part = procedure.minimal_part();
    if !allocation::acceptable(quantity.decimal(), bound, minimal_part) {
        return Err(Refusal::invalid(
            "quantity",
            format!(
                "quantity should be between minimalPart ({minimal_part}) and the unallocated remainder ({bound})"
            ),
        ));
    }
    let mut outcome = Outcome::new(state);
    outcome.push(Event::AdmissionAccepted {
        award_id: award.id.clone(),
        quantity,
        remainder,
        at: now,
    });
    settle(&mut outcome, context)?;
    Ok(outcome.events)
}

/// A7: the conditional winner refuses.
pub(super) fn refuse_remainder(
    state: &State,
    actor: &Actor,
    award_id: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let award = match award_and_party(state, actor, award_id)? {
        (_, award, Party::Bidder) => award,
        // The Organizer is told the statuses it may send.
        (_, _, Party::Organizer) => {
            return Err(refusals::one_of("status", &["active", "unsuccessful"]));
        }
    };
    check_answerable(award, context.now)?;
    let mut outcome = Outcome::new(state);
    outcome.push(Event::AdmissionRefused {
        award_id: award.id.clone(),
        at: context.now,
    });
    settle(&mut outcome, context)?;
    Ok(outcome.events)
}

/// The award is the conditional winner's, and its admission period runs.
fn check_answerable(award: &Award, now: DateTime<Utc>) -> Result<(), Refusal> {
    if award.status != AwardStatus::PendingAdmission {
        return Err(refusals::status_refusal_of(
            "award",
            "update award",
            award.status.as_str(),
        ));
    }
    if admission_end(award).is_some_and(|end| now >= end) {
        return Err(Refusal::not_allowed(
            "The admission period is over: the offer lapsed",
        ));
    }
    Ok(())
}

fn activate_award(
    state: &State,
    award: &Award,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    if award.status != AwardStatus::Pending {
        return Err(refusals::status_refusal_of(
            "award",
            "qualify award",
            award.status.as_str(),
        ));
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
        contract_total_value: total_value(&award.value, award.quantity()),
        items: award.items.clone(),
        buyers: award.buyers.clone(),
        date_signed: None,
        documents: Vec::new(),
        date_published: now,
        date_modified: now,
    };
    let mut outcome = Outcome::new(state);
    outcome.push(Event::AwardActivated {
        award_id: award.id.clone(),
        at: now,
    });
    outcome.push(Event::ContractCreated {
        contract: Box::new(contract),
    });
    settle(&mut outcome, context)?;
    Ok(outcome.events)
}

/// Price per unit × quantity, rounded to kopecks (Q36).
fn total_value(value: &Money, quantity: Decimal) -> Option<Money> {
    let total = value
        .amount
        .decimal()
        .checked_mul(quantity)?
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    Some(Money {
        amount: Amount::new(total).ok()?,
        currency: value.currency.clone(),
        value_added_tax_included: value.value_added_tax_included,
    })
}

fn disqualify_award(
    state: &State,
    award: &Award,
    reason: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let procedure = lookup::root(state)?;
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
    if let Some(contract) = contract.filter(|c| c.status == ContractStatus::Pending) {
        outcome.push(Event::ContractCancelled {
            contract_id: contract.id.clone(),
            at: now,
        });
    }
    // A3 / §4.5: within the qualification period, only the first waiting
    // award is examined, once (Q22).
    let procedure = outcome.procedure()?;
    if !qualification_over(procedure, now)
        && let Some(first) = procedure
            .awards
            .iter()
            .find(|a| a.status == AwardStatus::PendingWaiting)
    {
        let remainder = procedure.remainder();
        if allocation::promotes(first.quantity(), remainder, procedure.minimal_part()) {
            let award_id = first.id.clone();
            outcome.push(Event::AwardPromoted {
                award_id,
                remainder,
                at: now,
            });
        }
    }
    settle(&mut outcome, context)?;
    Ok(outcome.events)
}
