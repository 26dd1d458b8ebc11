//! Rounds 2 and 3 (spec §6–§9, §11): the source's scenarios V-1 and V-2
//! from "round 1 stopped by P1 at 1200.00" (Q19), their negative checks,
//! and the derived vectors V-4, V-10, V-11, V-12 and the tie rule (Q11).

use super::super::*;
use super::fixtures::*;
use crate::auction::{AuctionEngine, AuctionResult, Command};
use crate::procurement::RefusalKind::{Forbidden, Invalid};
use crate::testing::Spec;

#[track_caller]
fn refused_with(
    spec: &Spec<Dutch>,
    command: Command<Parameters>,
    kind: crate::procurement::RefusalKind,
    name: &str,
    text: &str,
) {
    let refusal = spec.when(command).then_refused(kind, name);
    assert_eq!(refusal.description, text);
}

fn ranking(spec: &Spec<Dutch>) -> Vec<crate::auction::RankedBid> {
    match Dutch::result(spec.state()) {
        Some(AuctionResult::Completed { ranking, .. }) => ranking,
        other => panic!("not completed: {other:?}"),
    }
}

#[test]
fn v1_scenario_one() {
    let mut spec = stopped_by_p1();
    // Round 2: P2 1400, P3 1300, both ≥ 1200.01, hidden until the end.
    step_at(&mut spec, at("16:20:00"), bid(P2, "1400"));
    step_at(&mut spec, at("16:21:00"), bid(P3, "1300"));
    let events = step_at(&mut spec, round2_end(), Command::Tick);
    assert_eq!(
        events,
        [Event::SealedRoundClosed {
            bids: vec![
                placed(P2, "1400", at("16:20:00")),
                placed(P3, "1300", at("16:21:00"))
            ],
            at: round2_end(),
        }]
    );
    // Round 3: P1 bids 1500 = 1400 + 100 (equality allowed).
    step_at(&mut spec, at("16:27:00"), bid(P1, "1500"));
    let events = step_at(&mut spec, round3_end(), Command::Tick);
    assert_eq!(
        events,
        [
            Event::FinalRoundClosed {
                bid: Some(placed(P1, "1500", at("16:27:00"))),
                at: round3_end(),
            },
            Event::AuctionCompleted {
                ranking: vec![
                    ranked(1, P1, "Bidder 1", "1500", at("16:27:00")),
                    ranked(2, P2, "Bidder 2", "1400", at("16:20:00")),
                    ranked(3, P3, "Bidder 3", "1300", at("16:21:00")),
                ],
                at: round3_end(),
            },
        ]
    );
    assert_eq!(
        Dutch::result(spec.state()).map(|r| match r {
            AuctionResult::Completed { finished_at, .. } => finished_at,
            _ => t0(),
        }),
        Some(round3_end())
    );
}

#[test]
fn v1_round_two_takes_at_least_the_stop_plus_a_kopiyka_from_all_but_the_winner() {
    let spec = stopped_by_p1().at(at("16:20:00"));
    refused_with(&spec, bid(P2, "1200"), Invalid, "amount", "Too low value");
    spec.when(bid(P2, "1200.01"))
        .then([sealed(P2, "1200.01", at("16:20:00"))]);
    refused_with(
        &spec,
        bid(P1, "1500"),
        Forbidden,
        "data",
        "Not valid bidder",
    );
    refused_with(
        &spec,
        bid(P2, "1400.001"),
        Invalid,
        "amount",
        "Invalid amount",
    );
    refused_with(
        &spec,
        Command::Bid {
            bid_id: P2.to_owned(),
            amount: None,
        },
        Invalid,
        "amount",
        "Bid amount is required",
    );
}

/// Round 2 closed with P2 1400 and P3 1300.
fn in_round_three() -> Spec<Dutch> {
    stopped_by_p1().and([Event::SealedRoundClosed {
        bids: vec![
            placed(P2, "1400", at("16:20:00")),
            placed(P3, "1300", at("16:21:00")),
        ],
        at: round2_end(),
    }])
}

#[test]
fn v1_round_three_takes_the_top_sealed_bid_plus_the_step_from_the_winner_only() {
    let spec = in_round_three().at(at("16:27:00"));
    refused_with(
        &spec,
        bid(P1, "1499.99"),
        Invalid,
        "amount",
        "Too low value",
    );
    refused_with(
        &spec,
        bid(P2, "1600"),
        Forbidden,
        "data",
        "Not valid bidder",
    );
    spec.when(bid(P1, "1500"))
        .then([final_bid(P1, "1500", at("16:27:00"))]);
}

#[test]
fn v2_scenario_two() {
    // P2 1400, P3 nothing; P1 does not outbid: P2 first, P1 at 1200, P3
    // unranked.
    let mut spec = stopped_by_p1();
    step_at(&mut spec, at("16:20:00"), bid(P2, "1400"));
    step_at(&mut spec, round3_end(), Command::Tick);
    let ranking: Vec<_> = ranking(&spec)
        .into_iter()
        .map(|r| (r.bid_id, r.label, r.amount))
        .collect();
    assert_eq!(
        ranking,
        [
            (P2.to_owned(), "Bidder 2".to_owned(), amount("1400")),
            (P1.to_owned(), "Bidder 1".to_owned(), amount("1200")),
        ]
    );
}

