//! Bids while the tender period runs, and what its end leads to.

use chrono::Duration;
use serde_json::json;

use super::super::*;
use super::fixtures::*;
use super::sale::Sale;
use crate::procedures::Requests;
use crate::procurement::RefusalKind::{Forbidden, Invalid};
use crate::testing::{Spec, event_types};

#[test]
fn no_bids_makes_the_procedure_unsuccessful() {
    let spec = sale(1000, 200, 100);
    // Nothing is due before the end.
    spec.when(Command::CheckDue).then_nothing();
    let ended = [
        tendering_ended(&[]),
        Event::ProcedureStatusChanged {
            status: ProcedureStatus::Unsuccessful,
            at: tender_end(),
        },
    ];
    let spec = spec.at(tender_end());
    spec.when(Command::CheckDue).then(ended.clone());
    let spec = spec.and(ended);
    assert_eq!(next_check(spec.state()), None);
    spec.when(Command::CheckDue).then_nothing();
}

#[test]
fn one_bid_goes_to_qualification_without_an_auction() {
    let mut g = Sale::new(1000, 200, 100);
    g.place(json!(300), json!(120));
    let events = g.end_tendering();
    assert_eq!(
        event_types(&events),
        [
            "TenderingEnded",
            "QualificationStarted",
            "BidsDisclosed",
            "AwardCreated"
        ]
    );
    assert_eq!(g.status(), "active_qualification");
    assert_eq!(g.awards(), ["pending"]);
    assert!(g.procedure().auction_period.is_none());
    let period = g.procedure().qualification_period.clone().expect("period");
    // Q7: from the tender period's end; 20 business days later.
    assert_eq!(period.start_date, Some(tender_end()));
    assert_eq!(
        period.end_date.map(crate::time::format_kyiv),
        Some("2024-04-01T12:00:00+03:00".to_owned())
    );
    g.when(Command::CheckDue).then_nothing();
}

#[test]
fn one_bid_is_unsuccessful_when_two_are_required() {
    let mut created = sale_created(1000, 200, 100);
    if let Event::ProcedureCreated { procedure, .. } = &mut created {
        procedure.min_number_of_qualified_bids = 2;
    }
    let spec = Spec::<MultiAwardSale>::given([created])
        .and(bids_placed(&[(300, 120)]))
        .at(tender_end());
    let ended = [
        tendering_ended(&[1]),
        Event::ProcedureStatusChanged {
            status: ProcedureStatus::Unsuccessful,
            at: tender_end(),
        },
    ];
    spec.when(Command::CheckDue).then(ended.clone());
    let spec = spec.and(ended);
    let procedure = spec.state().procedure.as_ref().expect("procedure");
    assert_eq!(procedure.status, ProcedureStatus::Unsuccessful);
    assert!(procedure.awards.is_empty());
}

#[test]
fn two_bids_start_the_auction() {
    let mut g = Sale::new(1000, 200, 100);
    g.place(json!(300), json!(120));
    g.place(json!(400), json!(110));
    g.set_now(tender_end());
    g.when(Command::CheckDue)
        .then([tendering_ended(&[1, 2]), auction_started()]);
    g.end_tendering();
    assert_eq!(g.status(), "active_auction");
    assert_eq!(
        g.procedure()
            .auction_period
            .as_ref()
            .and_then(|p| p.start_date),
        Some(tender_end())
    );
    assert_eq!(next_check(g.state()), None, "the auction module is next");
    let events = g.auction_unraised();
    assert_eq!(
        event_types(&events),
        [
            "AuctionResultsRecorded",
            "QualificationStarted",
            "BidsDisclosed",
            "AwardCreated",
            "AwardCreated"
        ]
    );
    assert_eq!(g.status(), "active_qualification");
    let procedure = g.procedure();
    assert_eq!(
        procedure
            .qualification_period
            .as_ref()
            .and_then(|p| p.start_date),
        procedure.auction_period.as_ref().and_then(|p| p.end_date)
    );
    assert_eq!(
        procedure.bids[0].initial_value_amount,
        Some(procedure.bids[0].value.amount)
    );
}

