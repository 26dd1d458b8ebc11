//! The schedule and the step prices (spec §4, §5.2, Q1, Q2, Q4, Q6) and the
//! parameters the engine refuses.

use chrono::TimeDelta;
use rust_decimal::Decimal;

use super::super::schedule::{FINAL, PAUSE, SEALED, STEP, step_price};
use super::super::*;
use super::fixtures::*;
use crate::auction::{AuctionEngine, Command};
use crate::procurement::RefusalKind::{Forbidden, Invalid};
use crate::testing::Spec;

#[test]
fn the_worked_schedule() {
    // §4.3: T0 09:30 (Kyiv, UTC+2); pause 09:30:00–09:30:30; round 1
    // 09:30:30–16:15:30 in 99 steps; round 2 to 16:25:30; round 3 to
    // 16:30:30. Step 1 ends at 09:34:35.454, step 99 at 16:15:30.
    let stages = Dutch::schedule(&parameters()).expect("schedule");
    assert_eq!(stages.len(), 1 + 99 + 2);
    assert_eq!(
        (stages[0].kind.as_str(), stages[0].start, stages[0].end),
        (PAUSE, t0(), at("09:30:30"))
    );
    assert_eq!(
        (stages[1].kind.as_str(), stages[1].start),
        (STEP, at("09:30:30"))
    );
    assert_eq!(stages[1].end, at("09:34:35.454"));
    assert_eq!(stages[2].end, at("09:38:40.909"));
    assert_eq!(stages[99].end, round1_end());
    assert_eq!(
        (
            stages[100].kind.as_str(),
            stages[100].start,
            stages[100].end
        ),
        (SEALED, round1_end(), round2_end())
    );
    assert_eq!(
        (
            stages[101].kind.as_str(),
            stages[101].start,
            stages[101].end
        ),
        (FINAL, round2_end(), round3_end())
    );
    assert!(stages.windows(2).all(|w| w[0].end == w[1].start));
    assert_eq!((stages[42].round, stages[42].number), (Some(1), Some(42)));
}

#[test]
fn eighty_one_steps_last_five_minutes_each() {
    // The predecessor's 81 steps (external hint, §4.2).
    let mut parameters = parameters();
    parameters.timing.dutch_step_count = 81;
    let stages = Dutch::schedule(&parameters).expect("schedule");
    assert!(
        stages[1..=81]
            .iter()
            .all(|s| s.end - s.start == TimeDelta::minutes(5))
    );
    assert_eq!(stages[81].end, round1_end());
}

#[test]
fn each_step_takes_one_percent_of_the_starting_price() {
    let parameters = parameters();
    let price = |k| step_price(&parameters, k).map(|p| p.to_string());
    assert_eq!(price(1).as_deref(), Some("1000"));
    assert_eq!(price(2).as_deref(), Some("990"));
    assert_eq!(price(21).as_deref(), Some("800"));
    assert_eq!(price(99).as_deref(), Some("20"));
    let stages = Dutch::schedule(&parameters).expect("schedule");
    assert_eq!(stages[1].price, Some(amount("1000")));
    assert_eq!(stages[99].price, Some(amount("20")));
    assert_eq!(stages[100].price, None);
}

#[test]
fn step_prices_round_half_up_to_the_kopiyka() {
    // 1.50 × 0.99 = 1.485 → 1.49 (half-up; banker's rounding gives 1.48).
    let small = parameters_with("1.50", &[P1]);
    assert_eq!(step_price(&small, 2), Some(amount("1.49")));
    // 1234.56 × 0.97 = 1197.5232 → 1197.52.
    let odd = parameters_with("1234.56", &[P1]);
    assert_eq!(step_price(&odd, 4), Some(amount("1197.52")));
}

#[test]
fn the_step_count_is_one_to_ninety_nine() {
    for (count, ok) in [(0, false), (1, true), (99, true), (100, false)] {
        let mut parameters = parameters();
        parameters.timing.dutch_step_count = count;
        assert_eq!(Dutch::schedule(&parameters).is_ok(), ok, "{count} steps");
    }
}

#[test]
fn the_three_minute_cap_is_a_check_a_procedure_may_switch_on() {
    // L61 against L45/L63: 6 h 45 min / 99 > 3 min, so the cap refuses
    // the defaults; with 135 steps it would hold, but 135 > 99.
    let mut parameters = parameters();
    parameters.timing.max_step_duration = Some(TimeDelta::minutes(3));
    let refusal = Dutch::schedule(&parameters).expect_err("capped");
    assert_eq!(refusal.name, "maxStepDuration");
    parameters.timing.dutch_round_duration = TimeDelta::minutes(3 * 99);
    assert!(Dutch::schedule(&parameters).is_ok());
}

#[test]
fn a_reduction_that_reaches_zero_is_refused() {
    let mut parameters = parameters();
    parameters.step_reduction = Decimal::new(2, 2);
    let refusal = Dutch::schedule(&parameters).expect_err("below zero");
    assert_eq!(refusal.name, "stepReduction");
    let mut tiny = parameters_with("0.20", &[P1]);
    tiny.step_reduction = Decimal::new(1, 2);
    // 0.20 × 0.02 = 0.004 → 0.00 at step 99.
    assert!(Dutch::schedule(&tiny).is_err());
}

#[test]
fn other_unusable_parameters_are_refused() {
    let mut zero = parameters();
    zero.starting_price = amount("0");
    assert_eq!(
        Dutch::schedule(&zero).map_err(|r| r.name),
        Err("startingPrice".to_owned())
    );
    let mut twice = parameters();
    twice.participants.push(P1.to_owned());
    assert_eq!(
        Dutch::schedule(&twice).map_err(|r| r.name),
        Err("participants".to_owned())
    );
    let mut no_pause = parameters();
    no_pause.timing.familiarisation_pause = TimeDelta::zero();
    assert_eq!(
        Dutch::schedule(&no_pause).map_err(|r| r.name),
        Err("timing".to_owned())
    );
}

fn schedule_command(parameters: Parameters) -> Command<Parameters> {
    Command::Schedule {
        auction_id: AUCTION.to_owned(),
        parameters,
    }
}

#[test]
fn scheduling_labels_the_participants_in_their_order() {
    Spec::<Dutch>::given([])
        .at(scheduled_at())
        .when(schedule_command(parameters()))
        .then([scheduled()]);
}

#[test]
fn an_auction_is_scheduled_once_and_before_round_one() {
    Spec::<Dutch>::given([scheduled()])
        .when(schedule_command(parameters()))
        .then_refused(Forbidden, "data");
    Spec::<Dutch>::given([])
        .at(at("09:30:29"))
        .when(schedule_command(parameters()))
        .then_events();
    Spec::<Dutch>::given([])
        .at(at("09:30:30"))
        .when(schedule_command(parameters()))
        .then_refused(Invalid, "start");
}
