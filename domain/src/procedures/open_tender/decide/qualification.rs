//! Awards from the lowest price up (spec §10) and the contract an accepted
//! award leads to (§11).

use crate::Context;
use crate::procedures::common::{documents, lookup, new_id, ownership, refusals};
use crate::procedures::open_tender::periods::full_working_days;
use crate::procedures::open_tender::{
    Actor, Award, AwardStatus, Bid, Contract, ContractStatus, Event, LotStatus, LotValueStatus,
    State, Tender, TenderStatus,
};
use crate::procurement::{ContractValue, Period, Refusal};

/// An award's informational `period` (spec P12), in working days.
const AWARD_PERIOD_WORKING_DAYS: u32 = 5;

/// The bids still in the running for `lot_id`: counted, priced for the
/// lot, without an `active` or `unsuccessful` award in it (a cancelled
/// award leaves its bid in the running).
fn candidates<'t>(tender: &'t Tender, lot_id: &str) -> impl Iterator<Item = &'t Bid> + 't {
    let lot_id = lot_id.to_owned();
    tender.bids.iter().filter(move |bid| {
        let decided = tender.awards.iter().any(|award| {
            award.bid_id == bid.id
                && award.lot_id == lot_id
                && matches!(
                    award.status,
                    AwardStatus::Active | AwardStatus::Unsuccessful
                )
        });
        bid.counts()
            && !decided
            && bid.lot_value(&lot_id).is_some_and(|v| {
                matches!(v.status, LotValueStatus::Pending | LotValueStatus::Active)
            })
    })
}

/// The pending award for the cheapest bid still in the running for the
/// lot (ties: the earlier submission), if any (spec §10.1).
pub(super) fn next_award(tender: &Tender, context: &Context<'_>) -> Option<Award> {
    let lot = tender.lot()?;
    let bid = candidates(tender, &lot.id).min_by(|a, b| {
        let key = |bid: &'_ Bid| {
            bid.lot_value(&lot.id)
                .map(|v| (v.value.amount, v.date, bid.id.clone()))
        };
        key(a).cmp(&key(b))
    })?;
    let value = bid.lot_value(&lot.id)?;
    let now = context.now;
    Some(Award {
        id: new_id(context),
        bid_id: bid.id.clone(),
        lot_id: lot.id.clone(),
        status: AwardStatus::Pending,
        qualified: None,
        value: value.value.clone(),
        suppliers: bid.tenderers.clone(),
        period: Period {
            start_date: Some(now),
            end_date: Some(full_working_days(
                context.calendar(),
                now,
                AWARD_PERIOD_WORKING_DAYS,
            )),
        },
        complaint_period: None,
        documents: Vec::new(),
        date: now,
    })
}

/// The award `award_id` in `expected` status, if `actor` owns the tender
/// and awards may be decided (spec §10.2).
fn decidable<'s>(
    state: &'s State,
    actor: &Actor,
    award_id: &str,
    expected: AwardStatus,
) -> Result<(&'s Tender, &'s Award), Refusal> {
    let tender = ownership::owned_root(state, actor)?;
    let award = lookup::by_id(&tender.awards, award_id, "award_id")?;
    if !matches!(
        tender.status,
        TenderStatus::ActiveQualification | TenderStatus::ActiveAwarded
    ) {
        return Err(refusals::status_refusal(tender, "update award"));
    }
    if tender
        .lots
        .iter()
        .any(|lot| lot.id == award.lot_id && lot.status != LotStatus::Active)
    {
        return Err(Refusal::not_allowed(
            "Can update award only in active lot status",
        ));
    }
    if award.status != expected {
        return Err(refusals::unnamed_status_refusal(
            "update award",
            award.status.as_str(),
        ));
    }
    Ok((tender, award))
}

fn complaint_period(state: &State, context: &Context<'_>) -> Period {
    Period {
        start_date: Some(context.now),
        end_date: Some(full_working_days(
            context.calendar(),
            context.now,
            state.config.award_complain_duration,
        )),
    }
}

