//! The automatic transitions and when they are due: the tender period's
//! end, the qualification period's end and the conditional winner's
//! admission period.

use chrono::{DateTime, Utc};

use super::outcome::Outcome;
use super::qualification::{choose_conditional_winner, settle, start_qualification};
use crate::Context;
use crate::procedures::multi_award_sale::{
    Award, AwardStatus, BidStatus, ChoiceTrigger, Event, Procedure, ProcedureStatus, State,
};
use crate::procurement::{Period, Refusal};

pub(super) fn check_due(state: &State, context: &Context<'_>) -> Result<Vec<Event>, Refusal> {
    let Some(procedure) = state.procedure.as_ref() else {
        return Ok(Vec::new());
    };
    let now = context.now;
    let mut outcome = Outcome::new(state);
    if procedure.status == ProcedureStatus::ActiveTendering {
        if let Some(end) = procedure.tender_period.end_date
            && now >= end
        {
            end_tendering(&mut outcome, end, context)?;
        }
        return Ok(outcome.events);
    }
    if !procedure.status.in_qualification() {
        return Ok(outcome.events);
    }
    // A8: silent refusal of the conditional winner.
    let expired: Vec<String> = procedure
        .awards
        .iter()
        .filter(|a| a.status == AwardStatus::PendingAdmission)
        .filter(|a| admission_end(a).is_some_and(|end| now >= end))
        .map(|a| a.id.clone())
        .collect();
    for award_id in expired {
        outcome.push(Event::AdmissionExpired { award_id, at: now });
    }
    // T1: the qualification period is over and awards still wait.
    let period_over = qualification_over(procedure, now);
    let waiting = procedure
        .awards
        .iter()
        .any(|a| a.status == AwardStatus::PendingWaiting);
    if period_over && waiting {
        choose_conditional_winner(
            &mut outcome,
            ChoiceTrigger::QualificationPeriodEnded,
            context,
        )?;
    }
    if !outcome.events.is_empty() {
        settle(&mut outcome, context)?;
    }
    Ok(outcome.events)
}

pub(super) fn admission_end(award: &Award) -> Option<DateTime<Utc>> {
    award.admission_period.as_ref().and_then(|p| p.end_date)
}

pub(super) fn qualification_over(procedure: &Procedure, now: DateTime<Utc>) -> bool {
    procedure
        .qualification_period
        .as_ref()
        .and_then(|p| p.end_date)
        .is_some_and(|end| now >= end)
}

/// P2/P3/P8 at `tenderPeriod.endDate`: no bid → `unsuccessful`; one bid →
/// qualification without an auction (unless the Organizer asked for at
/// least two, Q6); two or more → the auction.
fn end_tendering(
    outcome: &mut Outcome,
    end: DateTime<Utc>,
    context: &Context<'_>,
) -> Result<(), Refusal> {
    let now = context.now;
    let procedure = outcome.procedure()?;
    // B-V4 across brokers: a participant's first bid takes part, its later
    // ones (placed through other brokers) do not.
    let active = || {
        procedure
            .bids
            .iter()
            .filter(|bid| bid.status == BidStatus::Active)
    };
    let excluded = crate::procurement::one_bid_per_party::later_bids_of_the_same_party(
        active().map(|bid| (bid.id.as_str(), bid.bidders.as_slice())),
    );
    let participants: Vec<String> = active()
        .filter(|bid| !excluded.contains(&bid.id))
        .map(|bid| bid.id.clone())
        .collect();
    let required = procedure.min_number_of_qualified_bids as usize;
    let count = participants.len();
    outcome.push(Event::TenderingEnded {
        participants: participants.clone(),
        excluded,
        at: now,
    });
    if count == 0 || count < required {
        outcome.push(Event::ProcedureStatusChanged {
            status: ProcedureStatus::Unsuccessful,
            at: now,
        });
    } else if count == 1 {
        // Q7: the qualification period runs from the tender period's end.
        start_qualification(outcome, &participants, end, context)?;
    } else {
        outcome.push(Event::AuctionStarted {
            auction_period: Period {
                start_date: Some(end),
                end_date: None,
            },
            at: now,
        });
    }
    Ok(())
}

/// When the next automatic transition is due: the tender period's end while
/// bids are taken; in qualification the end of the qualification period
/// while awards wait, and the end of the conditional winner's admission
/// period.
pub fn next_check(state: &State) -> Option<DateTime<Utc>> {
    let procedure = state.procedure.as_ref()?;
    match procedure.status {
        ProcedureStatus::ActiveTendering => procedure.tender_period.end_date,
        status if status.in_qualification() => {
            let waiting = procedure
                .awards
                .iter()
                .any(|a| a.status == AwardStatus::PendingWaiting);
            let qualification_end = procedure
                .qualification_period
                .as_ref()
                .and_then(|p| p.end_date)
                .filter(|_| waiting);
            let admission = procedure
                .awards
                .iter()
                .filter(|a| a.status == AwardStatus::PendingAdmission)
                .filter_map(admission_end);
            qualification_end.into_iter().chain(admission).min()
        }
        _ => None,
    }
}
