//! The timer (spec §2.5, §4.3, RA-11, RA-12, RA-14): what each boundary
//! does, catching up after a late tick, idempotence, and the commands that
//! are not bids (cancel, join).

use super::super::*;
use super::fixtures::*;
use crate::Scheduled;
use crate::auction::Command;
use crate::procurement::RefusalKind::Forbidden;
use crate::testing::Spec;

#[test]
fn nothing_is_due_before_the_start() {
    let spec = Spec::<TurnBased>::given([scheduled()]).at(at("11:59:59"));
    spec.when(Command::Tick).then_nothing();
    assert_eq!(TurnBased::next_check(spec.state()), Some(t0()));
}

#[test]
fn a_tick_on_no_auction_does_nothing() {
    Spec::<TurnBased>::given([])
        .when(Command::Tick)
        .then_nothing();
    Spec::<TurnBased>::given([])
        .when(bid(A, "1"))
        .then_refused(crate::procurement::RefusalKind::NotFound, "auction_id");
}

#[test]
fn the_start_sets_the_first_rounds_order() {
    // RA-7, §3.1: worst first, the leader last: C, A, B.
    Spec::<TurnBased>::given([scheduled()])
        .at(t0())
        .when(Command::Tick)
        .then([order(1, &[C, A, B], t0())]);
}

#[test]
fn a_tick_with_nothing_due_decides_nothing() {
    let spec = started().at(at("12:03:00"));
    spec.when(Command::Tick).then_nothing();
    assert_eq!(TurnBased::next_check(spec.state()), Some(at("12:07:00")));
}

#[test]
fn a_turn_without_a_bid_keeps_the_amount() {
    // RA-11: C does nothing in R1T1.
    started()
        .at(at("12:07:00"))
        .when(Command::Tick)
        .then([closed(1, 1, C, at("12:07:00"))]);
}

#[test]
fn a_turn_publishes_its_bid_when_it_ends() {
    started()
        .and([
            closed(1, 1, C, at("12:07:00")),
            stored(A, "96000", at("12:08:10")),
        ])
        .at(at("12:09:00"))
        .when(Command::Tick)
        .then([published(1, 2, A, "96000", at("12:08:10"), at("12:09:00"))]);
}

#[test]
fn a_late_tick_closes_every_boundary_passed_in_order() {
    // The scheduler was down from 12:06 to 12:14: the same amounts are
    // published, in the same order, and round 2's order is set from them.
    started()
        .and([stored(C, "98500", at("12:06:00"))])
        .at(at("12:14:00"))
        .when(Command::Tick)
        .then([
            published(1, 1, C, "98500", at("12:06:00"), at("12:14:00")),
            closed(1, 2, A, at("12:14:00")),
            closed(1, 3, B, at("12:14:00")),
            order(2, &[C, A, B], at("12:14:00")),
        ]);
}

#[test]
fn each_round_is_ordered_from_the_standings_at_its_pause() {
    // V-1: A lowered to 96 000 in round 1, so round 2 runs C, B, A.
    started()
        .and([
            closed(1, 1, C, at("12:07:00")),
            published(1, 2, A, "96000", at("12:08:10"), at("12:09:00")),
            closed(1, 3, B, at("12:11:00")),
        ])
        .at(at("12:11:00"))
        .when(Command::Tick)
        .then([order(2, &[C, B, A], at("12:11:00"))]);
}

#[test]
fn a_bid_after_a_missed_tick_is_decided_on_the_published_amounts() {
    // No tick since A's bid: B's bid in R2T2 first closes the rest of
    // round 1 (publishing A's 96 000), sets round 2's order and closes
    // R2T1, all in order; B's ceiling is its own 97 500 − 1 000.
    let spec = started()
        .and([
            closed(1, 1, C, at("12:07:00")),
            stored(A, "96000", at("12:08:10")),
        ])
        .at(at("12:16:30"));
    spec.when(bid(B, "96500")).then([
        published(1, 2, A, "96000", at("12:08:10"), at("12:16:30")),
        closed(1, 3, B, at("12:16:30")),
        order(2, &[C, B, A], at("12:16:30")),
        closed(2, 1, C, at("12:16:30")),
        stored(B, "96500", at("12:16:30")),
    ]);
}

fn after_round_three() -> Spec<TurnBased> {
    started().and([
        closed(1, 1, C, at("12:07:00")),
        closed(1, 2, A, at("12:09:00")),
        closed(1, 3, B, at("12:11:00")),
        order(2, &[C, A, B], at("12:11:00")),
        closed(2, 1, C, at("12:15:00")),
        closed(2, 2, A, at("12:17:00")),
        closed(2, 3, B, at("12:19:00")),
        order(3, &[C, A, B], at("12:19:00")),
        closed(3, 1, C, at("12:23:00")),
        closed(3, 2, A, at("12:25:00")),
    ])
}

#[test]
fn the_last_turn_ends_the_auction_with_the_final_ranking() {
    // RA-14: ranked at once when round 3 ends, best first.
    let spec = after_round_three().at(at("12:27:00"));
    assert_eq!(TurnBased::next_check(spec.state()), Some(at("12:27:00")));
    let finished = Event::AuctionFinished {
        ranking: vec![
            ranked(1, B, "Bidder 3", "97500", kyiv("2024-05-10T11:00:00")),
            ranked(2, A, "Bidder 2", "98000", kyiv("2024-05-10T10:00:00")),
            ranked(3, C, "Bidder 1", "99000", kyiv("2024-05-10T09:00:00")),
        ],
        at: at("12:27:00"),
    };
    spec.when(Command::Tick)
        .then([closed(3, 3, B, at("12:27:00")), finished.clone()]);
    let mut done = spec.and([closed(3, 3, B, at("12:27:00")), finished]);
    assert_eq!(TurnBased::next_check(done.state()), None);
    done.set_now(at("13:00:00"));
    done.when(Command::Tick).then_nothing();
    done.set_now(at("12:27:30"));
    done.when(bid(C, "1")).then_refused(Forbidden, "data");
}

#[test]
fn cancel_stops_the_auction_at_once() {
    // Q5: no result; nothing more is due; a second cancel changes nothing.
    let spec = started().at(at("12:06:00"));
    spec.when(Command::Cancel)
        .then([Event::AuctionCancelled { at: at("12:06:00") }]);
    let mut cancelled = started().and([Event::AuctionCancelled { at: at("12:06:00") }]);
    assert_eq!(TurnBased::next_check(cancelled.state()), None);
    cancelled.set_now(at("12:30:00"));
    cancelled.when(Command::Tick).then_nothing();
    cancelled.when(Command::Cancel).then_nothing();
    cancelled.set_now(at("12:06:30"));
    cancelled
        .when(bid(C, "90000"))
        .then_refused(Forbidden, "data");
}

#[test]
fn a_finished_auction_cannot_be_cancelled() {
    after_round_three()
        .at(at("12:28:00"))
        .when(Command::Cancel)
        .then_refused(Forbidden, "data");
}

#[test]
fn nobody_joins_after_scheduling() {
    let refusal = started()
        .at(at("12:01:00"))
        .when(Command::Join {
            bid_id: "bid-d".to_owned(),
        })
        .then_refused(Forbidden, "data");
    assert_eq!(
        refusal.description,
        "Participants are fixed when the auction is scheduled"
    );
}
