//! Property tests of the sale in parts: for random lots and bids, and random
//! sequences of the Organizer's and the participants' decisions, the lot is
//! never over-sold, no waiting bid is skipped for a later one, and the
//! allocated quantities plus the remainder always account for the whole
//! lot (volume freed by a disqualification returns to the remainder).
//!
//! The pure allocation ([`super::allocation`]) is checked on its own, and
//! then the whole decider is driven through its commands, with a shadow
//! remainder kept from the events alone.

use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

use super::allocation::{self, Slot};
use super::tests::{Given, create_command, procedure_json};
use super::*;

/// A decimal with one fractional digit from a count of tenths.
fn tenths(n: i64) -> Decimal {
    Decimal::new(n, 1)
}

fn number(n: i64) -> serde_json::Value {
    // Exact: at most 15 significant digits; `Amount` reads the shortest
    // representation back.
    json!(n as f64 / 10.0)
}

proptest! {
    #[test]
    fn allocation_never_oversells_and_never_skips(
        lot in 1i64..100_000,
        quantities in prop::collection::vec(1i64..100_000, 0..20),
    ) {
        let lot = tenths(lot);
        let quantities: Vec<Decimal> = quantities.into_iter().map(tenths).collect();
        let slots = allocation::allocate(lot, &quantities);
        prop_assert_eq!(slots.len(), quantities.len());
        let first_waiting = slots.iter().position(|s| *s == Slot::Waiting);
        let pending_count = first_waiting.unwrap_or(slots.len());
        // Pending awards form a prefix: nobody after a waiting one is pending.
        prop_assert!(slots[pending_count..].iter().all(|s| *s == Slot::Waiting));
        let allocated: Decimal = quantities[..pending_count].iter().copied().sum();
        prop_assert!(allocated <= lot);
        let remainder = allocation::remainder(lot, quantities[..pending_count].iter().copied());
        prop_assert_eq!(allocated + remainder, lot);
        // The first waiting one really did not fit.
        if let Some(first) = first_waiting {
            prop_assert!(quantities[first] > remainder);
        }
    }

    #[test]
    fn ranking_is_a_total_order_independent_of_input_order(
        prices in prop::collection::vec((100i64..104, 0u32..3), 1..10),
        rotate in 0usize..10,
    ) {
        let base = super::tests::t0();
        let inputs: Vec<allocation::RankInput> = prices
            .iter()
            .enumerate()
            .map(|(i, (price, minute))| allocation::RankInput {
                bid_id: format!("{i:02}"),
                price: Decimal::from(*price),
                placed_at: base + chrono::Duration::minutes(i64::from(*minute)),
                published_at: base,
            })
            .collect();
        let mut rotated = inputs.clone();
        let len = rotated.len();
        rotated.rotate_left(rotate % len);
        let a = allocation::rank(inputs);
        let b = allocation::rank(rotated);
        prop_assert_eq!(&a, &b);
        for pair in a.windows(2) {
            prop_assert!(
                pair[0].price > pair[1].price
                    || (pair[0].price == pair[1].price && pair[0].placed_at <= pair[1].placed_at)
            );
        }
    }
}

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

fn participant(g: &Given, award: &Award) -> usize {
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

/// The invariants every reachable state keeps.
fn check(g: &Given, shadow: Decimal) -> Result<(), TestCaseError> {
    let procedure = g.procedure();
    let lot = procedure.lot_quantity();
    let allocated: Decimal = procedure
        .awards
        .iter()
        .filter(|a| a.status.is_allocated())
        .map(Award::quantity)
        .sum();
    let remainder = procedure.remainder();
    // Never more than the lot.
    prop_assert!(allocated <= lot, "allocated {allocated} > lot {lot}");
    prop_assert!(remainder >= Decimal::ZERO);
    // pending + active + remainder = lot; the remainder equals the one
    // kept from the events (lot − initial allocation + disqualified −
    // promoted − accepted).
    prop_assert_eq!(allocated + remainder, lot);
    prop_assert_eq!(remainder, shadow);
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
    g: &mut Given,
    shadow: &mut Decimal,
    (op, index, choice): (Op, usize, u8),
) -> Result<(), TestCaseError> {
    let before = g.procedure().clone();
    let awards: Vec<&Award> = before.awards.iter().collect();
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
            g.disqualify(u)
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
                let below = g.when(g.accept_command(u, decimal_json(minimal_part - tenths(1))?));
                prop_assert!(below.is_err());
                let above = g.when(g.accept_command(u, decimal_json(bound + tenths(1))?));
                prop_assert!(above.is_err());
                g.apply(g.accept_command(u, decimal_json(quantity)?))
            }
        }
        Op::QualificationPeriodEnds => {
            let end = before
                .qualification_period
                .as_ref()
                .and_then(|p| p.end_date);
            match end {
                Some(end) if g.now < end => {
                    g.now = end;
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
            g.now = g.now.max(end);
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
    check(g, *shadow)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_walks_keep_the_lot_whole((lot, minimal_part, bids, walk) in scenario()) {
        let mut g = Given::nothing();
        g.apply(create_command(procedure_json(
            number(lot),
            number(minimal_part),
            json!(100),
        )));
        for (quantity, price) in &bids {
            g.bid(number(*quantity), json!(price));
        }
        g.end_tendering();
        if bids.len() > 1 {
            g.auction_unraised();
        }
        let procedure = g.procedure();
        prop_assert_eq!(procedure.awards.len(), bids.len());
        // The initial allocation is the pure one, in ranking order.
        let quantities: Vec<Decimal> = procedure.awards.iter().map(Award::quantity).collect();
        let slots = allocation::allocate(tenths(lot), &quantities);
        for (award, slot) in procedure.awards.iter().zip(&slots) {
            let expected = match slot {
                Slot::Pending => AwardStatus::Pending,
                Slot::Waiting => AwardStatus::PendingWaiting,
            };
            prop_assert_eq!(award.status, expected);
        }
        // Ranked by price, highest first.
        for pair in procedure.awards.windows(2) {
            prop_assert!(pair[0].value.amount >= pair[1].value.amount);
        }
        let mut shadow = tenths(lot)
            - procedure
                .awards
                .iter()
                .filter(|a| a.status == AwardStatus::Pending)
                .map(Award::quantity)
                .sum::<Decimal>();
        check(&g, shadow)?;
        for decision in walk {
            step(&mut g, &mut shadow, decision)?;
        }
        // Once the qualification period is over and the scheduler ran,
        // nobody waits any more.
        let end = g
            .procedure()
            .qualification_period
            .as_ref()
            .and_then(|p| p.end_date);
        if let Some(end) = end {
            g.now = g.now.max(end);
            let events = g.apply(Command::CheckDue);
            step_events_only(&mut shadow, &events);
            check(&g, shadow)?;
            prop_assert!(first_waiting(g.procedure()).is_none());
            prop_assert!(g.when(Command::CheckDue).map(|e| e.is_empty()).unwrap_or(false));
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
