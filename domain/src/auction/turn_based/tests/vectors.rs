//! The reference module's worked runs (spec §10 V-1, V-4, V-5) from
//! scheduling to the result, command by command, and the result a
//! procedure records.

use chrono::{DateTime, Utc};

use super::super::*;
use super::fixtures::*;
use crate::auction::{AuctionEngine, AuctionResult, Command};
use crate::procurement::Amount;
use crate::testing::Spec;

fn scheduled_spec() -> Spec<TurnBased> {
    let mut spec = Spec::<TurnBased>::given([]);
    step_at(
        &mut spec,
        scheduled_at(),
        Command::Schedule {
            auction_id: AUCTION.to_owned(),
            parameters: parameters(),
        },
    );
    spec
}

/// Ticks at every boundary up to and including `until`.
fn tick_until(spec: &mut Spec<TurnBased>, until: &str) {
    while let Some(due) = <TurnBased as crate::Scheduled>::next_check(spec.state()) {
        if due > at(until) {
            break;
        }
        step_at(spec, due, Command::Tick);
    }
}

fn ranking(spec: &Spec<TurnBased>) -> Vec<(String, Amount, DateTime<Utc>)> {
    match TurnBased::result(spec.state()) {
        Some(AuctionResult::Completed {
            ranking,
            finished_at,
        }) => {
            assert_eq!(finished_at, at("12:27:00"));
            ranking
                .into_iter()
                .map(|r| (r.bid_id, r.amount, r.date))
                .collect()
        }
        other => panic!("not finished: {other:?}"),
    }
}

#[test]
fn v1_two_bidders_lower_in_different_rounds() {
    let mut spec = scheduled_spec();
    tick_until(&mut spec, "12:07:00");
    step_at(&mut spec, at("12:08:10"), bid(A, "96000"));
    tick_until(&mut spec, "12:11:00");
    let orders = |spec: &Spec<TurnBased>| -> Vec<Vec<String>> {
        let auction = spec.state().auction.as_ref().expect("scheduled");
        auction
            .orders
            .iter()
            .map(|o| {
                o.iter()
                    .map(|&i| auction.bidders[i].bid_id.clone())
                    .collect()
            })
            .collect()
    };
    assert_eq!(orders(&spec)[1], [C, B, A]);
    step_at(&mut spec, at("12:16:30"), bid(B, "95000"));
    tick_until(&mut spec, "12:19:00");
    assert_eq!(orders(&spec)[2], [C, A, B]);
    tick_until(&mut spec, "12:27:00");
    assert_eq!(
        ranking(&spec),
        [
            (B.to_owned(), amount("95000"), at("12:16:30")),
            (A.to_owned(), amount("96000"), at("12:08:10")),
            (C.to_owned(), amount("99000"), kyiv("2024-05-10T09:00:00")),
        ]
    );
    // The audit: only R1T2 and R2T2 changed.
    let auction = spec.state().auction.as_ref().expect("scheduled");
    let changed: Vec<_> = auction
        .turns
        .iter()
        .filter_map(|t| t.published.as_ref().map(|p| (t.round, t.turn, p.bid_time)))
        .collect();
    assert_eq!(changed, [(1, 2, at("12:08:10")), (2, 2, at("12:16:30"))]);
}

#[test]
fn v1_the_result_is_what_a_procedure_records() {
    let mut spec = scheduled_spec();
    step_at(&mut spec, at("12:08:10"), bid(A, "96000"));
    step_at(&mut spec, at("12:16:30"), bid(B, "95000"));
    tick_until(&mut spec, "12:27:00");
    let outcome = TurnBased::result(spec.state())
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
            (B, amount("95000"), at("12:16:30")),
            (A, amount("96000"), at("12:08:10")),
            (C, amount("99000"), kyiv("2024-05-10T09:00:00")),
        ]
    );
}

#[test]
fn v4_nobody_bids_and_the_initial_ranking_stands() {
    let mut spec = scheduled_spec();
    tick_until(&mut spec, "12:27:00");
    assert_eq!(
        ranking(&spec),
        [
            (B.to_owned(), amount("97500"), kyiv("2024-05-10T11:00:00")),
            (A.to_owned(), amount("98000"), kyiv("2024-05-10T10:00:00")),
            (C.to_owned(), amount("99000"), kyiv("2024-05-10T09:00:00")),
        ]
    );
    // Each of C's turns kept 99 000 and none has a bid time.
    let auction = spec.state().auction.as_ref().expect("scheduled");
    assert!(auction.turns.iter().all(|t| t.published.is_none()));
    assert_eq!(auction.turns.len(), 9);
}

#[test]
fn v5_ties_go_to_the_earlier_date() {
    let mut parameters = parameters();
    parameters.participants[1] = participant(B, "98000", "2024-05-10T11:00:00");
    let mut spec = Spec::<TurnBased>::given([]);
    let schedule = Command::Schedule {
        auction_id: AUCTION.to_owned(),
        parameters,
    };
    step_at(&mut spec, scheduled_at(), schedule.clone());
    let mut quiet = Spec::<TurnBased>::given(spec.history().to_vec());
    // Nobody bids: 1. A (earlier date), 2. B, 3. C.
    tick_until(&mut quiet, "12:27:00");
    let ids: Vec<_> = ranking(&quiet).into_iter().map(|r| r.0).collect();
    assert_eq!(ids, [A, B, C]);
    // In-auction tie: round 1 runs C, B, A; B posts 97 000 at 12:08,
    // A the same at 12:10: B ranks first, and round 2 runs C, A, B.
    step_at(&mut spec, at("12:08:00"), bid(B, "97000"));
    step_at(&mut spec, at("12:10:00"), bid(A, "97000"));
    tick_until(&mut spec, "12:11:00");
    let auction = spec.state().auction.as_ref().expect("scheduled");
    let round2: Vec<_> = auction.orders[1]
        .iter()
        .map(|&i| auction.bidders[i].bid_id.as_str())
        .collect();
    assert_eq!(round2, [C, A, B]);
    tick_until(&mut spec, "12:27:00");
    let ids: Vec<_> = ranking(&spec).into_iter().map(|r| r.0).collect();
    assert_eq!(ids, [B, A, C]);
}
