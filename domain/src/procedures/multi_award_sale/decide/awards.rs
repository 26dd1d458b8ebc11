//! Deciding awards: the Organizer qualifies or disqualifies, the
//! conditional winner accepts a part of the remainder or refuses.

use rust_decimal::{Decimal, RoundingStrategy};

use super::outcome::Outcome;
use super::qualification::settle;
use super::schedule::{admission_end, qualification_over};
use crate::Context;
use crate::procedures::common::{lookup, new_id, ownership, refusals};
use crate::procedures::multi_award_sale::allocation;
use crate::procedures::multi_award_sale::{
    Actor, Award, AwardEdit, AwardStatus, Contract, ContractStatus, Event, State,
    TERMINATION_REASONS,
};
use crate::procurement::{Amount, Money, Refusal};

pub(super) fn edit_award(
    state: &State,
    actor: &Actor,
    award_id: &str,
    edit: &AwardEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let procedure = lookup::root(state)?;
    let award = lookup::by_id(&procedure.awards, award_id, "award_id")?;
    if ownership::owns_root(state, procedure, actor) {
        if !procedure.status.in_qualification() {
            return Err(refusals::status_refusal(procedure, "update award"));
        }
        organizer_decides(state, award, edit, context)
    } else if ownership::owns_bid(state, actor, &award.bid_id) {
        if !procedure.status.in_qualification() {
            return Err(refusals::status_refusal(procedure, "update award"));
        }
        winner_answers(state, award, edit, context)
    } else {
        Err(Refusal::forbidden())
    }
}

/// A9 (qualify), A10/A11 (disqualify) by the Organizer.
fn organizer_decides(
    state: &State,
    award: &Award,
    edit: &AwardEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    if edit.quantity.is_some() {
        return Err(Refusal::invalid(
            "quantity",
            "Only the conditional winner states a quantity",
        ));
    }
    match edit.status.as_deref() {
        Some("active") => activate_award(state, award, edit, context),
        Some("unsuccessful") => disqualify(state, award, edit, context),
        Some(_) => Err(refusals::one_of("status", &["active", "unsuccessful"])),
        None => Err(refusals::required("status")),
    }
}

fn activate_award(
    state: &State,
    award: &Award,
    edit: &AwardEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    if award.status != AwardStatus::Pending {
        return Err(refusals::status_refusal_of(
            "award",
            "qualify award",
            award.status.as_str(),
        ));
    }
    if edit.termination_reason.is_some() {
        return Err(Refusal::invalid(
            "terminationReason",
            "Only a disqualification has a termination reason",
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

fn disqualify(
    state: &State,
    award: &Award,
    edit: &AwardEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let procedure = lookup::root(state)?;
    let contract = procedure
        .contracts
        .iter()
        .find(|c| c.award_id == award.id && c.status != ContractStatus::Cancelled);
    match award.status {
        AwardStatus::Pending => {}
        // Q18: at the contract stage only while the contract is unsigned.
        AwardStatus::Active if contract.is_none_or(|c| c.status == ContractStatus::Pending) => {}
        AwardStatus::Active => {
            return Err(Refusal::not_allowed(
                "Can't disqualify a winner whose contract is already signed",
            ));
        }
        other => {
            return Err(refusals::status_refusal_of(
                "award",
                "disqualify award",
                other.as_str(),
            ));
        }
    }
    let Some(reason) = edit.termination_reason.as_deref() else {
        return Err(refusals::required("terminationReason"));
    };
    if !TERMINATION_REASONS.contains(&reason) {
        return Err(refusals::one_of("terminationReason", &TERMINATION_REASONS));
    }
    if !award.has_document(&["rejectionProtocol", "act"]) {
        return Err(Refusal::invalid(
            "documents",
            "Upload a rejectionProtocol or an act to the award before disqualifying it",
        ));
    }
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

/// A6 (accept a part of the remainder), A7 (refuse) by the conditional
/// winner.
fn winner_answers(
    state: &State,
    award: &Award,
    edit: &AwardEdit,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    if award.status != AwardStatus::PendingAdmission {
        return Err(refusals::status_refusal_of(
            "award",
            "update award",
            award.status.as_str(),
        ));
    }
    let now = context.now;
    if admission_end(award).is_some_and(|end| now >= end) {
        return Err(Refusal::not_allowed(
            "The admission period is over: the offer lapsed",
        ));
    }
    if edit.termination_reason.is_some() {
        return Err(Refusal::invalid(
            "terminationReason",
            "Only the Organizer states a termination reason",
        ));
    }
    let procedure = lookup::root(state)?;
    let mut outcome = Outcome::new(state);
    match edit.status.as_deref() {
        Some("pending") => {
            let Some(quantity) = edit.quantity else {
                return Err(refusals::required("quantity"));
            };
            // Q25: the remainder as it is now, and never more than the
            // bid asked for.
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
            outcome.push(Event::AdmissionAccepted {
                award_id: award.id.clone(),
                quantity,
                remainder,
                at: now,
            });
        }
        Some("cancelled") => {
            if edit.quantity.is_some() {
                return Err(Refusal::invalid("quantity", "A refusal has no quantity"));
            }
            outcome.push(Event::AdmissionRefused {
                award_id: award.id.clone(),
                at: now,
            });
        }
        Some(_) => {
            return Err(refusals::one_of("status", &["pending", "cancelled"]));
        }
        None => return Err(refusals::required("status")),
    }
    settle(&mut outcome, context)?;
    Ok(outcome.events)
}
