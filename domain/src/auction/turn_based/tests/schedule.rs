//! Scheduling: the timeline (spec §2.3, §2.8), the platform's duration
//! (9 + 6n minutes), labels (§3.2, RA-13) and the parameters the engine
//! refuses.

use chrono::TimeDelta;

use super::super::schedule::{PAUSE, TURN};
use super::super::*;
use super::fixtures::*;
use crate::auction::{AuctionEngine, Command, Direction};
use crate::procurement::RefusalKind::Invalid;
use crate::testing::Spec;

fn schedule_command(parameters: Parameters) -> Command<Parameters> {
    Command::Schedule {
        auction_id: AUCTION.to_owned(),
        parameters,
    }
}

#[test]
fn the_worked_timeline_of_three_bidders() {
    // Spec §2.8, minus the pre-announcement: bidding is over at 12:27.
    let stages = TurnBased::schedule(&parameters()).expect("schedule");
    let starts: Vec<_> = stages.iter().map(|s| (s.kind.as_str(), s.start)).collect();
    let expected = [
        (PAUSE, "12:00:00"),
        (TURN, "12:05:00"),
        (TURN, "12:07:00"),
        (TURN, "12:09:00"),
        (PAUSE, "12:11:00"),
        (TURN, "12:13:00"),
        (TURN, "12:15:00"),
        (TURN, "12:17:00"),
        (PAUSE, "12:19:00"),
        (TURN, "12:21:00"),
        (TURN, "12:23:00"),
        (TURN, "12:25:00"),
    ];
    let expected: Vec<_> = expected.iter().map(|(k, t)| (*k, at(t))).collect();
    assert_eq!(starts, expected);
    assert_eq!(stages.last().map(|s| s.end), Some(at("12:27:00")));
    // Each stage ends when the next begins.
    assert!(stages.windows(2).all(|w| w[0].end == w[1].start));
    assert_eq!((stages[6].round, stages[6].number), (Some(2), Some(2)));
}

#[test]
fn bidding_lasts_nine_plus_six_n_minutes() {
    // platform-overview.md §3: 5 + 3 × 2n + 2 × 2; 3 bidders → 27 minutes.
    for n in 2..=7_i64 {
        let mut parameters = parameters();
        parameters.participants = (0..n)
            .map(|i| participant(&format!("bid-{i}"), "1000", "2024-05-10T10:00:00"))
            .collect();
        let stages = TurnBased::schedule(&parameters).expect("schedule");
        assert_eq!(stages.len(), 3 * n as usize + 3);
        let length = stages.last().map(|s| s.end - t0());
        assert_eq!(length, Some(TimeDelta::minutes(9 + 6 * n)), "{n} bidders");
    }
}

#[test]
fn stage_lengths_are_parameters() {
    let mut parameters = parameters();
    parameters.timing = Timing {
        opening_pause: TimeDelta::minutes(1),
        turn: TimeDelta::seconds(30),
        round_pause: TimeDelta::seconds(10),
        rounds: 2,
    };
    let stages = TurnBased::schedule(&parameters).expect("schedule");
    assert_eq!(stages.len(), 2 * 4);
    assert_eq!(stages.last().map(|s| s.end), Some(at("12:04:10")));
}

#[test]
fn labels_follow_the_first_rounds_order_worst_first() {
    // V-1: C 99 000 = Bidder 1, A 98 000 = Bidder 2, B 97 500 = Bidder 3.
    Spec::<TurnBased>::given([])
        .at(scheduled_at())
        .when(schedule_command(parameters()))
        .then([scheduled()]);
}

#[test]
fn of_equal_initial_amounts_the_later_bid_moves_first() {
    // V-5: A and B at 98 000, B dated later: C #1, B #2, A #3.
    let mut parameters = parameters();
    parameters.participants[1] = participant(B, "98000", "2024-05-10T11:00:00");
    let events = Spec::<TurnBased>::given([])
        .at(scheduled_at())
        .when(schedule_command(parameters))
        .then_events();
    let Some(Event::AuctionScheduled { bidders, .. }) = events.first() else {
        panic!("not scheduled: {events:?}");
    };
    let labels: Vec<_> = bidders
        .iter()
        .map(|b| (b.bid_id.as_str(), b.label.as_str()))
        .collect();
    assert_eq!(labels, [(C, "Bidder 1"), (B, "Bidder 2"), (A, "Bidder 3")]);
}

