//! The refusals and amount checks the engines share, with the reference
//! auction module's texts word for word where it has them ("Stage not for
//! bidding", "Not valid bidder", "Bid amount is required", "Too low value",
//! "Too high value", "Invalid bidder_id …"; spec `auction-module.md` §4.1).

use rust_decimal::{Decimal, RoundingStrategy};

use crate::procurement::{Amount, Location, Refusal, RefusalKind};

/// The bidder id names no participant. The participation layer answers it
/// like a wrong link secret (spec §6.4), so ids cannot be probed.
pub fn unknown_bidder(bid_id: &str) -> Refusal {
    Refusal {
        kind: RefusalKind::Forbidden,
        location: Location::Url,
        name: "bidder_id".to_owned(),
        description: format!("Invalid bidder_id {bid_id}"),
        listed: false,
    }
}

pub fn stage_not_for_bidding() -> Refusal {
    Refusal::not_allowed("Stage not for bidding")
}

/// It is somebody else's turn, or a stage this participant may not bid in.
pub fn not_valid_bidder() -> Refusal {
    Refusal::not_allowed("Not valid bidder")
}

pub fn amount_required() -> Refusal {
    Refusal::invalid("amount", "Bid amount is required")
}

pub fn too_low() -> Refusal {
    Refusal::invalid("amount", "Too low value")
}

pub fn too_high() -> Refusal {
    Refusal::invalid("amount", "Too high value")
}

/// More fractional digits than the auction accepts (spec Q9).
pub fn invalid_amount() -> Refusal {
    Refusal::invalid("amount", "Invalid amount")
}

pub fn not_scheduled() -> Refusal {
    Refusal::not_found("auction_id")
}

pub fn already_scheduled() -> Refusal {
    Refusal::not_allowed("The auction is already scheduled")
}

pub fn ended() -> Refusal {
    Refusal::not_allowed("The auction has ended")
}

/// The kind admits nobody after scheduling.
pub fn participants_fixed() -> Refusal {
    Refusal::not_allowed("Participants are fixed when the auction is scheduled")
}

/// The schedule would begin with a stage already over.
pub fn start_passed() -> Refusal {
    Refusal::invalid("start", "The auction would start in the past")
}

/// A parameter the engine cannot run with.
pub fn bad_parameter(name: &str, description: impl Into<String>) -> Refusal {
    Refusal::invalid(name, description)
}

/// Refuses an amount with more than `decimals` fractional digits.
pub fn check_precision(amount: Amount, decimals: u32) -> Result<(), Refusal> {
    if amount.decimal().normalize().scale() > decimals {
        Err(invalid_amount())
    } else {
        Ok(())
    }
}

/// The smallest amount at `decimals` (0.01 for kopiykas).
pub fn unit(decimals: u32) -> Decimal {
    Decimal::new(1, decimals)
}

/// `value` rounded down to `decimals`: the highest acceptable amount under
/// an inclusive ceiling.
pub fn floor_to(value: Decimal, decimals: u32) -> Decimal {
    value.round_dp_with_strategy(decimals, RoundingStrategy::ToNegativeInfinity)
}

/// `value` rounded up to `decimals`: the lowest acceptable amount above an
/// inclusive floor.
pub fn ceil_to(value: Decimal, decimals: u32) -> Decimal {
    value.round_dp_with_strategy(decimals, RoundingStrategy::ToPositiveInfinity)
}

/// `value` as an amount, when it is one (not below zero, not too long).
pub fn amount(value: Decimal) -> Option<Amount> {
    Amount::new(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_counts_significant_fraction_digits_only() {
        let a = |s: &str| s.parse::<Amount>().expect("amount");
        assert!(check_precision(a("97000.10"), 2).is_ok());
        assert!(check_precision(a("97000.001"), 2).is_err());
        assert_eq!(floor_to(Decimal::new(12345, 3), 2), Decimal::new(1234, 2));
        assert_eq!(ceil_to(Decimal::new(12341, 3), 2), Decimal::new(1235, 2));
        assert_eq!(unit(2), Decimal::new(1, 2));
    }
}
