//! The random walk: the whole decider driven through the Organizer's and
//! the participants' decisions from a random initial allocation.

use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

use super::super::tests::sale::Sale;
use super::super::*;
use super::{number, reference_ranking, reference_winners, tenths};

/// One decision of the random walk.
#[derive(Debug, Clone, Copy)]
enum Op {
    Disqualify,
    Qualify,
    Sign,
    Accept,
    Refuse,
    QualificationPeriodEnds,
    AdmissionPeriodEnds,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Disqualify),
        3 => Just(Op::Qualify),
        3 => Just(Op::Sign),
        2 => Just(Op::Accept),
        1 => Just(Op::Refuse),
        1 => Just(Op::QualificationPeriodEnds),
        1 => Just(Op::AdmissionPeriodEnds),
    ]
}

/// A lot (in tenths), a minimal part, bids `(quantity in tenths, price)`
/// and a walk of `(decision, which candidate, which quantity)`.
type Scenario = (i64, i64, Vec<(i64, i64)>, Vec<(Op, usize, u8)>);

fn scenario() -> impl Strategy<Value = Scenario> {
    (10i64..20_000)
        .prop_flat_map(|lot| (Just(lot), 1i64..=(lot / 3).max(1)))
        .prop_flat_map(|(lot, minimal_part)| {
            (
                Just(lot),
                Just(minimal_part),
                prop::collection::vec((minimal_part..=lot, 100i64..=106), 1..=7),
                prop::collection::vec((op(), 0usize..16, 0u8..3), 0..30),
            )
        })
}

/// A decimal as the JSON number a client would send.
fn decimal_json(value: Decimal) -> Result<serde_json::Value, TestCaseError> {
    serde_json::from_str(&value.to_string()).map_err(|e| TestCaseError::fail(e.to_string()))
}

fn participant(g: &Sale, award: &Award) -> usize {
    g.bids
        .iter()
        .position(|id| *id == award.bid_id)
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("award {} has no bid", award.id))
}

fn pick<'a>(candidates: &[&'a Award], index: usize) -> Option<&'a Award> {
    (!candidates.is_empty()).then(|| candidates[index % candidates.len()])
}

fn contract_pending(procedure: &Procedure, award: &Award) -> bool {
    procedure
        .contracts
        .iter()
        .any(|c| c.award_id == award.id && c.status == ContractStatus::Pending)
}

fn first_waiting(procedure: &Procedure) -> Option<&Award> {
    procedure
        .awards
        .iter()
        .find(|a| a.status == AwardStatus::PendingWaiting)
}

/// What the test knows of the sale without asking the decider: the lot it
/// created, the ranking it computed from the bids, and each participant's
/// quantity (the bid's, or what the participant accepted as conditional
/// winner).
struct Model {
    lot: Decimal,
    /// Participant (1-based, as [`Sale`] counts them) of each rank.
    ranked: Vec<usize>,
    /// Quantity per participant (index `u - 1`).
    quantity: Vec<Decimal>,
}

impl Model {
    fn quantity(&self, u: usize) -> Decimal {
        self.quantity[u - 1]
    }
}

/// A Winner, pending or active: the statuses that hold part of the lot
/// (spec §4.3), spelt out here rather than taken from `is_allocated`.
fn holds_volume(status: AwardStatus) -> bool {
    matches!(status, AwardStatus::Pending | AwardStatus::Active)
}

/// The transitions spec §4.4–4.7 allow an award in one decision.
fn allowed(from: AwardStatus, to: AwardStatus) -> bool {
    use AwardStatus::*;
    from == to
        || matches!(
            (from, to),
            (Pending, Active | Unsuccessful)
                | (Active, Unsuccessful)
                | (PendingWaiting, Pending | PendingAdmission | Cancelled)
                | (PendingAdmission, Pending | Cancelled)
        )
}

