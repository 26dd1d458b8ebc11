//! The arithmetic of a sale in parts, kept apart from statuses, documents
//! and events so it can be read against spec §4.2–4.7 line by line and
//! property-tested on its own (see `proptests.rs`).
//!
//! Why a separate file: the whole value of the procedure is that the lot is
//! never over-sold and nobody is skipped. Those two promises live in four
//! small functions — [`rank`], [`allocate`], [`remainder`] and the three
//! threshold checks — and every status transition of the decider goes
//! through them. Quantities and prices are exact decimals
//! ([`rust_decimal::Decimal`]); the spec's model says `number($float)`, but
//! the allocation subtracts and compares volumes, and a float would make
//! `1000 − 700 − 300 == 0` false (spec Q37).

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

/// What ranking needs to know of one bid that took part (spec §4.2).
#[derive(Debug, Clone, PartialEq)]
pub struct RankInput {
    pub bid_id: String,
    /// The final price per unit after the auction (`bids[].value.amount`).
    pub price: Decimal,
    /// When the bid was "placed": the time of its last raise during the
    /// auction if it was raised (`value != initialValue`), otherwise the
    /// bid's own `dateModified` (spec §4.2 rules 1–4, Q12).
    pub placed_at: DateTime<Utc>,
    /// The bid's `datePublished`: the first fallback for a full tie (Q20).
    pub published_at: DateTime<Utc>,
}

/// The placement time of a bid: the auction's time of its last raise when
/// the auction changed its price, else the bid's `dateModified`.
///
/// BSM is a forward auction, so "updated during the auction" is
/// `final != initial` rather than the REM text's `final < initial` (Q12).
pub fn placement_time(
    initial: Decimal,
    final_price: Decimal,
    date_modified: DateTime<Utc>,
    raised_at: DateTime<Utc>,
) -> DateTime<Utc> {
    if final_price != initial {
        raised_at
    } else {
        date_modified
    }
}

/// Orders bids best first: higher price first; on equal prices the bid
/// placed earlier; on a full tie the bid published earlier, then the lower
/// bid id (Q20), so the order is total and never depends on input order.
pub fn rank(mut bids: Vec<RankInput>) -> Vec<RankInput> {
    bids.sort_by(compare);
    bids
}

fn compare(a: &RankInput, b: &RankInput) -> Ordering {
    b.price
        .cmp(&a.price)
        .then(a.placed_at.cmp(&b.placed_at))
        .then(a.published_at.cmp(&b.published_at))
        .then(a.bid_id.cmp(&b.bid_id))
}

/// Where the initial allocation puts one ranked award.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Fits into what is left: a Winner (`pending`).
    Pending,
    /// Does not fit, or an earlier award already waits (`pending_waiting`).
    Waiting,
}

/// The initial allocation of spec §4.3: walk the ranked desired quantities
/// top-down, giving each the volume it asks for while it fits; the first
/// one that does not fit waits, **and so does every one after it**, even a
/// smaller one that would fit ("і всі наступні Аварди також отримують цей
/// статус"). A bid is never skipped for a cheaper one.
pub fn allocate(lot: Decimal, ranked_quantities: &[Decimal]) -> Vec<Slot> {
    let mut left = lot;
    let mut blocked = false;
    ranked_quantities
        .iter()
        .map(|&quantity| {
            if !blocked && quantity <= left {
                left -= quantity;
                Slot::Pending
            } else {
                blocked = true;
                Slot::Waiting
            }
        })
        .collect()
}

/// The unallocated remainder `R = Q − Σ quantity of the awards that are
/// pending or active` (spec §4.3, derived state: recomputed whenever it is
/// needed, never stored, so it cannot drift from the awards).
pub fn remainder(lot: Decimal, allocated: impl IntoIterator<Item = Decimal>) -> Decimal {
    lot - allocated.into_iter().sum::<Decimal>()
}

/// Whether the first waiting award is promoted to `pending` after a Winner
/// was disqualified (spec §4.5): its whole desired quantity fits the
/// remainder and is at least the minimal part.
pub fn promotes(quantity: Decimal, remainder: Decimal, minimal_part: Decimal) -> bool {
    quantity <= remainder && quantity >= minimal_part
}

