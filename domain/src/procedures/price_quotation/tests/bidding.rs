//! Who may bid, with what, and how often.

use serde_json::{Value as Json, json};

use super::super::*;
use super::fixtures::*;
use crate::procedures::common::disclosure;
use crate::procurement::RefusalKind;
use crate::testing::Spec;

#[test]
fn bids_only_from_shortlisted_firms_within_the_rules() {
    let spec = tendering();
    let outsider = spec
        .when(submit("99999999", 100, answers()))
        .then_refused(RefusalKind::Forbidden, "data");
    assert_eq!(
        outsider.description,
        "Can't add bid if tenderer not in shortlistedFirms"
    );
    spec.when(submit("11111111", 22001, answers()))
        .then_refused(RefusalKind::Invalid, "value");
    let ids = requirement_ids();
    let wrong = json!([
        {"requirement": {"id": ids[0]}, "value": "Таблетки"},
        {"requirement": {"id": ids[1]}, "value": 7},
        {"requirement": {"id": ids[2]}, "values": ["A", "C"]}
    ]);
    let below_min = json!([
        {"requirement": {"id": ids[0]}, "value": "Розчин для інфузій"},
        {"requirement": {"id": ids[1]}, "value": 4},
        {"requirement": {"id": ids[2]}, "values": ["A", "C"]}
    ]);
    let too_many = json!([
        {"requirement": {"id": ids[0]}, "value": "Розчин для інфузій"},
        {"requirement": {"id": ids[1]}, "value": 7},
        {"requirement": {"id": ids[2]}, "values": ["A", "B", "C", "D"]}
    ]);
    let missing = json!([{"requirement": {"id": ids[0]}, "value": "Розчин для інфузій"}]);
    for answers in [wrong, below_min, too_many, missing] {
        spec.when(submit("11111111", 100, answers))
            .then_refused(RefusalKind::Invalid, "requirementResponses");
    }
    spec.when(submit("11111111", 100, answers()))
        .then([bid_submitted("11111111", 100, 7, sept(20, 0))]);
    tendering_with(&[("11111111", 100)])
        .when(submit("11111111", 90, answers()))
        .then_refused(RefusalKind::Invalid, "tenderers");
}

#[test]
fn one_bid_per_tenderer_without_telling_other_brokers_who_has_bid() {
    let spec = tendering_with(&[("11111111", 300)]);
    let first = nth_bid(1);
    // The same broker is told at once: it knows its own bids.
    spec.when(submit("11111111", 280, answers()))
        .then_refused(RefusalKind::Invalid, "tenderers");
    // Another broker is not: its bid is taken, and left out at the end.
    let mut taken = bid_submitted("11111111", 250, 7, sept(20, 0));
    if let Event::BidSubmitted { owner, .. } = &mut taken {
        *owner = "other".into();
    }
    spec.when(submit_via("other", "11111111", 250, answers()))
        .then([taken.clone()]);
    let later = bid_id(7);
    let mut spec = spec
        .and([taken, bid_submitted("22222222", 290, 0x300, sept(20, 0))])
        .at(tender_end())
        .ids_from(11);
    let ended = spec.step(check_due());
    let Event::TenderingEnded {
        award, excluded, ..
    } = &ended[0]
    else {
        panic!("{ended:?}")
    };
    assert_eq!(excluded, std::slice::from_ref(&later));
    let award = award.as_ref().expect("an award");
    assert_ne!(award.bid_id, later, "the excluded bid is not awarded");
    let bid = tender(&spec)
        .bids
        .iter()
        .find(|b| b.id == later)
        .expect("bid");
    assert_eq!(bid.status, BidStatus::Unsuccessful);
    assert!(disclosure::visible_bid(spec.state(), &later, false).is_err());
    assert!(disclosure::visible_bid(spec.state(), &first, false).is_ok());
    assert!(!public_log(&ended).contains("250"));
}

#[test]
fn zero_amounts_and_quantities_are_refused() {
    // A tender item of quantity 0.
    let mut input = tender_input();
    input.items[0].quantity = Some(serde_json::from_value(json!(0)).expect("amount"));
    Spec::<PriceQuotation>::given([])
        .at(sept(20, 0))
        .when(create(input))
        .then_refused(RefusalKind::Invalid, "items.quantity");
    // The same through a draft edit, and a zero tender value.
    let spec = draft();
    let mut items = tender(&spec).items.clone();
    items[0].quantity = Some(serde_json::from_value(json!(0.0)).expect("amount"));
    spec.when(edit(TenderEdit {
        items: Some(items),
        ..TenderEdit::default()
    }))
    .then_refused(RefusalKind::Invalid, "items.quantity");
    spec.when(edit(TenderEdit {
        value: Some(serde_json::from_value(json!({"amount": 0})).expect("money")),
        ..TenderEdit::default()
    }))
    .then_refused(RefusalKind::Invalid, "value.amount");

    // A bid of 0, at submission and by an edit.
    tendering()
        .when(submit("11111111", 0, answers()))
        .then_refused(RefusalKind::Invalid, "value.amount");
    let mut spec = tendering_with(&[("11111111", 100)]);
    let bid_id = nth_bid(1);
    let edit_value = |amount: Json| Command::EditBid {
        actor: bid_owner("11111111"),
        bid_id: bid_id.clone(),
        edit: Box::new(
            serde_json::from_value(json!({"value": {"amount": amount, "currency": "UAH"}}))
                .expect("edit"),
        ),
        stage: None,
    };
    spec.when(edit_value(json!(0)))
        .then_refused(RefusalKind::Invalid, "value.amount");
    // A tiny but positive price is a price, written as a plain decimal.
    spec.step(edit_value(json!(1e-7)));
    let bid = disclosure::visible_bid(spec.state(), &bid_id, true).expect("own bid");
    assert_eq!(
        serde_json::to_string(&bid["value"]["amount"]).expect("json"),
        "0.0000001"
    );
}

#[test]
fn a_bid_keeps_its_transfer_hash_and_dates_its_submission() {
    let spec = tendering().at(sept(21, 0));
    let mut draft = submit("11111111", 200, answers());
    if let Command::SubmitBid {
        stage,
        transfer_hash,
        ..
    } = &mut draft
    {
        *stage = BidStage::Draft;
        *transfer_hash = Some("bid-transfer".into());
    }
    let events = spec.when(draft).then_events();
    let [
        Event::BidSubmitted {
            bid, transfer_hash, ..
        },
    ] = events.as_slice()
    else {
        panic!("{events:?}")
    };
    assert_eq!(transfer_hash.as_deref(), Some("bid-transfer"));
    assert_eq!(bid.submission_date, None, "a draft is not submitted yet");
    let bid_id = bid.id.clone();
    let mut spec = spec.and(events.clone()).at(sept(22, 0));
    spec.step(Command::EditBid {
        actor: bid_owner("11111111"),
        bid_id: bid_id.clone(),
        edit: Box::default(),
        stage: Some(BidStage::Submitted),
    });
    let submitted = tender(&spec).bids.iter().find(|b| b.id == bid_id).cloned();
    assert_eq!(
        submitted.and_then(|b| b.submission_date),
        Some(sept(22, 0)),
        "submitted when it became pending"
    );
}
