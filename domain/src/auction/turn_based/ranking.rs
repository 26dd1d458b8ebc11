//! Who stands where. One order serves both the final ranking and the turn
//! order, read in opposite directions: best first for the ranking (RA-14);
//! worst first for the turns, so the current leader moves last (spec §3.1).
//!
//! The tie rule (spec Q1, V-5): of equal amounts the earlier date ranks
//! better, the date being the bid's own until the auction changes the
//! amount, then the time of the accepted change; on an exactly equal instant
//! the bid earlier in the procedure's order ranks better. Reversed for the
//! turns, this is the reference's "later bid moves first".

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::auction::Direction;

/// A bidder's public standing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    pub amount: Decimal,
    pub date: DateTime<Utc>,
    /// The bid's place in the procedure's order.
    pub position: usize,
}

/// `Less` when `a` stands better than `b`.
pub fn compare(direction: Direction, a: &Standing, b: &Standing) -> Ordering {
    direction
        .compare(a.amount, b.amount)
        .then(a.date.cmp(&b.date))
        .then(a.position.cmp(&b.position))
}

/// Indices into `standings`, best first.
pub fn ranking(direction: Direction, standings: &[Standing]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..standings.len()).collect();
    order.sort_by(|&a, &b| compare(direction, &standings[a], &standings[b]));
    order
}

/// Indices into `standings` in the order they take their turns: worst
/// first, the leader last.
pub fn turn_order(direction: Direction, standings: &[Standing]) -> Vec<usize> {
    let mut order = ranking(direction, standings);
    order.reverse();
    order
}
