//! The stages of a Dutch auction (spec §4.3) and the price of each step
//! (Q6). The schedule is fixed when the auction is scheduled (Q5): a stop
//! does not shorten round 1, round 2 starts at its planned time.
//!
//! Step k (1-based) of N ends at `R1s + floor(k × D / N)` milliseconds,
//! `R1s` being round 1's start and `D` its length, so the last step ends
//! exactly when round 1 does and a replay computes the same instants (Q1).
//! Its price is `start × (1 − reduction × (k − 1))`, rounded half-up to
//! the kopiyka: step 1 offers the starting price and every step lowers it
//! by the same share of the starting price (the predecessor's 1 %).

use chrono::TimeDelta;
use rust_decimal::{Decimal, RoundingStrategy};

use super::Parameters;
use crate::auction::Stage;
use crate::auction::rules::amount;
use crate::procurement::Amount;

/// The familiarisation pause.
pub const PAUSE: &str = "pause";
/// A step of round 1 (`round` 1, `number` k, `price`).
pub const STEP: &str = "step";
/// Round 2: sealed bids above the stop.
pub const SEALED: &str = "sealedBids";
/// Round 3: the Dutch winner's last word.
pub const FINAL: &str = "finalBid";

/// The price of step `k`; `None` if the reduction takes it below zero.
pub fn step_price(parameters: &Parameters, k: u32) -> Option<Amount> {
    let factor = Decimal::ONE - parameters.step_reduction * Decimal::from(k.saturating_sub(1));
    let price = (parameters.starting_price.decimal() * factor).round_dp_with_strategy(
        parameters.amount_decimals,
        RoundingStrategy::MidpointAwayFromZero,
    );
    amount(price)
}

/// Every stage, in order: the pause, N steps, round 2, round 3. Round 3 is
/// planned even though it is held only after a sealed bid.
pub fn stages(parameters: &Parameters) -> Vec<Stage> {
    let t = &parameters.timing;
    let pause_end = parameters.start + t.familiarisation_pause;
    let n = i64::from(t.dutch_step_count);
    let total = t.dutch_round_duration.num_milliseconds();
    let step_end = |k: i64| pause_end + TimeDelta::milliseconds(k * total / n);
    let mut stages = vec![Stage::new(PAUSE, parameters.start, pause_end)];
    for k in 1..=t.dutch_step_count {
        let stage = Stage::new(STEP, step_end(i64::from(k) - 1), step_end(i64::from(k)))
            .in_round(1, Some(k));
        stages.push(match step_price(parameters, k) {
            Some(price) => stage.offering(price),
            None => stage,
        });
    }
    let round1_end = step_end(n);
    let round2_end = round1_end + t.sealed_round_duration;
    stages.push(Stage::new(SEALED, round1_end, round2_end).in_round(2, None));
    stages
        .push(Stage::new(FINAL, round2_end, round2_end + t.final_round_duration).in_round(3, None));
    stages
}