#[test]
fn the_same_instant_moves_the_later_bid_in_the_procedures_order_first() {
    // Q1: the earlier position ranks better, so it moves later.
    let mut parameters = parameters();
    parameters.participants = vec![
        participant(A, "98000", "2024-05-10T10:00:00"),
        participant(B, "98000", "2024-05-10T10:00:00"),
    ];
    let events = Spec::<TurnBased>::given([])
        .at(scheduled_at())
        .when(schedule_command(parameters))
        .then_events();
    let Some(Event::AuctionScheduled { bidders, .. }) = events.first() else {
        panic!("not scheduled: {events:?}");
    };
    assert_eq!(bidders[0].bid_id, B);
}

#[test]
fn fewer_than_two_participants_are_refused() {
    // V-6 / Q8: the procedure awards a single bid directly.
    let mut parameters = parameters();
    parameters.participants.truncate(1);
    let refusal = Spec::<TurnBased>::given([])
        .at(scheduled_at())
        .when(schedule_command(parameters))
        .then_refused(Invalid, "participants");
    assert_eq!(refusal.description, "Not enough participants");
}

#[test]
fn a_bid_taking_part_twice_is_refused() {
    let mut parameters = parameters();
    parameters.participants[2].bid_id = A.to_owned();
    Spec::<TurnBased>::given([])
        .when(schedule_command(parameters))
        .then_refused(Invalid, "participants");
}

#[test]
fn the_step_and_the_amounts_must_be_positive() {
    let mut zero_step = parameters();
    zero_step.minimal_step = amount("0");
    Spec::<TurnBased>::given([])
        .when(schedule_command(zero_step))
        .then_refused(Invalid, "minimalStep");
    let mut zero_bid = parameters();
    zero_bid.participants[0].amount = amount("0");
    Spec::<TurnBased>::given([])
        .when(schedule_command(zero_bid))
        .then_refused(Invalid, "participants");
}

#[test]
fn unusable_timings_are_refused() {
    let mut parameters = parameters();
    parameters.timing.turn = TimeDelta::zero();
    assert!(TurnBased::schedule(&parameters).is_err());
    parameters.timing = Timing {
        rounds: 0,
        ..Timing::default()
    };
    Spec::<TurnBased>::given([])
        .when(schedule_command(parameters))
        .then_refused(Invalid, "timing");
}

#[test]
fn an_auction_is_scheduled_once() {
    Spec::<TurnBased>::given([scheduled()])
        .at(scheduled_at())
        .when(schedule_command(parameters()))
        .then_refused(crate::procurement::RefusalKind::Forbidden, "data");
}

#[test]
fn scheduling_is_refused_once_the_first_turn_would_have_begun() {
    let spec = Spec::<TurnBased>::given([]);
    // Late, but within the opening pause: accepted; the start stands.
    let events = spec.when(schedule_command(parameters())).then_events();
    assert_eq!(events.len(), 1);
    spec.at(at("12:04:59"))
        .when(schedule_command(parameters()))
        .then_events();
    Spec::<TurnBased>::given([])
        .at(at("12:05:00"))
        .when(schedule_command(parameters()))
        .then_refused(Invalid, "start");
}

#[test]
fn ascending_the_lowest_price_moves_first() {
    let mut parameters = parameters();
    parameters.direction = Direction::Ascending;
    let events = Spec::<TurnBased>::given([])
        .at(scheduled_at())
        .when(schedule_command(parameters))
        .then_events();
    let Some(Event::AuctionScheduled { bidders, .. }) = events.first() else {
        panic!("not scheduled: {events:?}");
    };
    let labels: Vec<_> = bidders.iter().map(|b| b.bid_id.as_str()).collect();
    assert_eq!(labels, [B, A, C]);
}
