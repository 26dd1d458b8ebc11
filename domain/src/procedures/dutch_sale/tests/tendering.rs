//! Applications: one per participant, with no price, placed until round 1
//! ends (AD-3) and joining the running auction when placed or activated
//! during round 1; changed and withdrawn only while `active_tendering`.

use chrono::Duration;
use serde_json::json;

use super::super::*;
use super::fixtures::*;
use super::live::{Live, LiveEvent, types};
use crate::auction::dutch;
use crate::procurement::RefusalKind::{Forbidden, Invalid};

fn withdraw(u: usize) -> Command {
    Command::WithdrawBid {
        actor: bidder(u),
        bid_id: bid_id(u),
    }
}

fn activate(u: usize) -> Command {
    Command::EditBid {
        actor: bidder(u),
        bid_id: bid_id(u),
        edit: Box::default(),
        stage: Some(BidStage::Submitted),
    }
}

fn change_bidder(u: usize, to: &str) -> Command {
    Command::EditBid {
        actor: bidder(u),
        bid_id: bid_id(u),
        edit: Box::new(BidEdit {
            bidders: Some(vec![
                serde_json::from_value(organization(to)).expect("organization"),
            ]),
            status: None,
        }),
        stage: None,
    }
}

#[test]
fn a_bid_carries_one_bidder_and_no_price() {
    published().when(bid_command(1)).then([bid_event(
        &crate::testing::id(2),
        &firm(1),
        "broker-b",
        "active",
        t0(),
    )]);
    // The auction finds the price: a bid with one is no bid.
    let priced = json!({"bidders": [organization(&firm(1))], "value": {"amount": 1500}});
    let error = serde_json::from_value::<BidInput>(priced).expect_err("no value");
    assert!(error.to_string().contains("value"), "{error}");
    // Exactly one bidder.
    let Command::SubmitBid { mut bid, .. } = bid_command(1) else {
        unreachable!()
    };
    let other = serde_json::from_value(organization(&firm(2))).expect("organization");
    bid.bidders.push(other);
    let two = Command::SubmitBid {
        actor: Actor::broker("broker-b", None),
        bid,
        stage: BidStage::Submitted,
        token_hash: token(&firm(1)),
    };
    published().when(two).then_refused(Invalid, "bidders");
    // A submitted bid needs the bidder's full details; a draft may wait.
    let mut incomplete = organization(&firm(1));
    incomplete["contactPoint"]["email"] = json!(null);
    let body = json!({"bidders": [incomplete]});
    let submit = |stage| Command::SubmitBid {
        actor: Actor::broker("broker-b", None),
        bid: Box::new(serde_json::from_value(body.clone()).expect("bid")),
        stage,
        token_hash: token(&firm(1)),
    };
    published()
        .when(submit(BidStage::Submitted))
        .then_refused(Invalid, "bidders.contactPoint.email");
    let state = published().when(submit(BidStage::Draft)).then_state();
    assert_eq!(procedure(&state).bids[0].status, BidStatus::Draft);
    // Only a platform bids.
    let Command::SubmitBid { bid, .. } = bid_command(1) else {
        unreachable!()
    };
    published()
        .when(Command::SubmitBid {
            actor: auction_service(),
            bid,
            stage: BidStage::Submitted,
            token_hash: "t".into(),
        })
        .then_refused(Forbidden, "permission");
}

#[test]
fn one_bid_per_participant_through_the_same_broker() {
    let g = published().and(bids(1));
    let refusal = g.when(bid_command(1)).then_refused(Invalid, "bidders");
    assert!(refusal.description.contains("only one bid"), "{refusal}");
    // Another participant through the same broker is welcome.
    g.when(bid_command(2)).then_events();
    // Through another broker the bid is taken: nothing may tell that
    // broker who has bid; the results resolve it (auction.rs).
    g.when(bid_via(
        &firm(1),
        "broker-c",
        "token-c",
        BidStage::Submitted,
    ))
    .then_events();
    // Withdrawn, the first bid no longer counts.
    let events = g.when(withdraw(1)).then_events();
    let withdrawn = g.and(events);
    withdrawn.when(bid_command(1)).then_events();
    // Nor may a bid be changed to a participant the broker bids for.
    let two = published().and(bids(2));
    two.when(change_bidder(2, &firm(1)))
        .then_refused(Invalid, "bidders");
}

