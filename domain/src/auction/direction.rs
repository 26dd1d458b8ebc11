//! Which way amounts improve. A procurement auction buys: the lowest price
//! wins and a bidder improves by going down. A sale sells: the highest price
//! (per unit, in the multi-award sale) wins and a bidder improves by going
//! up. Everything else about a turn-based auction is the same both ways, so
//! the direction is a parameter rather than a second engine.

use std::cmp::Ordering;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// Procurement (reverse auction): lower is better.
    Descending,
    /// Sale: higher is better.
    Ascending,
}

impl Direction {
    /// `Less` when `a` is the better amount, so that sorting by it puts the
    /// best first.
    pub fn compare(self, a: Decimal, b: Decimal) -> Ordering {
        match self {
            Direction::Descending => a.cmp(&b),
            Direction::Ascending => b.cmp(&a),
        }
    }

    /// The amount a bid must at least reach to improve `current` by `step`:
    /// the ceiling `current − step` going down, the floor `current + step`
    /// going up. It may be below zero going down (no bid is then possible).
    pub fn bound(self, current: Decimal, step: Decimal) -> Decimal {
        match self {
            Direction::Descending => current - step,
            Direction::Ascending => current + step,
        }
    }

    /// Whether `amount` improves on `current` by at least `step`;
    /// equality with the bound is allowed (spec V-2: 97 000 is accepted
    /// against a ceiling of 97 000).
    pub fn reaches(self, amount: Decimal, current: Decimal, step: Decimal) -> bool {
        let bound = self.bound(current, step);
        match self {
            Direction::Descending => amount <= bound,
            Direction::Ascending => amount >= bound,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_inclusive_both_ways() {
        let d = Decimal::from;
        assert!(Direction::Descending.reaches(d(97), d(98), d(1)));
        assert!(!Direction::Descending.reaches(d(98), d(98), d(1)));
        assert!(Direction::Ascending.reaches(d(99), d(98), d(1)));
        assert!(!Direction::Ascending.reaches(d(98), d(98), d(1)));
        assert_eq!(Direction::Ascending.compare(d(2), d(1)), Ordering::Less);
        assert_eq!(Direction::Descending.compare(d(1), d(2)), Ordering::Less);
    }
}
