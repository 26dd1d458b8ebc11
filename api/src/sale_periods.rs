//! Period lengths of multi-award sales per `sellingMethod`, from an
//! operator's TOML file (`--sale-periods`). A method the file does not name
//! gets the production defaults ([`Config::for_selling_method`]: 20 business
//! days of qualification, 5 of admission); a method it names gets the values
//! it gives, a missing value falling back to the default. The lengths chosen
//! at publication are recorded in the procedure's creation event, so
//! changing the file never changes a published procedure.
//!
//! ```toml
//! ["basicSell-multiAwards-fast"]
//! qualificationPeriodDays = 2
//! admissionPeriodDays = 1
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use domain::procedures::multi_award_sale::{Config, SELLING_METHODS};

#[derive(Debug, Default, Clone)]
pub struct SalePeriods {
    by_method: BTreeMap<String, Config>,
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

impl SalePeriods {
    pub fn parse(text: &str, path: &Path) -> Result<Self, SalePeriodsError> {
        let invalid = |message: String| SalePeriodsError::Invalid {
            path: path.to_owned(),
            message,
        };
        let by_method: BTreeMap<String, Config> =
            toml::from_str(text).map_err(|e| invalid(e.message().to_owned()))?;
        for (method, config) in &by_method {
            if !SELLING_METHODS.contains(&method.as_str()) {
                return Err(invalid(format!(
                    "unknown sellingMethod {method:?}; expected one of {}",
                    SELLING_METHODS.join(", ")
                )));
            }
            config
                .validate()
                .map_err(|refusal| invalid(format!("[{method:?}] {}", refusal.description)))?;
        }
        Ok(SalePeriods { by_method })
    }

    pub fn load(path: &Path) -> Result<Self, SalePeriodsError> {
        let text = std::fs::read_to_string(path).map_err(|source| SalePeriodsError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// The period lengths a new procedure of `selling_method` gets.
    pub fn for_selling_method(&self, selling_method: &str) -> Config {
        self.by_method
            .get(selling_method)
            .cloned()
            .unwrap_or_else(|| Config::for_selling_method(selling_method))
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
    }
}
