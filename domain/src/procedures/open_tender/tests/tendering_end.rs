//! The automatic transitions of the tender period: TV-1 (start and end),
//! TV-2 (one bid skips the auction), TV-3 (no bids), and what is sealed.

use super::super::*;
use super::fixtures::*;
use crate::procedures::common::disclosure;
use crate::testing::{Spec, id};

#[test]
fn tv1_the_tender_period_starts_and_ends_into_the_auction() {
    let start = at("2027-01-08T00:00:00+02:00");
    Spec::<OpenTender>::given(enquiries())
        .at(start - chrono::TimeDelta::seconds(1))
        .when(Command::CheckDue)
        .then_nothing();
    Spec::<OpenTender>::given(enquiries())
        .at(start)
        .when(Command::CheckDue)
        .then([Event::TenderingStarted { at: start }]);
    let spec = Spec::<OpenTender>::given(tendering()).and(three_bids());
    assert_eq!(next_check(spec.state()), Some(tender_end()));
    let spec = spec.at(tender_end());
    spec.when(Command::CheckDue).then([Event::TenderingEnded {
        excluded: Vec::new(),
        outcome: TenderingOutcome::Auction,
        at: tender_end(),
    }]);
    let state = spec.when(Command::CheckDue).then_state();
    let tender = state.tender.as_ref().expect("tender");
    assert_eq!(tender.status, TenderStatus::ActiveAuction);
    assert!(tender.bids.iter().all(|b| b.status == BidStatus::Active));
    assert!(tender.bids.iter().all(|b| {
        b.lot_values[0].status == LotValueStatus::Active
            && b.lot_values[0].initial_value == Some(b.lot_values[0].value.clone())
    }));
    // Still sealed during the auction.
    let public = disclosure::public_document::<OpenTender>(&state).expect("a document");
    assert!(public.get("bids").is_none());
    // A second tick decides nothing.
    let mut later = Spec::<OpenTender>::given(spec.history().to_vec()).at(tender_end());
    later.step(Command::CheckDue);
    later.when(Command::CheckDue).then_nothing();
}

/// TV-2: one pending bid and a draft: the draft is deleted, no auction,
/// an award for the one bid, and the bid is opened.
#[test]
fn tv2_one_bid_skips_the_auction() {
    let spec = Spec::<OpenTender>::given(tendering())
        .and([
            placed(bid(11, "500", BidStatus::Pending)),
            placed(bid(14, "400", BidStatus::Draft)),
        ])
        .at(tender_end())
        .ids_from(30);
    let events = spec.when(Command::CheckDue).then_events();
    let [
        Event::TenderingEnded {
            outcome: TenderingOutcome::Qualification { award },
            ..
        },
        Event::BidsDisclosed { bids, .. },
    ] = events.as_slice()
    else {
        panic!("not ended into qualification: {events:?}");
    };
    assert_eq!(award.bid_id, id(11));
    assert_eq!(award.status, AwardStatus::Pending);
    assert_eq!(award.lot_id, lot_id());
    assert_eq!(bids.len(), 1);
    let state = spec.when(Command::CheckDue).then_state();
    let tender = state.tender.as_ref().expect("tender");
    assert_eq!(tender.status, TenderStatus::ActiveQualification);
    assert!(tender.lots[0].auction_period.is_none());
    assert_eq!(tender.bids.len(), 1);
    assert_eq!(tender.bids[0].status, BidStatus::Active);
    let public = disclosure::public_document::<OpenTender>(&state).expect("a document");
    assert_eq!(public["bids"][0]["id"], serde_json::json!(id(11)));
}

/// TV-3: only a draft (or an invalid bid): `unsuccessful`, nothing due.
#[test]
fn tv3_no_bids_makes_the_tender_unsuccessful() {
    for history in [
        vec![placed(bid(14, "400", BidStatus::Draft))],
        vec![placed(bid(15, "400", BidStatus::Invalid))],
        vec![],
    ] {
        let spec = Spec::<OpenTender>::given(tendering())
            .and(history)
            .at(tender_end());
        let events = spec.when(Command::CheckDue).then_events();
        assert!(
            matches!(
                events.as_slice(),
                [Event::TenderingEnded {
                    outcome: TenderingOutcome::Unsuccessful,
                    ..
                }]
            ),
            "{events:?}"
        );
        let state = spec.when(Command::CheckDue).then_state();
        let tender = state.tender.as_ref().expect("tender");
        assert_eq!(tender.status, TenderStatus::Unsuccessful);
        assert_eq!(tender.lots[0].status, LotStatus::Unsuccessful);
        assert!(tender.lots[0].auction_period.is_none());
        assert!(tender.bids.iter().all(|b| b.status != BidStatus::Draft));
        if let Some(invalid) = tender.bids.first() {
            assert_eq!(invalid.status, BidStatus::Invalid);
        }
        assert_eq!(next_check(&state), None);
        let public = disclosure::public_document::<OpenTender>(&state).expect("a document");
        assert!(public.get("bids").is_none());
    }
}

/// With `hasAuction` false two bids go straight to qualification.
#[test]
fn without_an_auction_two_bids_go_to_qualification() {
    let config = Config {
        has_auction: false,
        ..Config::default()
    };
    let mut no_auction = tender();
    no_auction.lots[0].auction_period = None;
    no_auction.lots[0].minimal_step = None;
    let mut events = vec![created_with(no_auction, config)];
    events.extend(tendering().into_iter().skip(1));
    events.extend(three_bids());
    let state = Spec::<OpenTender>::given(events)
        .at(tender_end())
        .when(Command::CheckDue)
        .then_state();
    let tender = state.tender.as_ref().expect("tender");
    assert_eq!(tender.status, TenderStatus::ActiveQualification);
    assert_eq!(tender.awards[0].bid_id, id(13), "the cheapest, 490");
}

/// A tenderer's later bid through a second broker takes no part.
#[test]
fn a_second_bid_of_the_same_tenderer_is_excluded_at_the_end() {
    let mut twin = bid(12, "400", BidStatus::Pending);
    twin.tenderers = bid(11, "500", BidStatus::Pending).tenderers;
    let events = Spec::<OpenTender>::given(tendering())
        .and([placed(bid(11, "500", BidStatus::Pending)), placed(twin)])
        .at(tender_end())
        .when(Command::CheckDue)
        .then_events();
    let [
        Event::TenderingEnded {
            excluded,
            outcome: TenderingOutcome::Qualification { award },
            ..
        },
        _,
    ] = events.as_slice()
    else {
        panic!("{events:?}");
    };
    assert_eq!(excluded, &vec![id(12)]);
    assert_eq!(award.bid_id, id(11));
}