pub(super) fn qualify(
    state: &State,
    actor: &Actor,
    award_id: &str,
    qualified: Option<bool>,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    // The model check comes before any rule on the award's status.
    if qualified != Some(true) {
        return Err(Refusal::invalid(
            "qualified",
            "Can't update award to active status with not qualified",
        )
        .as_list());
    }
    let (tender, award) = decidable(state, actor, award_id, AwardStatus::Pending)?;
    if !documents::signed_by_title(&award.documents, "notice") {
        return Err(documents::signature_required("notice"));
    }
    let now = context.now;
    let title = tender
        .lots
        .iter()
        .find(|lot| lot.id == award.lot_id)
        .map_or_else(|| tender.title.clone(), |lot| lot.title.clone());
    let contract = Contract {
        id: new_id(context),
        award_id: award.id.clone(),
        contract_id: format!("{}-a{}", tender.tender_id, tender.contracts.len() + 1),
        status: ContractStatus::Pending,
        title,
        value: ContractValue {
            amount: award.value.amount,
            currency: award.value.currency.clone(),
            value_added_tax_included: award.value.value_added_tax_included,
            amount_net: award.value.amount,
        },
        suppliers: award.suppliers.clone(),
        date_signed: None,
        documents: Vec::new(),
        date: now,
    };
    Ok(vec![Event::AwardAccepted {
        award_id: award_id.to_owned(),
        complaint_period: complaint_period(state, context),
        contract: Box::new(contract),
        at: now,
    }])
}

pub(super) fn disqualify(
    state: &State,
    actor: &Actor,
    award_id: &str,
    qualified: Option<bool>,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    if qualified != Some(false) {
        return Err(Refusal::invalid(
            "qualified",
            "Can't update award to unsuccessful status when qualified/eligible isn't set to False",
        )
        .as_list());
    }
    let (tender, award) = decidable(state, actor, award_id, AwardStatus::Pending)?;
    if !documents::signed_by_title(&award.documents, "notice") {
        return Err(documents::signature_required("notice"));
    }
    let mut decided = tender.clone();
    if let Some(rejected) = decided.awards.iter_mut().find(|a| a.id == award_id) {
        rejected.status = AwardStatus::Unsuccessful;
    }
    Ok(vec![Event::AwardRejected {
        award_id: award_id.to_owned(),
        complaint_period: complaint_period(state, context),
        next_award: next_award(&decided, context),
        at: context.now,
    }])
}

pub(super) fn cancel(
    state: &State,
    actor: &Actor,
    award_id: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let (tender, _) = decidable(state, actor, award_id, AwardStatus::Active)?;
    let signed = tender
        .contracts
        .iter()
        .any(|c| c.award_id == award_id && c.status == ContractStatus::Active);
    if signed {
        return Err(Refusal::not_allowed(
            "Can't cancel award contract in active status",
        ));
    }
    let mut reopened = tender.clone();
    if let Some(cancelled) = reopened.awards.iter_mut().find(|a| a.id == award_id) {
        cancelled.status = AwardStatus::Cancelled;
    }
    Ok(vec![Event::AwardCancelled {
        award_id: award_id.to_owned(),
        next_award: next_award(&reopened, context),
        at: context.now,
    }])
}

/// Contracting reports the contract signed (spec §10.3): the award's
/// complaint period does not delay it (`hasAwardComplaints` false).
pub(super) fn activate_contract(
    state: &State,
    contract_id: &str,
    date_signed: chrono::DateTime<chrono::Utc>,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = lookup::root(state)?;
    let contract = lookup::by_id(&tender.contracts, contract_id, "contract_id")?;
    if tender.status != TenderStatus::ActiveAwarded {
        return Err(refusals::status_refusal(tender, "update contract"));
    }
    if contract.status != ContractStatus::Pending {
        return Err(refusals::status_refusal_of(
            "contract",
            "update contract",
            if contract.status == ContractStatus::Active {
                "active"
            } else {
                "cancelled"
            },
        ));
    }
    let award = lookup::by_id(&tender.awards, &contract.award_id, "award_id")?;
    let Some(activated) = award.complaint_period.as_ref().and_then(|p| p.start_date) else {
        return Err(Refusal::not_allowed("The contract's award is not active"));
    };
    let shown = crate::time::format_kyiv(activated);
    if context.now < activated {
        return Err(Refusal::not_allowed(format!(
            "Can't sign contract before award activation date ({shown})"
        )));
    }
    if date_signed <= activated {
        return Err(Refusal::invalid(
            "dateSigned",
            format!("Contract signature date should be after award activation date ({shown})"),
        )
        .as_list());
    }
    Ok(vec![Event::ContractActivated {
        contract_id: contract_id.to_owned(),
        date_signed,
        at: context.now,
    }])
}
