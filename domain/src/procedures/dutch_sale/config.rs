//! The lengths a Dutch sale runs on: how long bids are taken before the
//! auction and how long each stage of the auction lasts. The spec's
//! defaults (`dutch-auction.md` §4.1: 30 s, 6 h 45 min, 10 min, 5 min) are
//! [`Config::default`]; the operator may set others per `sellingMethod`
//! (the `-fast` variants of a test environment) in the same file as the
//! other sales' periods. The lengths chosen at publication are recorded in
//! the creation event, so a published procedure never changes with the
//! file.

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

use crate::auction::dutch::Timing;
use crate::procurement::Refusal;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    /// Working days from the publication day to the auction's day (Q3).
    #[serde(default = "defaults::tendering_working_days")]
    pub tendering_working_days: u32,
    /// L53: the familiarisation pause before round 1.
    #[serde(default = "defaults::familiarisation_pause_seconds")]
    pub familiarisation_pause_seconds: u32,
    /// L45: round 1 in total, shared out among its steps.
    #[serde(default = "defaults::dutch_round_seconds")]
    pub dutch_round_seconds: u32,
    /// L46: round 2, the sealed bids.
    #[serde(default = "defaults::sealed_round_seconds")]
    pub sealed_round_seconds: u32,
    /// L47: round 3, the Dutch winner's last word.
    #[serde(default = "defaults::final_round_seconds")]
    pub final_round_seconds: u32,
}

mod defaults {
    pub fn tendering_working_days() -> u32 {
        5
    }
    pub fn familiarisation_pause_seconds() -> u32 {
        30
    }
    pub fn dutch_round_seconds() -> u32 {
        (6 * 60 + 45) * 60
    }
    pub fn sealed_round_seconds() -> u32 {
        10 * 60
    }
    pub fn final_round_seconds() -> u32 {
        5 * 60
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            tendering_working_days: defaults::tendering_working_days(),
            familiarisation_pause_seconds: defaults::familiarisation_pause_seconds(),
            dutch_round_seconds: defaults::dutch_round_seconds(),
            sealed_round_seconds: defaults::sealed_round_seconds(),
            final_round_seconds: defaults::final_round_seconds(),
        }
    }
}

impl Config {
    /// The auction's timing with `steps` steps in round 1.
    pub fn timing(&self, steps: u32) -> Timing {
        let seconds = |s: u32| TimeDelta::seconds(i64::from(s));
        Timing {
            familiarisation_pause: seconds(self.familiarisation_pause_seconds),
            dutch_round_duration: seconds(self.dutch_round_seconds),
            dutch_step_count: steps,
            max_step_duration: None,
            sealed_round_duration: seconds(self.sealed_round_seconds),
            final_round_duration: seconds(self.final_round_seconds),
        }
    }

    pub fn validate(&self) -> Result<(), Refusal> {
        for (field, value) in [
            ("config.tenderingWorkingDays", self.tendering_working_days),
            (
                "config.familiarisationPauseSeconds",
                self.familiarisation_pause_seconds,
            ),
            ("config.dutchRoundSeconds", self.dutch_round_seconds),
            ("config.sealedRoundSeconds", self.sealed_round_seconds),
            ("config.finalRoundSeconds", self.final_round_seconds),
        ] {
            if value == 0 {
                return Err(Refusal::invalid(
                    field,
                    "Value should be greater than or equal to 1.",
                ));
            }
        }
        if self.dutch_round_seconds < crate::auction::dutch::MAX_STEPS {
            return Err(Refusal::invalid(
                "config.dutchRoundSeconds",
                "Round 1 must last at least one second per step it may have (99)",
            ));
        }
        Ok(())
    }
}
