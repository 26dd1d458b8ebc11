//! The auction stage, end to end through `Auctioned<DutchSale, Dutch>`:
//! the auction is set up at `auctionPeriod.startDate`, the participants
//! accept its terms and bid, and its end records the results and creates
//! the awards in the same decision (§11's V-1 and V-2 from publication to
//! the awards), or makes the sale `unsuccessful` (AD-6, Q13).

use super::super::*;
use super::fixtures::*;
use super::live::{Live, LiveEvent, bid, types};
use crate::Published;
use crate::auction::{Unsuccessful, dutch};
use crate::procedures::dutch_sale::event::Placed;
use crate::procurement::RefusalKind::{Forbidden, Invalid};

/// Three participants; P1 stops round 1 at step 21, 1200.00.
fn stopped_by_p1() -> Live {
    let mut g = Live::running(3);
    let step = g.step(21);
    assert_eq!(step.price, Some(amount("1200")));
    assert!(step.contains(step21()), "{step:?}");
    let events = g.bid(1, step21(), None);
    assert_eq!(
        events,
        [LiveEvent::Auction(dutch::Event::DutchStopped {
            bid_id: bid_id(1),
            step: 21,
            amount: amount("1200"),
            at: step21(),
        })]
    );
    // R1-6: nobody else may stop it.
    g.spec.when(bid(2, None)).then_refused(Forbidden, "data");
    g
}

fn round2() -> chrono::DateTime<chrono::Utc> {
    on_auction_day("16:25:00")
}

fn round3() -> chrono::DateTime<chrono::Utc> {
    on_auction_day("16:35:00")
}

/// The bids' values after the results, in the order they were placed.
fn values(g: &Live) -> Vec<Option<String>> {
    g.procedure()
        .bids
        .iter()
        .map(|b| b.value.as_ref().map(|v| v.amount.to_string()))
        .collect()
}

#[test]
fn the_auction_runs_on_the_published_schedule_with_the_organizers_steps() {
    let mut g = Live::with_bids(2);
    let events = g.start();
    assert_eq!(
        types(&events),
        ["AuctionStarted", "AuctionLinked", "AuctionScheduled"]
    );
    assert_eq!(g.status(), "active_auction");
    let Some(LiveEvent::Auction(dutch::Event::AuctionScheduled {
        auction_id,
        starting_price,
        minimal_step,
        participants,
        stages,
        ..
    })) = events.last()
    else {
        panic!("{events:?}")
    };
    assert_eq!(auction_id, AUCTION_ID);
    assert_eq!(
        (*starting_price, *minimal_step),
        (amount("1500"), amount("100"))
    );
    let labels: Vec<_> = participants
        .iter()
        .map(|p| (p.bid_id.clone(), p.label.as_str()))
        .collect();
    assert_eq!(labels, [(bid_id(1), "Bidder 1"), (bid_id(2), "Bidder 2")]);
    let steps: Vec<_> = stages.iter().filter(|s| s.kind == "step").collect();
    assert_eq!(steps.len(), STEPS as usize);
    assert_eq!(stages[0].start, auction_start());
    assert_eq!(steps[0].start, on_auction_day("09:38:30"));
    assert_eq!(steps[0].price, Some(amount("1500")));
    assert_eq!(steps[49].price, Some(amount("765")));
    // Round 1 ends when bids close; rounds 2 and 3 follow without a pause.
    assert_eq!(Some(steps[49].end), g.procedure().bids_close());
    assert_eq!(steps[49].end, round1_end());
    let ends: Vec<_> = stages[stages.len() - 2..].iter().map(|s| s.end).collect();
    assert_eq!(ends, [round2_end(), round3_end()]);
    // Its page is linked from the procedure; the engine's timer is next.
    assert_eq!(
        g.state().auction_url.as_deref(),
        Some(format!("/auctions/{PROCEDURE_ID}").as_str())
    );
    assert_eq!(g.next_check(), Some(round1_end()));
}