#[test]
fn v4_no_sealed_bid_ends_the_auction_with_the_winner_at_its_stop() {
    // R2-12 / E-4: round 3 is not held.
    let spec = stopped_by_p1().at(round2_end());
    spec.when(Command::Tick).then([
        Event::SealedRoundClosed {
            bids: vec![],
            at: round2_end(),
        },
        Event::AuctionCompleted {
            ranking: vec![ranked(1, P1, "Bidder 1", "1200", stop_time())],
            at: round2_end(),
        },
    ]);
    let over = spec.and([
        Event::SealedRoundClosed {
            bids: vec![],
            at: round2_end(),
        },
        Event::AuctionCompleted {
            ranking: vec![ranked(1, P1, "Bidder 1", "1200", stop_time())],
            at: round2_end(),
        },
    ]);
    refused_with(
        &over.at(at("16:27:00")),
        bid(P1, "1500"),
        Forbidden,
        "data",
        "Stage not for bidding",
    );
}

#[test]
fn v11_a_cancelled_sealed_bid_is_gone() {
    // Q10: cancelling removes the bid; no earlier one comes back.
    let mut spec = stopped_by_p1();
    step_at(&mut spec, at("16:20:00"), bid(P2, "1400"));
    step_at(&mut spec, at("16:21:00"), bid(P2, "1450"));
    let events = step_at(&mut spec, at("16:22:00"), cancel_bid(P2));
    assert_eq!(
        events,
        [Event::SealedBidCancelled {
            bid_id: P2.to_owned(),
            at: at("16:22:00")
        }]
    );
    // Cancelling again, or without a bid, changes nothing.
    spec.when(cancel_bid(P2)).then_nothing();
    spec.when(cancel_bid(P3)).then_nothing();
    refused_with(&spec, cancel_bid(P1), Forbidden, "data", "Not valid bidder");
    let events = step_at(&mut spec, round2_end(), Command::Tick);
    assert_eq!(
        events[0],
        Event::SealedRoundClosed {
            bids: vec![],
            at: round2_end()
        }
    );
}

#[test]
fn a_sealed_bid_may_be_replaced_and_the_last_one_counts() {
    let mut spec = stopped_by_p1();
    step_at(&mut spec, at("16:20:00"), bid(P2, "1400"));
    step_at(&mut spec, at("16:24:00"), bid(P2, "1350"));
    let events = step_at(&mut spec, round2_end(), Command::Tick);
    assert_eq!(
        events,
        [Event::SealedRoundClosed {
            bids: vec![placed(P2, "1350", at("16:24:00"))],
            at: round2_end()
        }]
    );
}

#[test]
fn the_winner_may_withdraw_its_final_bid() {
    let spec = in_round_three()
        .and([final_bid(P1, "1600", at("16:27:00"))])
        .at(at("16:28:00"));
    spec.when(cancel_bid(P1)).then([Event::FinalBidCancelled {
        bid_id: P1.to_owned(),
        at: at("16:28:00"),
    }]);
    refused_with(&spec, cancel_bid(P2), Forbidden, "data", "Not valid bidder");
}

#[test]
fn v12_a_winner_that_does_not_outbid_ranks_below_every_sealed_bid() {
    let spec = in_round_three().at(round3_end());
    let events = spec.when(Command::Tick).then_events();
    assert_eq!(
        events[0],
        Event::FinalRoundClosed {
            bid: None,
            at: round3_end()
        }
    );
    let Event::AuctionCompleted { ranking, .. } = &events[1] else {
        panic!("not completed: {events:?}");
    };
    let order: Vec<_> = ranking
        .iter()
        .map(|r| (r.rank, r.bid_id.as_str()))
        .collect();
    assert_eq!(order, [(1, P2), (2, P3), (3, P1)]);
}

#[test]
fn q11_equal_amounts_rank_by_the_time_accepted() {
    let mut spec = stopped_by_p1();
    step_at(&mut spec, at("16:20:00"), bid(P2, "1400"));
    step_at(&mut spec, at("16:18:00"), bid(P3, "1400"));
    step_at(&mut spec, round3_end(), Command::Tick);
    let order: Vec<_> = ranking(&spec).into_iter().map(|r| r.bid_id).collect();
    assert_eq!(order, [P3, P2, P1]);
    // With a zero step the winner's bid may only equal the top sealed bid,
    // and the sealed bid, accepted earlier, ranks first.
    let mut parameters = parameters();
    parameters.minimal_step = amount("0");
    let mut spec = Spec::<Dutch>::given([
        scheduled_from(&parameters),
        stopped(P1, 23, "1200", stop_time()),
    ]);
    step_at(&mut spec, at("16:20:00"), bid(P2, "1400"));
    step_at(&mut spec, at("16:27:00"), bid(P1, "1400"));
    step_at(&mut spec, round3_end(), Command::Tick);
    let order: Vec<_> = ranking(&spec).into_iter().map(|r| r.bid_id).collect();
    assert_eq!(order, [P2, P1]);
}

#[test]
fn v10_ten_times_the_stop_is_accepted_after_the_pages_prompt() {
    // P-4 / Q12: the engine never refuses for the ×10 rule; the
    // participant's view names the amount the page confirms from.
    let spec = stopped_by_p1().at(at("16:20:00"));
    spec.when(bid(P2, "12000"))
        .then([sealed(P2, "12000", at("16:20:00"))]);
    let view = Dutch::participant_view(spec.state(), P2, at("16:20:00")).expect("P2");
    assert_eq!(
        view.allowed.and_then(|a| a.confirm_from),
        Some(amount("12000"))
    );
}

#[test]
fn q5_round_two_starts_at_its_planned_time_not_at_the_stop() {
    // The stop at 11:00 does not shorten round 1: until 16:15:30 it is
    // still a step, and a bid there is another stop attempt.
    let spec = stopped_by_p1();
    refused_with(
        &spec.at(at("16:15:29.999")),
        bid(P2, "1400"),
        Forbidden,
        "data",
        "The auction has already been stopped",
    );
    let spec = stopped_by_p1();
    spec.at(round1_end())
        .when(bid(P2, "1400"))
        .then([sealed(P2, "1400", round1_end())]);
}
