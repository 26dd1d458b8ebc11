//! Property tests of the Dutch engine: for random starting prices, step
//! counts, round lengths and reductions, the price never rises within
//! round 1 and never falls below the last step's; the steps tile round 1
//! exactly; and a stop at any moment of round 1 is at the price of the
//! step running then, so of two stops the later is never dearer.
//!
//! Expectations come from the rules, not the engine: the step running at a
//! moment is found by the formula `R1s + floor(k × D / N)` of the test's
//! own, and the prices are compared with each other and with the bounds.

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::auction::{AuctionEngine, Command};
use crate::procurement::Amount;
use crate::testing::CountingIds;
use crate::{Context, Decider};

fn t0() -> DateTime<Utc> {
    crate::testing::utc(2024, 3, 7, 7, 30)
}

fn parameters(cents: i64, steps: u32, round_ms: i64, reduction_bp: i64) -> Parameters {
    let mut parameters = Parameters::new(
        t0(),
        Amount::new(Decimal::new(cents, 2)).expect("price"),
        Amount::new(Decimal::new(100, 0)).expect("step"),
        vec!["bid-1".into(), "bid-2".into()],
    );
    parameters.timing.dutch_step_count = steps;
    parameters.timing.dutch_round_duration = TimeDelta::milliseconds(round_ms);
    parameters.step_reduction = Decimal::new(reduction_bp, 4);
    parameters
}

/// The step (1-based) running `elapsed` ms into round 1, by the formula.
fn step_of(elapsed: i64, steps: u32, round_ms: i64) -> u32 {
    (1..=steps)
        .find(|&k| elapsed < i64::from(k) * round_ms / i64::from(steps))
        .unwrap_or(steps)
}

fn stop_at(parameters: &Parameters, now: DateTime<Utc>) -> Option<(u32, Amount)> {
    let ids = CountingIds::starting_at(1);
    let schedule = Command::Schedule {
        auction_id: "a".into(),
        parameters: parameters.clone(),
    };
    let context = Context::new(t0() - TimeDelta::hours(1), &ids);
    let scheduled = Dutch::decide(&State::default(), &schedule, &context).ok()?;
    let state = Dutch::fold(&scheduled);
    let accept = Command::Bid {
        bid_id: "bid-2".into(),
        amount: None,
    };
    match Dutch::decide(&state, &accept, &Context::new(now, &ids))
        .ok()?
        .as_slice()
    {
        [Event::DutchStopped { step, amount, .. }] => Some((*step, *amount)),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn the_price_never_rises_in_round_one_nor_falls_below_the_last_step(
        cents in 100i64..100_000_000,
        steps in 1u32..=99,
        round_ms in 1_000i64..30_000_000,
        reduction_bp in 0i64..=200,
        fractions in prop::collection::vec(0.0f64..1.0, 2),
    ) {
        let parameters = parameters(cents, steps, round_ms, reduction_bp);
        // Reductions that would take a step to zero are refused; the
        // property is about the auctions that run.
        prop_assume!(parameters.check().is_ok());
        let stages = Dutch::schedule(&parameters).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let steps_of_round: Vec<_> = stages.iter().filter(|s| s.kind == schedule::STEP).collect();
        prop_assert_eq!(steps_of_round.len(), steps as usize);
        let prices: Vec<Amount> = steps_of_round.iter().filter_map(|s| s.price).collect();
        prop_assert_eq!(prices.len(), steps as usize);
        let last = prices[prices.len() - 1];
        prop_assert!(prices.windows(2).all(|w| w[1] <= w[0]), "a step is dearer than the one before: {:?}", prices);
        prop_assert!(prices.iter().all(|p| *p >= last && *p <= parameters.starting_price));
        prop_assert!(last.is_positive());
        // The steps tile round 1: back to back, the last ending with it.
        let round1_start = t0() + parameters.timing.familiarisation_pause;
        prop_assert_eq!(steps_of_round[0].start, round1_start);
        prop_assert!(steps_of_round.windows(2).all(|w| w[0].end == w[1].start && w[0].start < w[0].end));
        prop_assert_eq!(steps_of_round[steps as usize - 1].end, round1_start + TimeDelta::milliseconds(round_ms));
        // Stops at two moments of round 1: each at its step's price, the
        // later never dearer, none below the last step.
        let mut moments: Vec<i64> = fractions.iter().map(|f| (f * round_ms as f64) as i64).collect();
        moments.sort_unstable();
        let mut previous: Option<Amount> = None;
        for elapsed in moments {
            let elapsed = elapsed.min(round_ms - 1);
            let now = round1_start + TimeDelta::milliseconds(elapsed);
            let (step, price) = stop_at(&parameters, now).ok_or_else(|| TestCaseError::fail("no stop"))?;
            prop_assert_eq!(step, step_of(elapsed, steps, round_ms));
            prop_assert_eq!(Some(price), steps_of_round[step as usize - 1].price);
            prop_assert!(price >= last);
            if let Some(before) = previous {
                prop_assert!(price <= before);
            }
            previous = Some(price);
        }
    }
}
