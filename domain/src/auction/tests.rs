//! Both engines driven through [`AuctionEngine`] alone, as the scheduler
//! and the procedures will drive them: schedule, let the timer fire at
//! every `next_check`, read the result. What a new kind must also pass.

use chrono::{DateTime, TimeDelta, Utc};

use super::*;
use crate::Context;
use crate::procurement::Amount;
use crate::testing::{CountingIds, utc};

fn amount(text: &str) -> Amount {
    text.parse().expect("amount")
}

/// Schedules, applies `bids` at their moments, then fires the timer at
/// every due time; returns the result and how many ticks had work.
fn run<E: AuctionEngine>(
    parameters: E::Parameters,
    bids: &[(DateTime<Utc>, &str, Option<Amount>)],
) -> (Option<AuctionResult>, usize) {
    let ids = CountingIds::starting_at(1);
    let mut state = E::State::default();
    let schedule = Command::Schedule {
        auction_id: "a".into(),
        parameters,
    };
    let events = E::decide(
        &state,
        &schedule,
        &Context::new(utc(2024, 1, 1, 0, 0), &ids),
    )
    .expect("scheduled");
    state = events.iter().fold(state, E::evolve);
    assert!(E::public_view(&state, utc(2024, 1, 1, 0, 0)).is_some());
    let mut pending: Vec<_> = bids.to_vec();
    let mut ticks = 0;
    while let Some(due) = E::next_check(&state) {
        // A bid may change what is due next, so ask again after each.
        if let Some(&(at, bid_id, amount)) = pending.first().filter(|b| b.0 < due) {
            let command = Command::Bid {
                bid_id: bid_id.to_owned(),
                amount,
            };
            let events =
                E::decide(&state, &command, &Context::new(at, &ids)).expect("bid accepted");
            state = events.iter().fold(state, E::evolve);
            pending.remove(0);
            continue;
        }
        let events =
            E::decide(&state, &E::due_command(), &Context::new(due, &ids)).expect("tick accepted");
        assert!(!events.is_empty(), "a due tick has work");
        state = events.iter().fold(state, E::evolve);
        // Firing again at the same moment changes nothing.
        let again =
            E::decide(&state, &E::due_command(), &Context::new(due, &ids)).expect("tick accepted");
        assert!(again.is_empty());
        ticks += 1;
    }
    (E::result(&state), ticks)
}

#[test]
fn a_turn_based_auction_runs_through_the_trait() {
    let start = utc(2024, 5, 14, 9, 0);
    let participants = ["a", "b"]
        .iter()
        .map(|id| turn_based::Participant {
            bid_id: (*id).to_owned(),
            amount: amount("100"),
            date: start - TimeDelta::days(1),
        })
        .collect();
    let parameters =
        turn_based::Parameters::new(start, Direction::Descending, amount("1"), participants);
    // Round 1 runs b, a (a ranks better on position): a bids in turn 2.
    let bid_at = start + TimeDelta::minutes(8);
    let (result, ticks) = run::<TurnBased>(parameters, &[(bid_at, "a", Some(amount("90")))]);
    // The start, then one per turn's end: a round's pause and the final
    // ranking begin when a turn ends and share its tick.
    assert_eq!(ticks, 1 + 6);
    let outcome = result.and_then(|r| r.outcome()).expect("outcome");
    assert_eq!(outcome.bids[0].id, "a");
    assert_eq!(outcome.bids[0].value.amount, amount("90"));
}

#[test]
fn a_dutch_auction_runs_through_the_trait() {
    let start = utc(2024, 3, 7, 7, 30);
    let parameters = dutch::Parameters::new(
        start,
        amount("1000"),
        amount("100"),
        vec!["a".into(), "b".into()],
    );
    let (result, ticks) = run::<Dutch>(
        parameters,
        &[
            (start + TimeDelta::hours(1), "a", None),
            (
                start + TimeDelta::minutes(6 * 60 + 50),
                "b",
                Some(amount("2000")),
            ),
        ],
    );
    // Round 2's end, then round 3's end with the ranking.
    assert_eq!(ticks, 2);
    let outcome = result.and_then(|r| r.outcome()).expect("outcome");
    let order: Vec<_> = outcome.bids.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(order, ["b", "a"]);
}
