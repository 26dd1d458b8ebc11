//! What everyone and each bidder may see (spec §5.2, RA-3, RA-13, RA-15):
//! nothing of the bidders before the start, a stored bid never before its
//! turn ends, labels instead of bid ids, and a bidder's own bounds.

use super::super::*;
use super::bidding::v1_until_r2t3;
use super::fixtures::*;
use crate::auction::{Action, AuctionEngine, Status};
use crate::testing::Spec;

fn public_json(spec: &Spec<TurnBased>, now: &str) -> String {
    let view = TurnBased::public_view(spec.state(), at(now)).expect("scheduled");
    serde_json::to_string(&view).expect("json")
}

#[test]
fn before_the_start_neither_the_bidders_nor_their_number_show() {
    // RA-3 / Q6: the start and the opening pause only.
    let spec = Spec::<TurnBased>::given([scheduled()]);
    let view = TurnBased::public_view(spec.state(), at("11:59:59")).expect("scheduled");
    assert_eq!(view.status, Status::Scheduled);
    assert_eq!(view.stages.len(), 1);
    assert!(view.initial_bids.is_empty() && view.turns.is_empty() && view.standings.is_empty());
    let json = public_json(&spec, "11:59:59");
    for hidden in ["Bidder", "99000", "98000", "97500", A, B, C] {
        assert!(!json.contains(hidden), "{hidden} leaks: {json}");
    }
}

#[test]
fn from_the_start_the_initial_bids_show_under_labels() {
    // RA-5, RA-13; the view is current even before the start's tick.
    let spec = Spec::<TurnBased>::given([scheduled()]);
    let view = TurnBased::public_view(spec.state(), t0()).expect("scheduled");
    assert_eq!(view.status, Status::Running);
    let initial: Vec<_> = view
        .initial_bids
        .iter()
        .map(|b| (b.label.as_str(), b.amount))
        .collect();
    assert_eq!(
        initial,
        [
            ("Bidder 1", amount("99000")),
            ("Bidder 2", amount("98000")),
            ("Bidder 3", amount("97500")),
        ]
    );
    assert_eq!(view.stages[1].label.as_deref(), Some("Bidder 1"));
    assert_eq!(view.stages.len(), 12);
    let json = public_json(&spec, "12:00:00");
    for hidden in [A, B, C] {
        assert!(!json.contains(hidden), "bid id {hidden} leaks: {json}");
    }
}

#[test]
fn a_stored_bid_is_never_public_before_its_turn_ends() {
    let spec = started().and([
        closed(1, 1, C, at("12:07:00")),
        stored(A, "96123", at("12:08:10")),
    ]);
    for now in ["12:08:10", "12:08:30", "12:08:59.999"] {
        let json = public_json(&spec, now);
        assert!(!json.contains("96123"), "at {now}: {json}");
        for other in [B, C] {
            let view = TurnBased::participant_view(spec.state(), other, at(now)).expect("bidder");
            let json = serde_json::to_string(&view).expect("json");
            assert!(!json.contains("96123"), "{other} sees it at {now}: {json}");
        }
    }
    // A sees its own.
    let own = TurnBased::participant_view(spec.state(), A, at("12:08:30")).expect("bidder");
    assert_eq!(own.own_bid, Some(amount("96123")));
    // At the turn's end it is public, tick or no tick.
    let view = TurnBased::public_view(spec.state(), at("12:09:00")).expect("view");
    let row = &view.turns[1];
    assert_eq!(
        (row.amount, row.changed, row.closed),
        (amount("96123"), true, true)
    );
    assert_eq!(row.bid_time, Some(at("12:08:10")));
    assert_eq!(view.standings[0].amount, amount("96123"));
}

#[test]
fn an_open_turn_shows_the_amount_the_bidder_stands_at() {
    let spec = Spec::<TurnBased>::given(v1_until_r2t3()).and([stored(A, "94000", at("12:17:20"))]);
    let view = TurnBased::public_view(spec.state(), at("12:18:00")).expect("view");
    let row = &view.turns[5];
    assert_eq!(
        (row.label.as_str(), row.amount, row.closed),
        ("Bidder 2", amount("96000"), false)
    );
    assert_eq!(view.current_stage, Some(7));
}

#[test]
fn the_bidder_in_its_turn_sees_its_bounds() {
    let spec = started().and([closed(1, 1, C, at("12:07:00"))]);
    let view = TurnBased::participant_view(spec.state(), A, at("12:08:00")).expect("A");
    assert_eq!(view.label, "Bidder 2");
    let allowed = view.allowed.expect("A's turn");
    assert_eq!(allowed.action, Action::Bid);
    assert_eq!(
        (allowed.min, allowed.max),
        (Some(amount("0.01")), Some(amount("97000")))
    );
    assert_eq!(allowed.until, at("12:09:00"));
    assert!(!allowed.can_cancel);
    // Others may do nothing now.
    let b = TurnBased::participant_view(spec.state(), B, at("12:08:00")).expect("B");
    assert_eq!((b.label.as_str(), b.allowed), ("Bidder 3", None));
    assert!(TurnBased::participant_view(spec.state(), "X", at("12:08:00")).is_none());
}

#[test]
fn after_the_last_turn_the_standings_are_final() {
    let spec = Spec::<TurnBased>::given(v1_until_r2t3());
    let view = TurnBased::public_view(spec.state(), at("12:27:00")).expect("view");
    assert_eq!(view.status, Status::Finished);
    let standings: Vec<_> = view
        .standings
        .iter()
        .map(|r| (r.rank, r.label.as_str(), r.amount))
        .collect();
    assert_eq!(
        standings,
        [
            (1, "Bidder 3", amount("95000")),
            (2, "Bidder 2", amount("96000")),
            (3, "Bidder 1", amount("99000")),
        ]
    );
    assert_eq!(view.current_stage, None);
}

#[test]
fn a_cancelled_auction_says_so() {
    let spec = started().and([Event::AuctionCancelled { at: at("12:06:00") }]);
    let view = TurnBased::public_view(spec.state(), at("12:06:30")).expect("view");
    assert_eq!(view.status, Status::Cancelled);
    assert!(
        TurnBased::participant_view(spec.state(), C, at("12:06:30"))
            .expect("C")
            .allowed
            .is_none()
    );
    assert!(Spec::<TurnBased>::given([]).state().auction.is_none());
}
