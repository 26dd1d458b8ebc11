//! What a procedure gives to run a Dutch auction. The source's timings
//! contradict each other (spec `dutch-auction.md` §4.2, Q1): 6 h 45 min
//! in total, at most 99 steps, at most 3 min per step, "3 min × steps".
//! They are kept apart as named parameters, so that whichever answer comes
//! is a change of data: the step length is the only formula the source
//! spells out, `dutch_round_duration / dutch_step_count` (L45), and the
//! 3-minute cap (L61) is a check a procedure may switch on.

use chrono::{DateTime, TimeDelta, Utc};
use rust_decimal::Decimal;

use super::schedule::step_price;
use crate::auction::rules::bad_parameter;
use crate::auction::stage::usable;
use crate::procurement::{Amount, Refusal};

/// The most steps round 1 may have (L63).
pub const MAX_STEPS: u32 = 99;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Before round 1 (L53: 30 s), added before the Dutch round (Q4).
    pub familiarisation_pause: TimeDelta,
    /// Round 1 in total (L45: 6 h 45 min).
    pub dutch_round_duration: TimeDelta,
    /// N, 1..=99 (L63: 99).
    pub dutch_step_count: u32,
    /// The L61 cap on a step's length; `None` by default, because the
    /// defaults of L45 and L63 give steps of 4 min 5.45 s.
    pub max_step_duration: Option<TimeDelta>,
    /// Round 2 (L46: 10 min).
    pub sealed_round_duration: TimeDelta,
    /// Round 3 (L47: 5 min).
    pub final_round_duration: TimeDelta,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            familiarisation_pause: TimeDelta::seconds(30),
            dutch_round_duration: TimeDelta::minutes(6 * 60 + 45),
            dutch_step_count: MAX_STEPS,
            max_step_duration: None,
            sealed_round_duration: TimeDelta::minutes(10),
            final_round_duration: TimeDelta::minutes(5),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parameters {
    /// `auctionPeriod.startDate`: the familiarisation pause begins.
    pub start: DateTime<Utc>,
    /// Step 1's price (`value.amount`).
    pub starting_price: Amount,
    /// How much the Dutch winner must add to the highest sealed bid in
    /// round 3 (`minimalStep`, "Крок аукціону").
    pub minimal_step: Amount,
    /// The fraction of the starting price each step takes off (Q6: 0.01).
    pub step_reduction: Decimal,
    /// The activated bids at scheduling, labelled in this order; more may
    /// join during round 1 (AD-3).
    pub participants: Vec<String>,
    pub timing: Timing,
    /// Fractional digits of a price (P-5: kopiykas, 2).
    pub amount_decimals: u32,
}

impl Parameters {
    /// The defaults of the spec: 30 s, 99 steps over 6 h 45 min, 1 % per
    /// step, 10 min, 5 min, kopiykas.
    pub fn new(
        start: DateTime<Utc>,
        starting_price: Amount,
        minimal_step: Amount,
        participants: Vec<String>,
    ) -> Self {
        Parameters {
            start,
            starting_price,
            minimal_step,
            step_reduction: Decimal::new(1, 2),
            participants,
            timing: Timing::default(),
            amount_decimals: 2,
        }
    }

    /// Refuses what the engine cannot run. No participants is allowed: the
    /// auction then does not start (E-1).
    pub fn check(&self) -> Result<(), Refusal> {
        let t = &self.timing;
        if !(1..=MAX_STEPS).contains(&t.dutch_step_count) {
            return Err(bad_parameter(
                "dutchStepCount",
                format!("The number of steps must be 1 to {MAX_STEPS}"),
            ));
        }
        let lengths = [
            t.familiarisation_pause,
            t.dutch_round_duration,
            t.sealed_round_duration,
            t.final_round_duration,
        ];
        if !lengths.into_iter().all(usable) {
            return Err(bad_parameter(
                "timing",
                "Stage lengths must be positive whole milliseconds",
            ));
        }
        let step_ms = t.dutch_round_duration.num_milliseconds() / i64::from(t.dutch_step_count);
        if step_ms == 0 {
            return Err(bad_parameter("timing", "A step must last at least 1 ms"));
        }
        if let Some(cap) = t.max_step_duration {
            // The longest step is the ceiling of total / N.
            let longest =
                (t.dutch_round_duration.num_milliseconds() + i64::from(t.dutch_step_count) - 1)
                    / i64::from(t.dutch_step_count);
            if longest > cap.num_milliseconds() {
                return Err(bad_parameter(
                    "maxStepDuration",
                    "A step would last longer than the maximum step duration",
                ));
            }
        }
        if !self.starting_price.is_positive() {
            return Err(bad_parameter(
                "startingPrice",
                "Float value should be greater than 0.",
            ));
        }
        if self.amount_decimals > 6 {
            return Err(bad_parameter("amountDecimals", "At most 6 decimals"));
        }
        let last = step_price(self, t.dutch_step_count);
        if self.step_reduction.is_sign_negative() || !last.is_some_and(|price| price.is_positive())
        {
            return Err(bad_parameter(
                "stepReduction",
                "Every step's price must be greater than 0",
            ));
        }
        for (index, bid_id) in self.participants.iter().enumerate() {
            if self.participants[..index].contains(bid_id) {
                return Err(bad_parameter(
                    "participants",
                    format!("Bid {bid_id} takes part twice"),
                ));
            }
        }
        Ok(())
    }
}