/// The invariants every reachable state keeps.
fn check(g: &Sale, model: &Model, shadow: Decimal) -> Result<(), TestCaseError> {
    let procedure = g.procedure();
    let lot = model.lot;
    prop_assert_eq!(procedure.lot_quantity(), lot);
    // The awards are in the reference ranking, each with the model's
    // quantity.
    let order: Vec<usize> = procedure.awards.iter().map(|a| participant(g, a)).collect();
    prop_assert_eq!(&order, &model.ranked, "awards not in ranking order");
    for award in &procedure.awards {
        let u = participant(g, award);
        prop_assert_eq!(award.quantity(), model.quantity(u), "quantity of U{}", u);
    }
    // Never over-sold, counted with the model's quantities.
    let allocated: Decimal = procedure
        .awards
        .iter()
        .filter(|a| holds_volume(a.status))
        .map(|a| model.quantity(participant(g, a)))
        .sum();
    prop_assert!(allocated <= lot, "allocated {allocated} > lot {lot}");
    // The decider's remainder is the one kept from the events (lot −
    // initial allocation + disqualified − promoted − accepted), and the
    // Winners' model quantities and that remainder account for the lot:
    // three sources that do not derive from one another.
    prop_assert_eq!(procedure.remainder(), shadow);
    prop_assert!(shadow >= Decimal::ZERO);
    prop_assert_eq!(allocated + shadow, lot);
    // No skipping: after the first waiting award every award waits.
    if let Some(first) = procedure
        .awards
        .iter()
        .position(|a| a.status == AwardStatus::PendingWaiting)
    {
        prop_assert!(
            procedure.awards[first..]
                .iter()
                .all(|a| a.status == AwardStatus::PendingWaiting),
            "an award after a waiting one left the queue: {:?}",
            procedure
                .awards
                .iter()
                .map(|a| a.status.as_str())
                .collect::<Vec<_>>()
        );
    }
    // At most one conditional winner, and then nobody waits.
    let admissions = procedure
        .awards
        .iter()
        .filter(|a| a.status == AwardStatus::PendingAdmission)
        .count();
    prop_assert!(admissions <= 1);
    if admissions == 1 {
        prop_assert!(first_waiting(procedure).is_none());
    }
    // Every active award has exactly one live contract; every live
    // contract belongs to an active award.
    for award in &procedure.awards {
        let live = procedure
            .contracts
            .iter()
            .filter(|c| c.award_id == award.id && c.status != ContractStatus::Cancelled)
            .count();
        let expected = usize::from(award.status == AwardStatus::Active);
        prop_assert_eq!(
            live,
            expected,
            "award {} ({})",
            award.id,
            award.status.as_str()
        );
    }
    // The status follows the awards (Q9/Q11).
    let status = procedure.status;
    if procedure
        .contracts
        .iter()
        .any(|c| c.status == ContractStatus::Pending)
    {
        prop_assert_eq!(status, ProcedureStatus::ActiveAwarded);
    } else if procedure.awards.iter().any(|a| a.status.is_open()) {
        prop_assert_eq!(status, ProcedureStatus::ActiveQualification);
    } else if !procedure
        .awards
        .iter()
        .any(|a| a.status == AwardStatus::Active)
    {
        prop_assert_eq!(status, ProcedureStatus::Unsuccessful);
    }
    Ok(())
}

