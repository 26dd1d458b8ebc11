//! Period lengths of sales per `sellingMethod`, from an operator's TOML
//! file (`--sale-periods`). A method the file does not name gets the
//! production defaults; a method it names gets the values it gives, a
//! missing value falling back to the default. The multi-award sale's methods
//! take its periods (`qualificationPeriodDays`, `admissionPeriodDays`), the
//! Dutch sale's its tendering days and auction lengths
//! (`tenderingWorkingDays`, `familiarisationPauseSeconds`,
//! `dutchRoundSeconds`, `sealedRoundSeconds`, `finalRoundSeconds`). The
//! lengths chosen at publication are recorded in the procedure's creation
//! event, so changing the file never changes a published procedure.
//!
//! ```toml
//! ["basicSell-multiAwards-fast"]
//! qualificationPeriodDays = 2
//! admissionPeriodDays = 1
//!
//! ["basicSell-dutch-fast"]
//! tenderingWorkingDays = 1
//! dutchRoundSeconds = 600
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use domain::procedures::dutch_sale::{self, Config as DutchConfig};
use domain::procedures::multi_award_sale::{Config, SELLING_METHODS};
use domain::procurement::Refusal;
use serde::de::DeserializeOwned;

#[derive(Debug, Default, Clone)]
pub struct SalePeriods {
    by_method: BTreeMap<String, Config>,
    dutch_by_method: BTreeMap<String, DutchConfig>,
}

#[derive(Debug, thiserror::Error)]
pub enum SalePeriodsError {
    #[error("cannot read sale periods file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("sale periods file {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// One method's section read as its family's settings, checked.
fn section<C: DeserializeOwned>(
    method: &str,
    table: toml::Value,
    validate: impl Fn(&C) -> Result<(), Refusal>,
) -> Result<C, String> {
    let config: C = table
        .try_into()
        .map_err(|e: toml::de::Error| format!("[{method:?}] {}", e.message()))?;
    validate(&config).map_err(|refusal| {
        let field = refusal.name.trim_start_matches("config.");
        format!("[{method:?}] {field}: {}", refusal.description)
    })?;
    Ok(config)
}

impl SalePeriods {
    pub fn parse(text: &str, path: &Path) -> Result<Self, SalePeriodsError> {
        let invalid = |message: String| SalePeriodsError::Invalid {
            path: path.to_owned(),
            message,
        };
        let sections: BTreeMap<String, toml::Value> =
            toml::from_str(text).map_err(|e| invalid(e.message().to_owned()))?;
        let mut periods = SalePeriods::default();
        for (method, table) in sections {
            if SELLING_METHODS.contains(&method.as_str()) {
                let config = section(&method, table, Config::validate).map_err(invalid)?;
                periods.by_method.insert(method, config);
            } else if dutch_sale::SELLING_METHODS.contains(&method.as_str()) {
                let config = section(&method, table, DutchConfig::validate).map_err(invalid)?;
                periods.dutch_by_method.insert(method, config);
            } else {
                return Err(invalid(format!(
                    "unknown sellingMethod {method:?}; expected one of {}, {}",
                    SELLING_METHODS.join(", "),
                    dutch_sale::SELLING_METHODS.join(", ")
                )));
            }
        }
        Ok(periods)
    }

    pub fn load(path: &Path) -> Result<Self, SalePeriodsError> {
        let text = std::fs::read_to_string(path).map_err(|source| SalePeriodsError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// The period lengths a new multi-award sale of `selling_method` gets.
    pub fn for_selling_method(&self, selling_method: &str) -> Config {
        self.by_method
            .get(selling_method)
            .cloned()
            .unwrap_or_else(|| Config::for_selling_method(selling_method))
    }

    /// The lengths a new Dutch sale of `selling_method` gets.
    pub fn dutch(&self, selling_method: &str) -> DutchConfig {
        self.dutch_by_method
            .get(selling_method)
            .cloned()
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<SalePeriods, String> {
        SalePeriods::parse(text, Path::new("sale-periods.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn named_methods_get_their_values_others_the_defaults() {
        let periods = parse(
            "[\"basicSell-multiAwards-fast\"]\nqualificationPeriodDays = 2\nadmissionPeriodDays = 1\n\n\
             [\"basicSell-multiAwards-ultra-fast\"]\nadmissionPeriodDays = 3\n",
        )
        .expect("valid");
        let fast = periods.for_selling_method("basicSell-multiAwards-fast");
        assert_eq!(
            (fast.qualification_period_days, fast.admission_period_days),
            (2, 1)
        );
        let ultra = periods.for_selling_method("basicSell-multiAwards-ultra-fast");
        assert_eq!(
            (ultra.qualification_period_days, ultra.admission_period_days),
            (20, 3)
        );
        let plain = periods.for_selling_method("basicSell-multiAwards");
        assert_eq!(plain, Config::default());
        assert_eq!(
            SalePeriods::default().for_selling_method("basicSell-multiAwards-fast"),
            Config::default()
        );
    }

    #[test]
    fn mistakes_are_named() {
        let unknown = parse("[\"renewables-multiAwards\"]\nadmissionPeriodDays = 1\n")
            .expect_err("unknown method");
        assert!(
            unknown.contains("unknown sellingMethod \"renewables-multiAwards\""),
            "{unknown}"
        );
        let zero = parse("[\"basicSell-multiAwards\"]\nqualificationPeriodDays = 0\n")
            .expect_err("zero days");
        assert!(zero.contains("greater than or equal to 1"), "{zero}");
        let rogue =
            parse("[\"basicSell-multiAwards\"]\nqualificationPeriod = 3\n").expect_err("rogue key");
        assert!(rogue.contains("qualificationPeriod"), "{rogue}");
        let negative =
            parse("[\"basicSell-multiAwards\"]\nadmissionPeriodDays = -1\n").expect_err("negative");
        assert!(
            negative.starts_with("sale periods file sale-periods.toml:"),
            "{negative}"
        );
        let dutch_rogue = parse("[\"basicSell-dutch\"]\nadmissionPeriodDays = 1\n")
            .expect_err("a multi-award key on a Dutch method");
        assert!(dutch_rogue.contains("admissionPeriodDays"), "{dutch_rogue}");
    }

    #[test]
    fn dutch_methods_take_the_dutch_lengths() {
        let periods = parse(
            "[\"basicSell-dutch-fast\"]\ntenderingWorkingDays = 1\ndutchRoundSeconds = 600\n",
        )
        .expect("valid");
        let fast = periods.dutch("basicSell-dutch-fast");
        assert_eq!(
            (fast.tendering_working_days, fast.dutch_round_seconds),
            (1, 600)
        );
        assert_eq!(fast.sealed_round_seconds, 600);
        assert_eq!(periods.dutch("basicSell-dutch"), DutchConfig::default());
        let short = parse("[\"basicSell-dutch\"]\ndutchRoundSeconds = 50\n")
            .expect_err("shorter than a second a step");
        assert!(short.contains("dutchRoundSeconds"), "{short}");
    }
}
