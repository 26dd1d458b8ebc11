//! Amounts of money and quantities. Arithmetic and comparisons are exact
//! decimals, and so is the wire: an amount is read from the text of the JSON
//! number the client sent and written as a plain decimal number, never
//! through f64 and never in exponent notation (`0.0000001`, not `1e-7`).
//! Integers come back with a decimal point (`22000` as `22000.0`), as the
//! reference API writes them. The reference keeps amounts as floats, so more
//! than 15 significant digits are refused at the boundary instead of being
//! rounded silently. (This relies on serde_json's `arbitrary_precision`
//! feature, enabled in this crate's manifest.)

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de, ser};

use super::Refusal;

/// The most significant digits an f64 carries without loss.
pub const MAX_SIGNIFICANT_DIGITS: u32 = 15;

/// A non-negative exact decimal: an amount of money or a quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(Decimal);

impl Amount {
    pub fn new(value: Decimal) -> Result<Self, String> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err("Float value should be greater than 0.".into());
        }
        let value = if value.is_zero() {
            Decimal::ZERO
        } else {
            value.normalize()
        };
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

    /// Whether the amount is greater than zero.
    pub fn is_positive(self) -> bool {
        self.0 > Decimal::ZERO
    }

    /// The JSON number text: the plain decimal, with `.0` on integers.
    fn wire_text(self) -> String {
        let mut text = self.0.to_string();
        if !text.contains('.') {
            text.push_str(".0");
        }
        text
    }
}

/// Refuses a zero `amount` (a negative one never parses) as the reference
/// API does: 422 naming `field`.
pub fn require_positive(amount: Amount, field: &str) -> Result<(), Refusal> {
    if amount.is_positive() {
        Ok(())
    } else {
        Err(Refusal::invalid(
            field,
            "Float value should be greater than 0.",
        ))
    }
}

impl FromStr for Amount {
    type Err = String;

    /// A decimal number, possibly in exponent notation (`1e-7`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        let parsed = if text.contains(['e', 'E']) {
            Decimal::from_scientific(text)
        } else {
            Decimal::from_str_exact(text)
        };
        let value = parsed.map_err(|_| format!("{s} is not a number"))?;
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
        // With `arbitrary_precision` a Number keeps its text exactly.
        let number = serde_json::Number::from_str(&self.wire_text())
            .map_err(|e| ser::Error::custom(format!("{}: {e}", self.0)))?;
        number.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // The number's text as the client wrote it (`arbitrary_precision`).
        let number = serde_json::Number::deserialize(deserializer)?;
        Amount::from_str(&number.to_string()).map_err(de::Error::custom)
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

/// Reading [`Money`] where VAT is excluded unless the client says
/// otherwise (a priceQuotation tender's value), instead of the shared
/// default. Serialising is unchanged: the flag is always written.
pub mod vat_excluded_by_default {
    use serde::{Deserialize, Deserializer};

    use super::{Amount, Money, default_currency};

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct Sent {
        amount: Amount,
        #[serde(default = "default_currency")]
        currency: String,
        #[serde(default)]
        value_added_tax_included: bool,
    }

    impl From<Sent> for Money {
        fn from(sent: Sent) -> Money {
            Money {
                amount: sent.amount,
                currency: sent.currency,
                value_added_tax_included: sent.value_added_tax_included,
            }
        }
    }

    pub fn required<'de, D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        Sent::deserialize(d).map(Money::from)
    }

    pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Money>, D::Error> {
        Ok(Option::<Sent>::deserialize(d)?.map(Money::from))
    }
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
    fn vat_can_default_to_excluded() {
        #[derive(serde::Deserialize)]
        struct Tender {
            #[serde(deserialize_with = "vat_excluded_by_default::required")]
            value: Money,
        }
        let tender: Tender = serde_json::from_str(r#"{"value": {"amount": 1}}"#).unwrap();
        assert!(!tender.value.value_added_tax_included);
        let tender: Tender =
            serde_json::from_str(r#"{"value": {"amount": 1, "valueAddedTaxIncluded": true}}"#)
                .unwrap();
        assert!(tender.value.value_added_tax_included);
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
    fn small_and_large_amounts_are_plain_decimals_on_the_wire() {
        for (sent, written) in [
            ("1e-7", "0.0000001"),
            ("0.0000001", "0.0000001"),
            ("1e-17", "0.00000000000000001"),
            ("0.00000000000000001", "0.00000000000000001"),
            ("1E+14", "100000000000000.0"),
            ("999999999999999", "999999999999999.0"),
            ("1.50", "1.5"),
            ("22000.000", "22000.0"),
        ] {
            let amount: Amount = serde_json::from_str(sent).unwrap();
            assert_eq!(serde_json::to_string(&amount).unwrap(), written, "{sent}");
            // Through a serde_json::Value too, as the API renders documents.
            let value = serde_json::to_value(amount).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), written, "{sent}");
            let back: Amount = serde_json::from_value(value).unwrap();
            assert_eq!(back, amount, "{sent}");
        }
        let money: Money = serde_json::from_str(r#"{"amount": 1e-7}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&money).unwrap(),
            r#"{"amount":0.0000001,"currency":"UAH","valueAddedTaxIncluded":true}"#
        );
    }

    #[test]
    fn amounts_never_pass_through_f64() {
        // 0.1 + 0.2 is 0.30000000000000004 in f64.
        let a: Amount = serde_json::from_str("0.1").unwrap();
        let b: Amount = serde_json::from_str("0.2").unwrap();
        let sum = Amount::new(a.decimal() + b.decimal()).unwrap();
        assert_eq!(serde_json::to_string(&sum).unwrap(), "0.3");
        // 15 significant digits survive exactly.
        let amount: Amount = serde_json::from_str("999999999999.999").unwrap();
        assert_eq!(serde_json::to_string(&amount).unwrap(), "999999999999.999");
    }

    #[test]
    fn zero_is_not_positive() {
        let zero: Amount = serde_json::from_str("0").unwrap();
        assert_eq!(serde_json::to_string(&zero).unwrap(), "0.0");
        let negative_zero: Amount = serde_json::from_str("-0.0").unwrap();
        assert_eq!(negative_zero, zero);
        let refusal = require_positive(zero, "value.amount").unwrap_err();
        assert_eq!(refusal.name, "value.amount");
        let small: Amount = serde_json::from_str("1e-7").unwrap();
        assert!(require_positive(small, "value.amount").is_ok());
        assert!(serde_json::from_str::<Amount>("-1e-7").is_err());
        assert!(serde_json::from_str::<Amount>("1e400").is_err());
    }

    #[test]
    fn unknown_fields_are_refused() {
        let error = serde_json::from_str::<Money>(r#"{"amount": 1, "foo": 2}"#).unwrap_err();
        assert!(error.to_string().contains("unknown field `foo`"));
    }
}