/// Applies the walk's decision `op` (to an eligible award, if any) and
/// checks how its events moved the remainder.
fn step(
    g: &mut Sale,
    model: &mut Model,
    shadow: &mut Decimal,
    (op, index, choice): (Op, usize, u8),
) -> Result<(), TestCaseError> {
    let before = g.procedure().clone();
    let awards: Vec<&Award> = before.awards.iter().collect();
    // The participant the decision is about and the status the spec gives
    // its award right after it.
    let mut commanded: Option<(usize, AwardStatus)> = None;
    let events = match op {
        Op::Disqualify => {
            let candidates: Vec<&Award> = awards
                .iter()
                .copied()
                .filter(|a| {
                    a.status == AwardStatus::Pending
                        || (a.status == AwardStatus::Active && contract_pending(&before, a))
                })
                .collect();
            let Some(award) = pick(&candidates, index) else {
                return Ok(());
            };
            let u = participant(g, award);
            commanded = Some((u, AwardStatus::Unsuccessful));
            let events = g.disqualify(u);
            // §4.5, from the model: within the qualification period the
            // first waiting award is promoted exactly when its whole
            // quantity fits what the disqualification freed and is at least
            // the minimal part. `apply` moved the clock a minute past the
            // decision.
            let decided_at = g.now() - chrono::Duration::minutes(1);
            let in_qualification = before
                .qualification_period
                .as_ref()
                .and_then(|p| p.end_date)
                .is_none_or(|end| decided_at < end);
            let first = before
                .awards
                .iter()
                .find(|a| a.status == AwardStatus::PendingWaiting)
                .map(|a| participant(g, a));
            if let (true, Some(first)) = (in_qualification, first) {
                let freed: Decimal = before
                    .awards
                    .iter()
                    .filter(|a| holds_volume(a.status) && participant(g, a) != u)
                    .map(|a| model.quantity(participant(g, a)))
                    .sum();
                let left = model.lot - freed;
                let quantity = model.quantity(first);
                let promoted = quantity <= left && quantity >= before.minimal_part();
                prop_assert_eq!(
                    g.award(first).status == AwardStatus::Pending,
                    promoted,
                    "U{} ({}) after U{} was disqualified, {} left",
                    first,
                    quantity,
                    u,
                    left
                );
            }
            events
        }
        Op::Qualify => {
            let candidates: Vec<&Award> = awards
                .iter()
                .copied()
                .filter(|a| a.status == AwardStatus::Pending)
                .collect();
            let Some(award) = pick(&candidates, index) else {
                return Ok(());
            };
            let u = participant(g, award);
            commanded = Some((u, AwardStatus::Active));
            g.qualify(u)
        }
        Op::Sign => {
            let candidates: Vec<&Award> = awards
                .iter()
                .copied()
                .filter(|a| a.status == AwardStatus::Active && contract_pending(&before, a))
                .collect();
            let Some(award) = pick(&candidates, index) else {
                return Ok(());
            };
            let u = participant(g, award);
            commanded = Some((u, AwardStatus::Active));
            g.sign(u)
        }
        Op::Accept | Op::Refuse => {
            let Some(award) = awards
                .iter()
                .copied()
                .find(|a| a.status == AwardStatus::PendingAdmission)
            else {
                return Ok(());
            };
            let u = participant(g, award);
            if matches!(op, Op::Refuse) {
                commanded = Some((u, AwardStatus::Cancelled));
                g.refuse(u)
            } else {
                let minimal_part = before.minimal_part();
                let bound = before.remainder().min(award.quantity());
                let middle = ((minimal_part + bound) / Decimal::TWO).trunc_with_scale(1);
                let quantity = match choice {
                    0 => minimal_part,
                    1 => bound,
                    _ => middle,
                };
                // Out of range by a tenth on either side: refused, no change.
                g.when(g.accept_command(u, decimal_json(minimal_part - tenths(1))?))
                    .then_error();
                g.when(g.accept_command(u, decimal_json(bound + tenths(1))?))
                    .then_error();
                let events = g.apply(g.accept_command(u, decimal_json(quantity)?));
                // The accepted volume is now this participant's quantity.
                model.quantity[u - 1] = quantity;
                commanded = Some((u, AwardStatus::Pending));
                events
            }
        }
        Op::QualificationPeriodEnds => {
            let end = before
                .qualification_period
                .as_ref()
                .and_then(|p| p.end_date);
            match end {
                Some(end) if g.now() < end => {
                    g.set_now(end);
                    g.apply(Command::CheckDue)
                }
                _ => return Ok(()),
            }
        }
        Op::AdmissionPeriodEnds => {
            let end = awards
                .iter()
                .find(|a| a.status == AwardStatus::PendingAdmission)
                .and_then(|a| a.admission_period.as_ref())
                .and_then(|p| p.end_date);
            let Some(end) = end else {
                return Ok(());
            };
            let now = g.now().max(end);
            g.set_now(now);
            g.apply(Command::CheckDue)
        }
    };
    // What the events did to the remainder, judged on the state before.
    for event in &events {
        match event {
            Event::AwardDisqualified { award_id, .. } => {
                if let Some(award) = before.awards.iter().find(|a| &a.id == award_id)
                    && award.status.is_allocated()
                {
                    *shadow += award.quantity();
                }
            }
            Event::AwardPromoted {
                award_id,
                remainder,
                ..
            } => {
                let first = first_waiting(&before).map(|a| a.id.clone());
                prop_assert_eq!(Some(award_id), first.as_ref(), "promoted out of order");
                let award = before
                    .awards
                    .iter()
                    .find(|a| &a.id == award_id)
                    .ok_or_else(|| TestCaseError::fail("promoted award unknown"))?;
                prop_assert!(award.quantity() <= *remainder);
                prop_assert!(award.quantity() >= before.minimal_part());
                *shadow -= award.quantity();
            }
            Event::ConditionalWinnerChosen {
                award_id,
                remainder,
                ..
            } => {
                let first = first_waiting(&before).map(|a| a.id.clone());
                prop_assert_eq!(
                    Some(award_id),
                    first.as_ref(),
                    "conditional winner out of order"
                );
                prop_assert!(*remainder >= before.minimal_part());
            }
            Event::AdmissionAccepted { quantity, .. } => {
                *shadow -= quantity.decimal();
            }
            _ => {}
        }
    }
    let after = g.procedure();
    for award in &after.awards {
        let u = participant(g, award);
        let was = before
            .awards
            .iter()
            .find(|a| a.id == award.id)
            .map(|a| a.status)
            .ok_or_else(|| TestCaseError::fail(format!("award of U{u} appeared")))?;
        prop_assert!(
            allowed(was, award.status),
            "U{} went {} → {} on {:?}",
            u,
            was.as_str(),
            award.status.as_str(),
            op
        );
    }
    if let Some((u, status)) = commanded {
        prop_assert_eq!(g.award(u).status, status, "U{} after {:?}", u, op);
    }
    check(g, model, *shadow)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_walks_keep_the_lot_whole((lot, minimal_part, bids, walk) in scenario()) {
        let placed: Vec<_> = bids
            .iter()
            .map(|(quantity, price)| (number(*quantity), json!(price)))
            .collect();
        let mut g = Sale::qualification_of(number(lot), number(minimal_part), json!(100), &placed);
        let procedure = g.procedure();
        prop_assert_eq!(procedure.awards.len(), bids.len());
        // The initial allocation is the reference one, over the reference
        // ranking of the bids the test sent.
        let model = Model {
            lot: tenths(lot),
            ranked: reference_ranking(&bids).into_iter().map(|i| i + 1).collect(),
            quantity: bids.iter().map(|(quantity, _)| tenths(*quantity)).collect(),
        };
        let ranked_quantities: Vec<Decimal> =
            model.ranked.iter().map(|&u| model.quantity(u)).collect();
        let winners = reference_winners(model.lot, &ranked_quantities);
        for (&u, winner) in model.ranked.iter().zip(&winners) {
            let expected = if *winner {
                AwardStatus::Pending
            } else {
                AwardStatus::PendingWaiting
            };
            prop_assert_eq!(g.award(u).status, expected, "U{} initially", u);
        }
        let mut model = model;
        let mut shadow = model.lot
            - ranked_quantities
                .iter()
                .zip(&winners)
                .filter(|(_, winner)| **winner)
                .map(|(quantity, _)| *quantity)
                .sum::<Decimal>();
        check(&g, &model, shadow)?;
        for decision in walk {
            step(&mut g, &mut model, &mut shadow, decision)?;
        }
        // Once the qualification period is over and the scheduler ran,
        // nobody waits any more.
        let end = g
            .procedure()
            .qualification_period
            .as_ref()
            .and_then(|p| p.end_date);
        if let Some(end) = end {
            let now = g.now().max(end);
            g.set_now(now);
            let events = g.apply(Command::CheckDue);
            step_events_only(&mut shadow, &events);
            check(&g, &model, shadow)?;
            prop_assert!(first_waiting(g.procedure()).is_none());
            g.when(Command::CheckDue).then_nothing();
        }
    }
}

/// The scheduler's events after the walk: only choices and cancellations,
/// which never move the remainder.
fn step_events_only(shadow: &mut Decimal, events: &[Event]) {
    for event in events {
        if let Event::AdmissionAccepted { quantity, .. } = event {
            *shadow -= quantity.decimal();
        }
    }
}
