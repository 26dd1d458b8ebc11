//! The qualification period: awards created and allocated, the conditional
//! winner chosen, and the procedure's status following its awards.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::outcome::Outcome;
use crate::Context;
use crate::procedures::common::new_id;
use crate::procedures::multi_award_sale::Item;
use crate::procedures::multi_award_sale::allocation::{self, Slot};
use crate::procedures::multi_award_sale::{
    Award, AwardStatus, Bid, ChoiceTrigger, ContractStatus, Event, Procedure, ProcedureStatus,
    WaitingCancelReason,
};
use crate::procurement::{Period, Refusal};

/// P3/P4: the qualification period starts, one award per ranked bid is
/// created, allocated top-down (§4.3); T3 if no award fits at all.
pub(super) fn start_qualification(
    outcome: &mut Outcome,
    ranked_bid_ids: &[String],
    start: DateTime<Utc>,
    context: &Context<'_>,
) -> Result<(), Refusal> {
    let now = context.now;
    let days = outcome.scratch.config.qualification_period_days;
    outcome.push(Event::QualificationStarted {
        qualification_period: Period {
            start_date: Some(start),
            end_date: Some(context.calendar().add_working_days(start, days)),
        },
        at: now,
    });
    let procedure = outcome.procedure()?;
    let bids: Vec<Bid> = ranked_bid_ids
        .iter()
        .filter_map(|id| procedure.bids.iter().find(|bid| &bid.id == id).cloned())
        .collect();
    let quantities: Vec<Decimal> = bids.iter().map(|bid| bid.quantity.decimal()).collect();
    let slots = allocation::allocate(procedure.lot_quantity(), &quantities);
    let lot = procedure.items.first().cloned();
    outcome.push(Event::BidsDisclosed {
        bids: bids.clone(),
        at: now,
    });
    let mut awards = Vec::with_capacity(bids.len());
    for (bid, slot) in bids.iter().zip(slots) {
        let (status, periods) = match slot {
            Slot::Pending => (AwardStatus::Pending, started(now)),
            Slot::Waiting => (AwardStatus::PendingWaiting, None),
        };
        let item = lot.clone().map(|item| Item {
            quantity: Some(bid.quantity),
            ..item
        });
        awards.push(Award {
            id: new_id(context),
            bid_id: bid.id.clone(),
            status,
            value: bid.value.clone(),
            buyers: bid.bidders.clone(),
            items: item.into_iter().collect(),
            termination_reason: None,
            verification_period: periods.clone(),
            signing_period: periods,
            admission_period: None,
            documents: Vec::new(),
            date_published: now,
            date_modified: now,
        });
    }
    let any_pending = awards.iter().any(|a| a.status == AwardStatus::Pending);
    let any_waiting = awards
        .iter()
        .any(|a| a.status == AwardStatus::PendingWaiting);
    for award in awards {
        outcome.push(Event::AwardCreated {
            award: Box::new(award),
        });
    }
    if !any_pending && any_waiting {
        choose_conditional_winner(outcome, ChoiceTrigger::NoWinners, context)?;
    }
    settle(outcome, context)
}

fn started(at: DateTime<Utc>) -> Option<Period> {
    Some(Period {
        start_date: Some(at),
        end_date: None,
    })
}

/// A4/A5: the first waiting award is offered the remainder when it is at
/// least `minimalPart`, and every other waiting award is cancelled; when
/// the remainder is smaller, all waiting awards are cancelled.
pub(super) fn choose_conditional_winner(
    outcome: &mut Outcome,
    trigger: ChoiceTrigger,
    context: &Context<'_>,
) -> Result<(), Refusal> {
    let now = context.now;
    let procedure = outcome.procedure()?;
    let waiting: Vec<String> = procedure
        .awards
        .iter()
        .filter(|a| a.status == AwardStatus::PendingWaiting)
        .map(|a| a.id.clone())
        .collect();
    let Some((first, others)) = waiting.split_first() else {
        return Ok(());
    };
    let remainder = procedure.remainder();
    if allocation::offers_remainder(remainder, procedure.minimal_part()) {
        let days = outcome.scratch.config.admission_period_days;
        outcome.push(Event::ConditionalWinnerChosen {
            award_id: first.clone(),
            trigger,
            remainder,
            admission_period: Period {
                start_date: Some(now),
                end_date: Some(context.calendar().add_working_days(now, days)),
            },
            at: now,
        });
        for award_id in others {
            outcome.push(Event::WaitingAwardCancelled {
                award_id: award_id.clone(),
                reason: WaitingCancelReason::ConditionalWinnerChosen,
                remainder,
                at: now,
            });
        }
    } else {
        for award_id in &waiting {
            outcome.push(Event::WaitingAwardCancelled {
                award_id: award_id.clone(),
                reason: WaitingCancelReason::RemainderBelowMinimalPart,
                remainder,
                at: now,
            });
        }
    }
    Ok(())
}

/// T2 (spec §4.6, Q23): no Winner is still `pending`, every `active`
/// award's contract is signed, and some award waits.
fn winners_all_signed(procedure: &Procedure) -> bool {
    let contract_pending = |award: &Award| {
        procedure
            .contracts
            .iter()
            .any(|c| c.award_id == award.id && c.status == ContractStatus::Pending)
    };
    let undecided = procedure.awards.iter().any(|a| {
        a.status == AwardStatus::Pending || (a.status == AwardStatus::Active && contract_pending(a))
    });
    let waiting = procedure
        .awards
        .iter()
        .any(|a| a.status == AwardStatus::PendingWaiting);
    !undecided && waiting
}

/// The procedure status the awards and contracts call for (Q9, Q11):
/// `active_awarded` while a contract is pending; else
/// `active_qualification` while an award is undecided; else
/// `unsuccessful` when no award is `active`; else unchanged (waiting for
/// the Organizer to complete).
fn derived_status(procedure: &Procedure) -> ProcedureStatus {
    let current = procedure.status;
    if current.is_terminal() {
        return current;
    }
    if procedure
        .contracts
        .iter()
        .any(|c| c.status == ContractStatus::Pending)
    {
        return ProcedureStatus::ActiveAwarded;
    }
    if procedure.awards.iter().any(|a| a.status.is_open()) {
        return ProcedureStatus::ActiveQualification;
    }
    if !procedure
        .awards
        .iter()
        .any(|a| a.status == AwardStatus::Active)
    {
        return ProcedureStatus::Unsuccessful;
    }
    current
}

/// What follows every award or contract transition: T2, then the
/// procedure's status.
pub(super) fn settle(outcome: &mut Outcome, context: &Context<'_>) -> Result<(), Refusal> {
    if winners_all_signed(outcome.procedure()?) {
        choose_conditional_winner(outcome, ChoiceTrigger::WinnersSigned, context)?;
    }
    let procedure = outcome.procedure()?;
    let status = derived_status(procedure);
    if status != procedure.status {
        outcome.push(Event::ProcedureStatusChanged {
            status,
            at: context.now,
        });
    }
    Ok(())
}