#[test]
fn tv_d8_bid_validation() {
    // A bid is recorded as the given bids of these specs are.
    let placed_at = t0() + Duration::minutes(1);
    sale(1000, 200, 100)
        .at(placed_at)
        .ids_from(bid_id_number(1))
        .when(bid_command(&firm(1), json!(300), json!(120)))
        .then([bid_submitted(1, json!(300), json!(120), placed_at)]);
    let g = sale(1000, 200, 100);
    g.when(bid_command("1", json!(500), json!(99)))
        .then_refused(Invalid, "value");
    g.when(bid_command("2", json!(500), json!(100)))
        .then_events();
    g.when(bid_command("3", json!(199), json!(100)))
        .then_refused(Invalid, "quantity");
    g.when(bid_command("4", json!(200), json!(100)))
        .then_events();
    g.when(bid_command("5", json!(1000), json!(100)))
        .then_events();
    g.when(bid_command("6", json!(1001), json!(100)))
        .then_refused(Invalid, "quantity");
    // Decimals are exact: 199.99 < 200.
    g.when(bid_command("7", json!(199.99), json!(100)))
        .then_refused(Invalid, "quantity");
    g.when(bid_command("8", json!(999.999), json!(100.01)))
        .then_events();
}

#[test]
fn bid_validations_name_the_field() {
    let mut g = Sale::new(1000, 200, 100);
    g.place(json!(300), json!(120));
    // A second bid by the same bidder.
    g.when(bid_command(&g.firms[0].clone(), json!(300), json!(130)))
        .then_refused(Invalid, "bidders");
    // Another currency.
    let Command::SubmitBid {
        actor,
        mut bid,
        token_hash,
        ..
    } = bid_command("77777777", json!(300), json!(130))
    else {
        unreachable!()
    };
    let submit = |bid: &BidInput| {
        MultiAwardSale::new_bid(actor.clone(), bid.clone(), token_hash.clone()).expect("a bid body")
    };
    bid.value.currency = "USD".into();
    g.when(submit(&bid)).then_refused(Invalid, "value");
    // Two bidders; an incomplete bidder.
    bid.value.currency = "UAH".into();
    let mut two = bid.clone();
    two.bidders.push(two.bidders[0].clone());
    g.when(submit(&two)).then_refused(Invalid, "bidders");
    let mut incomplete = bid.clone();
    incomplete.bidders[0].contact_point = None;
    g.when(submit(&incomplete))
        .then_refused(Invalid, "bidders.contactPoint");
    // A draft may be incomplete, but can't be activated so.
    incomplete.status = Some("draft".into());
    g.apply(submit(&incomplete));
    let draft = g.procedure().bids[1].id.clone();
    g.when(Command::EditBid {
        actor: bidder_actor("77777777"),
        bid_id: draft,
        edit: Box::default(),
        stage: Some(BidStage::Submitted),
    })
    .then_refused(Invalid, "bidders.contactPoint");
    // Editing a bid out of bounds.
    let first = g.bids[0].clone();
    g.when(Command::EditBid {
        actor: g.bid_owner(1),
        bid_id: first.clone(),
        edit: Box::new(BidEdit {
            quantity: Some("100".parse().expect("amount")),
            ..BidEdit::default()
        }),
        stage: None,
    })
    .then_refused(Invalid, "quantity");
    // Someone else's bid.
    g.when(Command::EditBid {
        actor: bidder_actor("99999999"),
        bid_id: first,
        edit: Box::new(BidEdit::default()),
        stage: None,
    })
    .then_refused(Forbidden, "permission");
}

#[test]
fn bids_after_the_tender_period_are_refused() {
    let mut g = Sale::new(1000, 200, 100);
    g.place(json!(300), json!(120));
    g.set_now(tender_end());
    // Before the scheduler ran.
    g.when(bid_command("2", json!(300), json!(120)))
        .then_refused(Forbidden, "data");
    g.apply(Command::CheckDue);
    g.when(bid_command("2", json!(300), json!(120)))
        .then_refused(Forbidden, "data");
    g.when(Command::WithdrawBid {
        actor: g.bid_owner(1),
        bid_id: g.bids[0].clone(),
    })
    .then_refused(Forbidden, "data");
}

#[test]
fn withdrawn_bids_do_not_take_part() {
    let mut g = Sale::new(1000, 200, 100);
    g.place(json!(300), json!(120));
    g.place(json!(300), json!(130));
    let withdrawn = g.apply(Command::WithdrawBid {
        actor: g.bid_owner(2),
        bid_id: g.bids[1].clone(),
    });
    assert_eq!(event_types(&withdrawn), ["BidWithdrawn"]);
    // The same bidder may bid again after withdrawing.
    g.when(bid_command(&g.firms[1].clone(), json!(300), json!(130)))
        .then_events();
    g.end_tendering();
    assert_eq!(g.status(), "active_qualification", "one bid left");
    assert_eq!(g.procedure().awards.len(), 1);
}
