//! A whole Dutch auction from scheduling to the result, through round 1
//! (Q19: a starting price of 1500.00, whose step 21 is 1200.00, so the
//! source's scenario 1 runs end to end), with a punctual and with a late
//! timer.

use super::super::*;
use super::fixtures::*;
use crate::Scheduled;
use crate::auction::{AuctionEngine, Command};
use crate::testing::Spec;

fn run(punctual: bool) -> Spec<Dutch> {
    let mut spec = Spec::<Dutch>::given([]);
    step_at(
        &mut spec,
        scheduled_at(),
        Command::Schedule {
            auction_id: AUCTION.to_owned(),
            parameters: parameters_with("1500", &[P1, P2, P3]),
        },
    );
    // Step 21 runs 10:52:19.090–10:56:24.545 at 1500 × 0.80.
    let events = step_at(&mut spec, at("10:55:00"), accept(P1));
    assert_eq!(events, [stopped(P1, 21, "1200", at("10:55:00"))]);
    step_at(&mut spec, at("16:20:00"), bid(P2, "1400"));
    step_at(&mut spec, at("16:21:00"), bid(P3, "1300"));
    if punctual {
        let due = Dutch::next_check(spec.state());
        assert_eq!(due, Some(round2_end()));
        step_at(&mut spec, round2_end(), Command::Tick);
    }
    // The winner's bid closes round 2 first when no tick did.
    step_at(&mut spec, at("16:27:00"), bid(P1, "1500"));
    let end = if punctual {
        round3_end()
    } else {
        at("17:00:00")
    };
    step_at(&mut spec, end, Command::Tick);
    assert_eq!(Dutch::next_check(spec.state()), None);
    spec
}

#[test]
fn scenario_one_end_to_end() {
    let spec = run(true);
    let outcome = Dutch::result(spec.state())
        .and_then(|r| r.outcome())
        .expect("outcome");
    let bids: Vec<_> = outcome
        .bids
        .iter()
        .map(|b| (b.id.as_str(), b.value.amount, b.date))
        .collect();
    assert_eq!(
        bids,
        [
            (P1, amount("1500"), at("16:27:00")),
            (P2, amount("1400"), at("16:20:00")),
            (P3, amount("1300"), at("16:21:00")),
        ]
    );
}

#[test]
fn a_late_timer_reaches_the_same_result() {
    let punctual = run(true);
    let late = run(false);
    assert_eq!(Dutch::result(late.state()), Dutch::result(punctual.state()));
    let types = |spec: &Spec<Dutch>| crate::testing::event_types(spec.history());
    assert_eq!(types(&late), types(&punctual));
}
