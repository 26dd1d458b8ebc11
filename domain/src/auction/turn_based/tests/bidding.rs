//! A bidder's turn (spec §4, V-2, V-3, V-8): who may bid when, the bounds
//! of a bid, changing and withdrawing it. Descending, the common inputs;
//! ascending is in `ascending.rs`.

use super::super::*;
use super::fixtures::*;
use crate::auction::Command;
use crate::procurement::RefusalKind::{Forbidden, Invalid};
use crate::testing::Spec;

/// R1T2, A's turn (12:07–12:09): A stands at 98 000, its ceiling 97 000.
fn in_as_turn() -> Spec<TurnBased> {
    started()
        .and([closed(1, 1, C, at("12:07:00"))])
        .at(at("12:08:10"))
}

#[track_caller]
fn refused_with(
    spec: &Spec<TurnBased>,
    command: Command<Parameters>,
    kind: crate::procurement::RefusalKind,
    name: &str,
    text: &str,
) {
    let refusal = spec.when(command).then_refused(kind, name);
    assert_eq!(refusal.description, text);
}

#[test]
fn v2_a_bid_above_the_ceiling_is_too_high() {
    let spec = in_as_turn();
    refused_with(&spec, bid(A, "97500"), Invalid, "amount", "Too high value");
    refused_with(
        &spec,
        bid(A, "97000.01"),
        Invalid,
        "amount",
        "Too high value",
    );
}

#[test]
fn v2_the_ceiling_itself_is_accepted() {
    in_as_turn()
        .when(bid(A, "97000"))
        .then([stored(A, "97000", at("12:08:10"))]);
}

#[test]
fn v2_zero_is_too_low() {
    // A negative amount never parses into an Amount: the HTTP layer
    // answers it before the engine.
    refused_with(
        &in_as_turn(),
        bid(A, "0"),
        Invalid,
        "amount",
        "Too low value",
    );
}

#[test]
fn v2_a_bid_needs_an_amount() {
    let command = Command::Bid {
        bid_id: A.to_owned(),
        amount: None,
    };
    refused_with(
        &in_as_turn(),
        command,
        Invalid,
        "amount",
        "Bid amount is required",
    );
}

#[test]
fn v2_only_the_bidder_whose_turn_it_is_may_bid() {
    refused_with(
        &in_as_turn(),
        bid(B, "90000"),
        Forbidden,
        "data",
        "Not valid bidder",
    );
}

#[test]
fn v2_nobody_bids_in_a_pause() {
    let spec = started()
        .and([
            closed(1, 1, C, at("12:07:00")),
            closed(1, 2, A, at("12:09:00")),
            closed(1, 3, B, at("12:11:00")),
            order(2, &[C, A, B], at("12:11:00")),
        ])
        .at(at("12:12:00"));
    refused_with(
        &spec,
        bid(A, "90000"),
        Forbidden,
        "data",
        "Stage not for bidding",
    );
    // Nor before the first turn, in the opening pause.
    refused_with(
        &started().at(at("12:04:00")),
        bid(C, "90000"),
        Forbidden,
        "data",
        "Stage not for bidding",
    );
}

#[test]
fn v2_an_unknown_bidder_is_refused() {
    let refusal = in_as_turn()
        .when(bid("X", "90000"))
        .then_refused(Forbidden, "bidder_id");
    assert_eq!(refusal.description, "Invalid bidder_id X");
}

#[test]
fn more_than_two_decimals_is_an_invalid_amount() {
    // Q9: kopiykas.
    refused_with(
        &in_as_turn(),
        bid(A, "96999.999"),
        Invalid,
        "amount",
        "Invalid amount",
    );
}

#[test]
fn v3_a_bid_can_be_changed_until_the_turn_ends_against_the_same_ceiling() {
    // R2T3 is A's (12:17–12:19) in V-1, pre-turn 96 000, ceiling 95 000.
    let mut spec = Spec::<TurnBased>::given(v1_until_r2t3());
    let events = step_at(&mut spec, at("12:17:20"), bid(A, "94000"));
    assert_eq!(events, [stored(A, "94000", at("12:17:20"))]);
    // The ceiling is still 95 000, not based on 94 000.
    spec.set_now(at("12:17:50"));
    refused_with(&spec, bid(A, "95500"), Invalid, "amount", "Too high value");
    let events = step_at(&mut spec, at("12:18:05"), cancel_bid(A));
    assert_eq!(
        events,
        [Event::TurnBidCleared {
            bid_id: A.to_owned(),
            at: at("12:18:05")
        }]
    );
    // Nothing is published: A keeps 96 000 dated 12:08:10.
    let events = step_at(&mut spec, at("12:19:00"), Command::Tick);
    assert_eq!(events[0], closed(2, 3, A, at("12:19:00")));
    let a = spec
        .state()
        .auction
        .as_ref()
        .and_then(|x| x.bidders.iter().find(|b| b.bid_id == A).cloned());
    assert_eq!(
        a.map(|b| (b.amount, b.date)),
        Some((amount("96000"), at("12:08:10")))
    );
}

#[test]
fn v3b_the_last_accepted_change_counts() {
    let mut spec = Spec::<TurnBased>::given(v1_until_r2t3());
    step_at(&mut spec, at("12:17:20"), bid(A, "94000"));
    step_at(&mut spec, at("12:18:30"), bid(A, "94500"));
    let events = step_at(&mut spec, at("12:19:00"), Command::Tick);
    assert_eq!(
        events,
        [
            published(2, 3, A, "94500", at("12:18:30"), at("12:19:00")),
            order(3, &[C, B, A], at("12:19:00")),
        ]
    );
}

#[test]
fn withdrawing_nothing_changes_nothing() {
    in_as_turn().when(cancel_bid(A)).then_nothing();
    in_as_turn()
        .when(cancel_bid(B))
        .then_refused(Forbidden, "data");
}

#[test]
fn v8_a_bid_counts_only_before_its_turn_ends() {
    // A's turn ends at 12:09:00.000; the server's clock decides (Q3).
    let spec = in_as_turn().at(at("12:08:59.900"));
    spec.when(bid(A, "96000"))
        .then([stored(A, "96000", at("12:08:59.900"))]);
    // At 12:09:00.000 the turn is B's: for A a bid is out of turn.
    refused_with(
        &spec.at(at("12:09:00")),
        bid(A, "96000"),
        Forbidden,
        "data",
        "Not valid bidder",
    );
    // The last turn of a round is followed by a pause: "Stage not for
    // bidding", the text V-8 names.
    let last = started()
        .and([
            closed(1, 1, C, at("12:07:00")),
            closed(1, 2, A, at("12:09:00")),
        ])
        .at(at("12:11:00.200"));
    refused_with(
        &last,
        bid(B, "96000"),
        Forbidden,
        "data",
        "Stage not for bidding",
    );
}

/// V-1 up to 12:17: A 96 000 (12:08:10) in round 1, B 95 000 (12:16:30)
/// in R2T2; round 2 runs C, B, A.
pub fn v1_until_r2t3() -> Vec<Event> {
    vec![
        scheduled(),
        order(1, &[C, A, B], t0()),
        closed(1, 1, C, at("12:07:00")),
        stored(A, "96000", at("12:08:10")),
        published(1, 2, A, "96000", at("12:08:10"), at("12:09:00")),
        closed(1, 3, B, at("12:11:00")),
        order(2, &[C, B, A], at("12:11:00")),
        closed(2, 1, C, at("12:15:00")),
        stored(B, "95000", at("12:16:30")),
        published(2, 2, B, "95000", at("12:16:30"), at("12:17:00")),
    ]
}
