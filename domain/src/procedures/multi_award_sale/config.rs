//! The period lengths a multi-award sale runs on. The spec gives 20
//! business days for `qualificationPeriod` (§4.4) and no length for
//! `admissionPeriod` (Q16; the superseded REM text said 5 days); the
//! `sellingMethod` suffixes (`-fast`, `-ultra-fast`, …) have no documented
//! meaning (Q27). So the lengths are a per-procedure setting chosen by the
//! handler when the procedure is created (the HTTP API reads them per
//! `sellingMethod` from the operator's `--sale-periods` file, e.g. shorter
//! on a test environment) and recorded in the creation event;
//! [`Config::default`] holds the production defaults for every
//! `sellingMethod`.

use serde::{Deserialize, Serialize};

use crate::procurement::Refusal;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    /// `qualificationPeriod` length in business days from the auction's end.
    #[serde(default = "twenty")]
    pub qualification_period_days: u32,
    /// `awards[].admissionPeriod` length in business days from the moment
    /// an award becomes `pending_admission`.
    #[serde(default = "five")]
    pub admission_period_days: u32,
}

fn twenty() -> u32 {
    20
}

fn five() -> u32 {
    5
}

impl Default for Config {
    fn default() -> Self {
        Config {
            qualification_period_days: twenty(),
            admission_period_days: five(),
        }
    }
}

impl Config {
    /// The defaults for a `sellingMethod`. Every method has the same ones
    /// until the suffixes get a documented meaning (Q27).
    pub fn for_selling_method(_selling_method: &str) -> Config {
        Config::default()
    }

    pub fn validate(&self) -> Result<(), Refusal> {
        if self.qualification_period_days == 0 {
            return Err(Refusal::invalid(
                "config.qualificationPeriodDays",
                "Value should be greater than or equal to 1.",
            ));
        }
        if self.admission_period_days == 0 {
            return Err(Refusal::invalid(
                "config.admissionPeriodDays",
                "Value should be greater than or equal to 1.",
            ));
        }
        Ok(())
    }
}