/// Whether the first waiting award becomes the conditional winner
/// (`pending_admission`) rather than being cancelled with all the other
/// waiting awards (spec §4.6): the remainder is at least the minimal part
/// (`>=`, as the worked examples B2/B3 read, spec Q15).
pub fn offers_remainder(remainder: Decimal, minimal_part: Decimal) -> bool {
    remainder >= minimal_part && remainder > Decimal::ZERO
}

/// Whether a conditional winner may accept `quantity`: between the minimal
/// part and the current remainder, both inclusive (spec §4.7, "від 200 до
/// 500").
pub fn acceptable(quantity: Decimal, remainder: Decimal, minimal_part: Decimal) -> bool {
    quantity >= minimal_part && quantity <= remainder
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    fn t(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, 4, 10, minute, 0)
            .single()
            .expect("valid")
    }

    fn input(id: &str, price: i64, placed: u32) -> RankInput {
        RankInput {
            bid_id: id.into(),
            price: d(price),
            placed_at: t(placed),
            published_at: t(0),
        }
    }

    fn ids(ranked: &[RankInput]) -> Vec<&str> {
        ranked.iter().map(|r| r.bid_id.as_str()).collect()
    }

    #[test]
    fn higher_price_first() {
        let ranked = rank(vec![
            input("a", 100, 1),
            input("b", 120, 2),
            input("c", 110, 3),
        ]);
        assert_eq!(ids(&ranked), ["b", "c", "a"]);
    }

    #[test]
    fn tv_d1_non_updater_then_earlier_raise() {
        // X not raised (placed at its dateModified, before the auction);
        // Y raised at +5 min, Z raised at +3 min; all end at 150.
        let auction_start = t(10);
        let x = placement_time(d(150), d(150), t(0), auction_start);
        let y = placement_time(d(140), d(150), t(1), t(15));
        let z = placement_time(d(120), d(150), t(2), t(13));
        let ranked = rank(vec![
            RankInput {
                bid_id: "y".into(),
                price: d(150),
                placed_at: y,
                published_at: t(1),
            },
            RankInput {
                bid_id: "z".into(),
                price: d(150),
                placed_at: z,
                published_at: t(2),
            },
            RankInput {
                bid_id: "x".into(),
                price: d(150),
                placed_at: x,
                published_at: t(0),
            },
        ]);
        assert_eq!(ids(&ranked), ["x", "z", "y"]);
    }

    #[test]
    fn tv_d2_two_non_updaters_earlier_modified_first() {
        let a = placement_time(d(150), d(150), t(50), t(59));
        let b = placement_time(d(150), d(150), t(40), t(59));
        let ranked = rank(vec![
            RankInput {
                bid_id: "a".into(),
                price: d(150),
                placed_at: a,
                published_at: t(0),
            },
            RankInput {
                bid_id: "b".into(),
                price: d(150),
                placed_at: b,
                published_at: t(0),
            },
        ]);
        assert_eq!(ids(&ranked), ["b", "a"]);
    }

    #[test]
    fn full_tie_falls_back_to_publication_then_id() {
        let ranked = rank(vec![input("b", 100, 1), input("a", 100, 1)]);
        assert_eq!(ids(&ranked), ["a", "b"]);
    }

    #[test]
    fn tv_d3_no_skipping() {
        let slots = allocate(d(1000), &[d(700), d(400), d(200)]);
        assert_eq!(slots, [Slot::Pending, Slot::Waiting, Slot::Waiting]);
    }

    #[test]
    fn exact_fit_is_pending() {
        let slots = allocate(d(1000), &[d(1000), d(800)]);
        assert_eq!(slots, [Slot::Pending, Slot::Waiting]);
    }

    #[test]
    fn thresholds_are_inclusive() {
        assert!(promotes(d(200), d(200), d(200)));
        assert!(!promotes(d(201), d(200), d(100)));
        assert!(offers_remainder(d(200), d(200)));
        assert!(!offers_remainder(d(199), d(200)));
        assert!(acceptable(d(200), d(500), d(200)));
        assert!(acceptable(d(500), d(500), d(200)));
        assert!(!acceptable(d(199), d(500), d(200)));
        assert!(!acceptable(d(501), d(500), d(200)));
    }
}