#[test]
fn v1_p1_outbids_the_sealed_bids_and_wins() {
    let mut g = stopped_by_p1();
    // Round 2: everyone but the Dutch winner, above the stop.
    g.when_at(round2(), bid(2, Some("1200")))
        .then_refused(Invalid, "amount");
    g.when_at(round2(), bid(2, Some("1200.01"))).then_events();
    g.when_at(round2(), bid(1, Some("1300")))
        .then_refused(Forbidden, "data");
    g.bid(2, round2(), Some("1400"));
    g.bid(3, on_auction_day("16:26:00"), Some("1300"));
    assert_eq!(g.next_check(), Some(round2_end()));
    assert_eq!(types(&g.due(round2_end())), ["SealedRoundClosed"]);
    // Round 3: the Dutch winner only, at least 1400 + 100.
    g.when_at(round3(), bid(1, Some("1499.99")))
        .then_refused(Invalid, "amount");
    g.when_at(round3(), bid(2, Some("1600")))
        .then_refused(Forbidden, "data");
    g.bid(1, round3(), Some("1500"));
    assert_eq!(g.status(), "active_auction");
    let events = g.due(round3_end());
    assert_eq!(
        types(&events),
        [
            "FinalRoundClosed",
            "AuctionCompleted",
            "AuctionResultsRecorded",
            "BidsDisclosed",
            "AwardCreated",
            "AwardCreated"
        ]
    );
    let recorded = events.iter().find_map(|event| match event {
        LiveEvent::Procedure(Event::AuctionResultsRecorded {
            results, left_out, ..
        }) => Some((results.clone(), left_out.clone())),
        _ => None,
    });
    let placed = |u, value| Placed {
        bid_id: bid_id(u),
        amount: amount(value),
    };
    assert_eq!(
        recorded,
        Some((
            vec![placed(1, "1500"), placed(2, "1400"), placed(3, "1300")],
            vec![]
        ))
    );
    // P1 pending, P2 waiting, P3 no award.
    assert_eq!(
        g.awards(),
        [(bid_id(1), "pending"), (bid_id(2), "pending_waiting")]
    );
    let winner = &g.procedure().awards[0];
    assert_eq!(winner.value.amount, amount("1500"));
    assert_eq!(winner.value.currency, "UAH");
    assert_eq!(winner.buyers[0].identifier.id, firm(1));
    assert!(winner.verification_period.is_some() && winner.signing_period.is_some());
    assert!(g.procedure().awards[1].signing_period.is_none());
    assert_eq!(
        values(&g),
        [
            Some("1500".into()),
            Some("1400".into()),
            Some("1300".into())
        ]
    );
    assert_eq!(g.status(), "active_qualification");
    assert_eq!(g.procedure().auction_period.end_date, Some(round3_end()));
    assert_eq!(g.next_check(), None);
}

#[test]
fn v2_p1_does_not_outbid_and_waits_behind_p2() {
    let mut g = stopped_by_p1();
    g.bid(2, round2(), Some("1400"));
    // P3 makes no bid in round 2, P1 none in round 3.
    g.due(round2_end());
    assert_eq!(g.status(), "active_auction");
    g.due(round3_end());
    assert_eq!(
        g.awards(),
        [(bid_id(2), "pending"), (bid_id(1), "pending_waiting")]
    );
    let awards = &g.procedure().awards;
    assert_eq!(awards[0].value.amount, amount("1400"));
    assert_eq!(awards[1].value.amount, amount("1200"));
    // P3 took part but never bid: no place in the results, no value (Q17),
    // yet disclosed with the others.
    assert_eq!(values(&g), [Some("1200".into()), Some("1400".into()), None]);
    assert!(
        g.procedure()
            .bids
            .iter()
            .all(|b| b.status == BidStatus::Active)
    );
    let envelope = super::live::LiveSale::public_envelope(g.state()).expect("document");
    assert_eq!(envelope["data"]["bids"].as_array().map(Vec::len), Some(3));
    assert_eq!(g.status(), "active_qualification");
}

#[test]
fn a_single_participant_wins_at_its_stop_when_round_1_ends() {
    let mut g = Live::running(1);
    g.bid(1, step21(), None);
    // AD-7: counted when round 1 ends, since bids may still join.
    assert_eq!(g.next_check(), Some(round1_end()));
    let events = g.due(round1_end());
    assert_eq!(
        types(&events),
        [
            "AuctionCompleted",
            "AuctionResultsRecorded",
            "BidsDisclosed",
            "AwardCreated"
        ]
    );
    assert_eq!(g.awards(), [(bid_id(1), "pending")]);
    let award = &g.procedure().awards[0];
    assert_eq!(award.value.amount, amount("1200"));
    let started =
        |period: &Option<crate::procurement::Period>| period.as_ref().and_then(|p| p.start_date);
    assert_eq!(started(&award.verification_period), Some(round1_end()));
    assert_eq!(started(&award.signing_period), Some(round1_end()));
    assert_eq!(g.procedure().auction_period.end_date, Some(round1_end()));
    assert_eq!(g.status(), "active_qualification");
}

