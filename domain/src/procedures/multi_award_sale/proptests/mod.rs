//! Property tests of the sale in parts: for random lots and bids, and random
//! sequences of the Organizer's and the participants' decisions, the lot is
//! never over-sold, no waiting bid is skipped for a later one, and the
//! allocated quantities plus the remainder always account for the whole
//! lot (volume freed by a disqualification returns to the remainder).
//!
//! Each promise is checked against a computation of the test's own, not
//! against the code under test: a reference ranking and a reference
//! allocation written from the spec's rule (§4.2–4.3: best price first, on
//! equal prices the earlier bid; top-down, each award gets its whole
//! quantity while the running total fits the lot, and from the first one
//! that does not fit every award waits), a model of each award's quantity
//! kept from the commands the walk sends, and a shadow remainder kept from
//! the events alone. The pure allocation ([`super::allocation`]) is checked
//! on its own, then the whole decider is driven through its commands (`walk`).

use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

use super::allocation::{self, Slot};
use super::tests::fixtures::t0;

mod walk;

/// A decimal with one fractional digit from a count of tenths.
pub(super) fn tenths(n: i64) -> Decimal {
    Decimal::new(n, 1)
}

pub(super) fn number(n: i64) -> serde_json::Value {
    // Exact: at most 15 significant digits; `Amount` reads the shortest
    // representation back.
    json!(n as f64 / 10.0)
}

/// The spec's initial allocation (§4.3), written independently of
/// [`allocation::allocate`]: an award is a Winner exactly when the running
/// total of the ranked quantities up to and including its own still fits the
/// lot. Quantities are positive, so the running total only grows and the
/// Winners are a prefix by construction of the rule, not of this code.
pub(super) fn reference_winners(lot: Decimal, ranked_quantities: &[Decimal]) -> Vec<bool> {
    ranked_quantities
        .iter()
        .scan(Decimal::ZERO, |total, quantity| {
            *total += *quantity;
            Some(*total <= lot)
        })
        .collect()
}

/// The spec's ranking (§4.2) for the walk's bids: higher price first; the
/// bids are placed one after another and the auction raises nobody, so on
/// equal prices the earlier bid (lower index) comes first. Indices into the
/// bids.
pub(super) fn reference_ranking(bids: &[(i64, i64)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..bids.len()).collect();
    // Stable: equal prices keep the submission order.
    order.sort_by_key(|&i| std::cmp::Reverse(bids[i].1));
    order
}

proptest! {
    #[test]
    fn allocation_never_oversells_and_never_skips(
        lot in 1i64..100_000,
        quantities in prop::collection::vec(1i64..100_000, 0..20),
    ) {
        let lot = tenths(lot);
        let quantities: Vec<Decimal> = quantities.into_iter().map(tenths).collect();
        let slots = allocation::allocate(lot, &quantities);
        let expected: Vec<Slot> = reference_winners(lot, &quantities)
            .into_iter()
            .map(|winner| if winner { Slot::Pending } else { Slot::Waiting })
            .collect();
        prop_assert_eq!(&slots, &expected);
        // The promises themselves, on the reference's answer.
        let winners = expected.iter().take_while(|s| **s == Slot::Pending).count();
        // No skipping: nobody after a waiting award is a Winner.
        prop_assert!(expected[winners..].iter().all(|s| *s == Slot::Waiting));
        // Never over-sold.
        let allocated: Decimal = quantities[..winners].iter().copied().sum();
        prop_assert!(allocated <= lot, "allocated {} > lot {}", allocated, lot);
        // Nobody waits who would have fitted: the first waiting award does
        // not fit what the Winners leave.
        if let Some(first) = quantities.get(winners) {
            prop_assert!(allocated + *first > lot);
        }
        // The remainder is what the Winners leave: never negative, and
        // smaller than the first waiting award's quantity.
        let remainder = allocation::remainder(lot, quantities[..winners].iter().copied());
        prop_assert!(remainder >= Decimal::ZERO);
        if let Some(first) = quantities.get(winners) {
            prop_assert!(*first > remainder);
        }
    }

    #[test]
    fn ranking_is_a_total_order_independent_of_input_order(
        prices in prop::collection::vec((100i64..104, 0u32..3), 1..10),
        rotate in 0usize..10,
    ) {
        let base = t0();
        let inputs: Vec<allocation::RankInput> = prices
            .iter()
            .enumerate()
            .map(|(i, (price, minute))| allocation::RankInput {
                bid_id: format!("{i:02}"),
                price: Decimal::from(*price),
                placed_at: base + chrono::Duration::minutes(i64::from(*minute)),
                published_at: base,
            })
            .collect();
        let mut rotated = inputs.clone();
        let len = rotated.len();
        rotated.rotate_left(rotate % len);
        let a = allocation::rank(inputs);
        let b = allocation::rank(rotated);
        prop_assert_eq!(&a, &b);
        for pair in a.windows(2) {
            prop_assert!(
                pair[0].price > pair[1].price
                    || (pair[0].price == pair[1].price && pair[0].placed_at <= pair[1].placed_at)
            );
        }
    }
}
