//! Awards: the lowest price first, accepted into a contract or rejected in
//! favour of the next-lowest bid.

use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Kyiv;

use super::signatures;
use crate::Context;
use crate::procedures::common::{lookup, new_id, ownership, refusals};
use crate::procedures::price_quotation::{
    Actor, Award, AwardStatus, Contract, ContractStatus, Event, State, Tender, TenderStatus,
};
use crate::procurement::{ContractValue, Period, Refusal};

/// How long the owner has to decide on an award, in working days.
const DECISION_WORKING_DAYS: u32 = 2;

/// The end of an award's period when it is created: the end of the Kyiv
/// day reached [`DECISION_WORKING_DAYS`] working days from `now`, as the
/// reference API shows it (created at 2024-01-01T00:00:01+02:00, it ends at
/// 2024-01-04T00:00:00+02:00). No rule acts on it yet; it tells the owner
/// by when the decision is expected.
fn decision_deadline(context: &Context<'_>) -> DateTime<Utc> {
    let end = context
        .calendar()
        .add_working_days(context.now, DECISION_WORKING_DAYS);
    let local = crate::time::to_kyiv(end);
    if local.time() == NaiveTime::MIN {
        return end;
    }
    local
        .date_naive()
        .succ_opt()
        .and_then(|day| {
            Kyiv.from_local_datetime(&day.and_time(NaiveTime::MIN))
                .earliest()
        })
        .map_or(end, |midnight| midnight.with_timezone(&Utc))
}

/// The pending award for the lowest-priced bid still in the running
/// (earlier bid first on a tie), if any.
pub(super) fn next_award(
    tender: &Tender,
    rejected: Option<&str>,
    context: &Context<'_>,
) -> Option<Award> {
    // A cancelled award leaves its bid in the running: the owner took the
    // decision back, not the bid.
    let awarded: Vec<&str> = tender
        .awards
        .iter()
        .filter(|award| award.status != AwardStatus::Cancelled)
        .map(|award| award.bid_id.as_str())
        .chain(rejected)
        .collect();
    let bid = tender
        .bids
        .iter()
        .filter(|bid| bid.counts() && !awarded.contains(&bid.id.as_str()))
        .min_by(|a, b| (a.value.amount, a.date, &a.id).cmp(&(b.value.amount, b.date, &b.id)))?;
    Some(Award {
        id: new_id(context),
        bid_id: bid.id.clone(),
        status: AwardStatus::Pending,
        qualified: None,
        title: None,
        description: None,
        value: bid.value.clone(),
        suppliers: bid.tenderers.clone(),
        period: Period {
            start_date: Some(context.now),
            end_date: Some(decision_deadline(context)),
        },
        documents: Vec::new(),
        date: context.now,
    })
}

/// The pending award `award_id`, if `actor` owns the tender and awards are
/// being decided.
fn pending_award<'s>(
    state: &'s State,
    actor: &Actor,
    award_id: &str,
) -> Result<(&'s Tender, &'s Award), Refusal> {
    let tender = ownership::owned_root(state, actor)?;
    let award = lookup::by_id(&tender.awards, award_id, "award_id")?;
    if tender.status != TenderStatus::ActiveQualification {
        return Err(refusals::status_refusal(tender, "update award"));
    }
    if award.status != AwardStatus::Pending {
        let status = serde_json::to_value(award.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        return Err(refusals::unnamed_status_refusal("update award", &status));
    }
    Ok((tender, award))
}

pub(super) fn qualify(
    state: &State,
    actor: &Actor,
    award_id: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let (tender, award) = pending_award(state, actor, award_id)?;
    signatures::require_notice(tender, &award.documents)?;
    let now = context.now;
    let bid = tender.bids.iter().find(|bid| bid.id == award.bid_id);
    let contract = Contract {
        id: new_id(context),
        award_id: award.id.clone(),
        contract_id: format!("{}-a{}", tender.tender_id, tender.contracts.len() + 1),
        status: ContractStatus::Pending,
        title: tender.title.clone(),
        value: ContractValue {
            amount: award.value.amount,
            currency: award.value.currency.clone(),
            value_added_tax_included: award.value.value_added_tax_included,
            amount_net: award.value.amount,
        },
        suppliers: award.suppliers.clone(),
        items: bid
            .and_then(|bid| bid.items.clone())
            .unwrap_or_else(|| tender.items.clone()),
        date_signed: None,
        documents: Vec::new(),
        date: now,
    };
    Ok(vec![Event::AwardAccepted {
        award_id: award_id.to_owned(),
        contract: Box::new(contract),
        at: now,
    }])
}

pub(super) fn disqualify(
    state: &State,
    actor: &Actor,
    award_id: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let (tender, award) = pending_award(state, actor, award_id)?;
    signatures::require_notice(tender, &award.documents)?;
    let next_award = next_award(tender, Some(award.bid_id.as_str()), context);
    Ok(vec![Event::AwardRejected {
        award_id: award_id.to_owned(),
        next_award,
        at: context.now,
    }])
}

/// Taking back an accepted award while its contract is unsigned (the
/// reference API's `active → cancelled`): the decision starts again, with a
/// new pending award for the best bid still standing, the same bid.
pub(super) fn cancel(
    state: &State,
    actor: &Actor,
    award_id: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = ownership::owned_root(state, actor)?;
    let award = lookup::by_id(&tender.awards, award_id, "award_id")?;
    if tender.status != TenderStatus::ActiveAwarded {
        return Err(refusals::status_refusal(tender, "update award"));
    }
    if award.status != AwardStatus::Active {
        let status = serde_json::to_value(award.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        return Err(refusals::unnamed_status_refusal("update award", &status));
    }
    let mut reopened = tender.clone();
    if let Some(cancelled) = reopened.awards.iter_mut().find(|a| a.id == award_id) {
        cancelled.status = AwardStatus::Cancelled;
    }
    Ok(vec![Event::AwardCancelled {
        award_id: award_id.to_owned(),
        next_award: next_award(&reopened, None, context),
        at: context.now,
    }])
}
