//! Amounts of money and quantities. Arithmetic and comparisons are exact
//! decimals. On the wire they are JSON numbers written with a decimal point
//! (`22000` comes back as `22000.0`), as the reference API writes them. An
//! amount must survive that round trip exactly, so more than 15 significant
//! digits are refused at the boundary instead of being rounded silently.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// The most significant digits an f64 carries without loss.
const MAX_SIGNIFICANT_DIGITS: u32 = 15;

/// A non-negative exact decimal: an amount of money or a quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(Decimal);

impl Amount {
    pub fn new(value: Decimal) -> Result<Self, String> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err("Float value should be greater than 0.".into());
        }
        let value = value.normalize();
        let digits = value.mantissa().unsigned_abs().to_string().len() as u32;
        if digits > MAX_SIGNIFICANT_DIGITS {
            return Err(format!(
                "{value} has more than {MAX_SIGNIFICANT_DIGITS} significant digits"
            ));
        }
        Ok(Amount(value))
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }
}

impl FromStr for Amount {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let value = Decimal::from_str(s).map_err(|_| format!("{s} is not a number"))?;
        Amount::new(value)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Exact by construction: at most 15 significant digits.
        let float = self.0.to_f64().ok_or_else(|| {
            serde::ser::Error::custom(format!("{} does not fit a JSON number", self.0))
        })?;
        serializer.serialize_f64(float)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AmountVisitor;

        impl de::Visitor<'_> for AmountVisitor {
            type Value = Amount;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
                Amount::new(Decimal::from(v)).map_err(E::custom)
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
                Amount::new(Decimal::from(v)).map_err(E::custom)
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
                if !v.is_finite() {
                    return Err(E::custom("not a finite number"));
                }
                // Display gives the shortest text that reads back as `v`,
                // i.e. what the client wrote.
                Amount::from_str(&v.to_string()).map_err(E::custom)
            }
        }

        deserializer.deserialize_any(AmountVisitor)
    }
}

fn default_currency() -> String {
    "UAH".to_owned()
}

fn default_true() -> bool {
    true
}

/// `{"amount", "currency", "valueAddedTaxIncluded"}`; currency defaults to
/// UAH and VAT to included, as in the reference API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Money {
    pub amount: Amount,
    #[serde(default = "default_currency")]
    pub currency: String,
    #[serde(default = "default_true")]
    pub value_added_tax_included: bool,
}

/// A contract's value: [`Money`] plus the amount without VAT.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ContractValue {
    pub amount: Amount,
    pub currency: String,
    pub value_added_tax_included: bool,
    pub amount_net: Amount,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_come_back_with_a_decimal_point() {
        let money: Money = serde_json::from_str(r#"{"amount": 22000}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&money).unwrap(),
            r#"{"amount":22000.0,"currency":"UAH","valueAddedTaxIncluded":true}"#
        );
    }

    #[test]
    fn fractions_are_exact() {
        let amount: Amount = serde_json::from_str("93.8").unwrap();
        assert_eq!(amount.decimal(), Decimal::from_str("93.8").unwrap());
        let sum = amount.decimal() + Decimal::from_str("0.2").unwrap();
        assert_eq!(sum, Decimal::from(94));
        assert_eq!(serde_json::to_string(&amount).unwrap(), "93.8");
    }

    #[test]
    fn refuses_what_cannot_round_trip() {
        assert!(serde_json::from_str::<Amount>("-1").is_err());
        assert!(serde_json::from_str::<Amount>(r#""12""#).is_err());
        assert!(Amount::from_str("1234567890123456.5").is_err());
        assert!(Amount::from_str("999999999999.99").is_ok());
    }

    #[test]
    fn unknown_fields_are_refused() {
        let error = serde_json::from_str::<Money>(r#"{"amount": 1, "foo": 2}"#).unwrap_err();
        assert!(error.to_string().contains("unknown field `foo`"));
    }
}