#[test]
fn bids_change_and_are_withdrawn_only_while_active_tendering() {
    let g = published().and(bids(2));
    let events = g.when(change_bidder(1, "77777777")).then_events();
    assert!(matches!(
        &events[..],
        [Event::BidEdited {
            bidders: Some(_),
            ..
        }]
    ));
    g.when(Command::EditBid {
        actor: bidder(1),
        bid_id: bid_id(1),
        edit: Box::default(),
        stage: Some(BidStage::Draft),
    })
    .then_refused(Invalid, "status");
    g.when(withdraw(1)).then([Event::BidWithdrawn {
        bid_id: bid_id(1),
        at: t0(),
    }]);
    // Only with the bid's own token.
    g.when(Command::WithdrawBid {
        actor: bidder(2),
        bid_id: bid_id(1),
    })
    .then_refused(Forbidden, "permission");
    // Once the auction runs, a bid stays as it is.
    let running = auction_running(2);
    let refusal = running.when(withdraw(1)).then_refused(Forbidden, "data");
    assert!(refusal.description.contains("active_auction"), "{refusal}");
    running
        .when(change_bidder(1, "77777777"))
        .then_refused(Forbidden, "data");
}

#[test]
fn drafts_cannot_be_placed_during_the_auction() {
    let draft = || bid_via(&firm(3), "broker-b", &token(&firm(3)), BidStage::Draft);
    let state = published().when(draft()).then_state();
    assert_eq!(procedure(&state).bids[0].status, BidStatus::Draft);
    auction_running(2)
        .when(draft())
        .then_refused(Invalid, "status");
    auction_running(2).when(bid_command(3)).then_events();
}

#[test]
fn bids_after_round_1_are_refused() {
    let just_before = round1_end() - Duration::seconds(1);
    auction_running(2)
        .at(just_before)
        .when(bid_command(3))
        .then_events();
    let refusal = auction_running(2)
        .at(round1_end())
        .when(bid_command(3))
        .then_refused(Forbidden, "data");
    assert!(
        refusal.description.contains("tendering period"),
        "{refusal}"
    );
    // A draft can no longer be activated either.
    let with_draft = published()
        .and(bids(2))
        .and([bid_event(&bid_id(3), &firm(3), "broker-b", "draft", t0())])
        .and([auction_started()])
        .at(round1_end());
    with_draft.when(activate(3)).then_refused(Forbidden, "data");
    // And none is taken once qualification has begun.
    qualification()
        .when(bid_command(4))
        .then_refused(Forbidden, "data");
}

fn joined(events: &[LiveEvent]) -> Vec<(String, String)> {
    events
        .iter()
        .filter_map(|event| match event {
            LiveEvent::Auction(dutch::Event::ParticipantJoined { participant, .. }) => {
                Some((participant.bid_id.clone(), participant.label.clone()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_bid_placed_during_round_1_joins_the_running_auction_at_once() {
    let mut g = Live::with_bids(2);
    g.start();
    let events = g.procedure_command(on_auction_day("10:00:00"), bid_command(3));
    assert_eq!(types(&events), ["BidSubmitted", "ParticipantJoined"]);
    let LiveEvent::Procedure(Event::BidSubmitted { bid, .. }) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(joined(&events), [(bid.id.clone(), "Bidder 3".to_owned())]);
    // The newcomer answers the terms and stops round 1 like anyone else.
    let late = bid.id.clone();
    let participate = |request| crate::auction::auctioned::Command::Participate(request);
    g.at(
        on_auction_day("10:01:00"),
        participate(crate::auction::Participation::Terms {
            bid_id: late.clone(),
            accepted: true,
        }),
    );
    let events = g.at(
        step21(),
        participate(crate::auction::Participation::Bid {
            bid_id: late.clone(),
            amount: None,
        }),
    );
    assert!(
        matches!(&events[..], [LiveEvent::Auction(dutch::Event::DutchStopped { bid_id, step: 21, .. })] if *bid_id == late),
        "{events:?}"
    );
}

#[test]
fn a_draft_activated_during_round_1_joins_the_running_auction() {
    let draft = bid_event(&bid_id(3), &firm(3), "broker-b", "draft", t0());
    let mut given = vec![created()];
    given.extend(bids(2));
    given.push(draft);
    let mut g = Live::given(given);
    let events = g.start();
    // The draft takes no part when the auction is set up.
    let scheduled: Vec<String> = events
        .iter()
        .find_map(|event| match event {
            LiveEvent::Auction(dutch::Event::AuctionScheduled { participants, .. }) => {
                Some(participants.iter().map(|p| p.bid_id.clone()).collect())
            }
            _ => None,
        })
        .expect("scheduled");
    assert_eq!(scheduled, [bid_id(1), bid_id(2)]);
    let events = g.procedure_command(on_auction_day("11:00:00"), activate(3));
    assert_eq!(types(&events), ["BidEdited", "ParticipantJoined"]);
    assert_eq!(joined(&events), [(bid_id(3), "Bidder 3".to_owned())]);
    // A bid that joined late still brings its documents (AD-1); another
    // command does not join it twice.
    let events = g.procedure_command(
        on_auction_day("11:05:00"),
        Command::AddDocument {
            actor: bidder(3),
            target: Target::Bid(bid_id(3)),
            document: document("eligibilityDocuments"),
        },
    );
    assert_eq!(types(&events), ["DocumentAdded"]);
}
