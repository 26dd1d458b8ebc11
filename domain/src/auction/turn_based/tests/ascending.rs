//! Ascending per unit, for the multi-award sale (`multi-award-sale.md`
//! §4.2): the price per unit goes up by at least the step, the highest
//! price ranks first and of equal prices the earlier placement (a price
//! the auction did not change keeps its bid's date, which is before any
//! raise in the auction). Quantities never enter the engine.

use super::super::*;
use super::fixtures::*;
use crate::auction::{AuctionEngine, Command, Direction};
use crate::procurement::RefusalKind::Invalid;
use crate::testing::Spec;

const X: &str = "bid-x";
const Y: &str = "bid-y";
const Z: &str = "bid-z";

/// X 100, Y 120, Z 110 per unit, step 5: X moves first, Y (the leader)
/// last.
fn sale() -> Spec<TurnBased> {
    Spec::given([
        scheduled_with(
            Direction::Ascending,
            "5",
            vec![
                bidder(X, "Bidder 1", 0, "100", "2024-05-10T10:00:00"),
                bidder(Z, "Bidder 2", 2, "110", "2024-05-10T12:00:00"),
                bidder(Y, "Bidder 3", 1, "120", "2024-05-10T11:00:00"),
            ],
        ),
        order(1, &[X, Z, Y], t0()),
    ])
}

#[test]
fn a_raise_must_reach_the_bidders_price_plus_the_step() {
    let spec = sale().at(at("12:06:00"));
    let refusal = spec.when(bid(X, "104.99")).then_refused(Invalid, "amount");
    assert_eq!(refusal.description, "Too low value");
    spec.when(bid(X, "105"))
        .then([stored(X, "105", at("12:06:00"))]);
    let refusal = spec
        .when(Command::Bid {
            bid_id: X.to_owned(),
            amount: None,
        })
        .then_refused(Invalid, "amount");
    assert_eq!(refusal.description, "Bid amount is required");
}

#[test]
fn a_bidder_may_go_far_above_its_floor() {
    // No ceiling going up.
    sale()
        .at(at("12:06:00"))
        .when(bid(X, "1000000"))
        .then([stored(X, "1000000", at("12:06:00"))]);
}

#[test]
fn the_participant_is_shown_its_floor() {
    let spec = sale().and([stored(X, "130", at("12:05:30"))]);
    let view = TurnBased::participant_view(spec.state(), X, at("12:06:00")).expect("view");
    let allowed = view.allowed.expect("X's turn");
    assert_eq!((allowed.min, allowed.max), (Some(amount("105")), None));
    assert!(allowed.can_cancel);
    assert_eq!(view.own_bid, Some(amount("130")));
}

#[test]
fn the_highest_price_ranks_first_and_an_unchanged_price_wins_a_tie() {
    // X raises to 120 in R1T1; Y's 120 dates from before the auction, so
    // Y stays first (the sale's tie rule 4).
    let mut spec = sale();
    step_at(&mut spec, at("12:06:00"), bid(X, "120"));
    step_at(&mut spec, at("12:27:00"), Command::Tick);
    let result = TurnBased::result(spec.state()).expect("finished");
    let outcome = result.outcome().expect("ranked");
    let order: Vec<_> = outcome
        .bids
        .iter()
        .map(|b| (b.id.as_str(), b.value.amount, b.date))
        .collect();
    assert_eq!(
        order,
        [
            (Y, amount("120"), kyiv("2024-05-10T11:00:00")),
            (X, amount("120"), at("12:06:00")),
            (Z, amount("110"), kyiv("2024-05-10T12:00:00")),
        ]
    );
}

#[test]
fn each_round_moves_the_lowest_price_first() {
    let mut spec = sale();
    step_at(&mut spec, at("12:06:00"), bid(X, "125"));
    let events = step_at(&mut spec, at("12:11:00"), Command::Tick);
    assert_eq!(events.last(), Some(&order(2, &[Z, Y, X], at("12:11:00"))));
}