#[test]
fn nobody_stopping_round_1_makes_the_sale_unsuccessful_with_its_bids_sealed() {
    let mut g = Live::running(2);
    assert_eq!(g.next_check(), Some(round1_end()));
    let events = g.due(round1_end());
    assert_eq!(
        events[1..],
        [LiveEvent::Procedure(Event::AuctionFailed {
            reason: Unsuccessful::NoStop,
            at: round1_end(),
        })]
    );
    assert_eq!(types(&events), ["AuctionUnsuccessful", "AuctionFailed"]);
    assert_eq!(g.status(), "unsuccessful");
    assert!(g.procedure().awards.is_empty());
    assert!(!super::live::LiveSale::bids_disclosed(g.state()));
    assert_eq!(g.next_check(), None);
}

#[test]
fn no_participant_at_the_start_makes_the_sale_unsuccessful() {
    // A draft and a withdrawn bid take no part.
    let mut given = vec![created()];
    given.push(bid_event(&bid_id(1), &firm(1), "broker-b", "draft", t0()));
    given.push(bid_submitted(2));
    given.push(Event::BidWithdrawn {
        bid_id: bid_id(2),
        at: t0(),
    });
    let mut g = Live::given(given);
    let events = g.start();
    assert_eq!(
        types(&events),
        ["AuctionStarted", "AuctionLinked", "AuctionScheduled"]
    );
    // The engine finds nobody as soon as the scheduler looks again, at
    // the same moment.
    assert_eq!(g.next_check(), Some(auction_start()));
    let events = g.start();
    assert_eq!(types(&events), ["AuctionUnsuccessful", "AuctionFailed"]);
    assert_eq!(
        events.last(),
        Some(&LiveEvent::Procedure(Event::AuctionFailed {
            reason: Unsuccessful::NoParticipants,
            at: auction_start(),
        }))
    );
    assert_eq!(g.status(), "unsuccessful");
    assert!(!super::live::LiveSale::bids_disclosed(g.state()));
    assert_eq!(g.next_check(), None);
}

#[test]
fn a_participant_bidding_through_two_brokers_keeps_its_first_bid() {
    // Participant 1 bids through broker-b (bid 1) and broker-c (bid 3).
    let twice = bid_event(&bid_id(3), &firm(1), "broker-c", "active", t0());
    let mut g = Live::given(
        [created()]
            .into_iter()
            .chain(bids(2))
            .chain([twice])
            .collect(),
    );
    g.start();
    for u in 1..=3 {
        g.accept_terms(u, on_auction_day("09:38:10"));
    }
    g.bid(1, step21(), None);
    g.bid(3, round2(), Some("1400"));
    g.bid(2, round2(), Some("1300"));
    g.due(round2_end());
    let events = g.due(round3_end());
    let left_out = events.iter().find_map(|event| match event {
        LiveEvent::Procedure(Event::AuctionResultsRecorded {
            results, left_out, ..
        }) => Some((
            results.iter().map(|p| p.bid_id.clone()).collect::<Vec<_>>(),
            left_out.clone(),
        )),
        _ => None,
    });
    assert_eq!(
        left_out,
        Some((vec![bid_id(2), bid_id(1)], vec![bid_id(3)]))
    );
    // The later bid leaves the results: P2 wins, the first bid waits.
    assert_eq!(
        g.awards(),
        [(bid_id(2), "pending"), (bid_id(1), "pending_waiting")]
    );
    let disclosed = events.iter().find_map(|event| match event {
        LiveEvent::Procedure(Event::BidsDisclosed { bids, .. }) => {
            Some(bids.iter().map(|b| b.id.clone()).collect::<Vec<_>>())
        }
        _ => None,
    });
    assert_eq!(disclosed, Some(vec![bid_id(1), bid_id(2)]));
}

#[test]
fn a_sale_whose_results_rank_only_later_bids_is_unsuccessful() {
    // Participant 1's later bid (bid 2, through broker-c) stops round 1,
    // its first one never bids, nobody seals: the auction completes at the
    // end of round 2 with only the later bid ranked.
    let twice = bid_event(&bid_id(2), &firm(1), "broker-c", "active", t0());
    let mut g = Live::given(vec![created(), bid_submitted(1), twice]);
    g.start();
    for u in 1..=2 {
        g.accept_terms(u, on_auction_day("09:38:10"));
    }
    g.bid(2, step21(), None);
    let events = g.due(round2_end());
    assert_eq!(
        types(&events),
        [
            "SealedRoundClosed",
            "AuctionCompleted",
            "AuctionResultsRecorded",
            "BidsDisclosed",
            "ProcedureStatusChanged"
        ]
    );
    assert!(
        events.contains(&LiveEvent::Procedure(Event::AuctionResultsRecorded {
            results: vec![],
            left_out: vec![bid_id(2)],
            at: round2_end(),
        }))
    );
    assert_eq!(g.status(), "unsuccessful");
    assert!(g.procedure().awards.is_empty());
    assert_eq!(g.next_check(), None);
}
