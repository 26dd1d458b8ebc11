//! The requests as intents (`wire.rs`): TV-9's parse errors, §4.2's status
//! choices, B3/B4, and TV-7's `qualified` through the award PATCH.

use serde_json::json;

use super::super::wire::{self, AuctionResults};
use super::super::*;
use super::fixtures::*;
use crate::procedures::Requests;
use crate::procurement::RefusalKind;
use crate::testing::{Spec, id};

#[test]
fn tv9_a_malformed_bid_id_or_a_rogue_field_is_refused() {
    let body: AuctionResults = serde_json::from_value(json!({
        "bids": [{"id": "some_id", "lotValues": [{"value": {"amount": 1}}]}]
    }))
    .expect("parses");
    let refused = wire::auction_results(lot_id(), body).expect_err("a malformed id");
    assert_eq!(
        (refused.name.as_str(), refused.description.as_str()),
        ("bids", "[{\"id\": [\"Hash value is wrong length.\"]}]")
    );
    let rogue = serde_json::from_value::<AuctionResults>(json!({"bids": [{"invalid_field": "x"}]}));
    assert!(rogue.is_err(), "unknown fields do not parse");
}

/// TV-1 through the wire: the report's amounts, positional or by id.
#[test]
fn auction_results_read_the_lot_value_of_the_lot() {
    let body: AuctionResults = serde_json::from_value(json!({"bids": [
        {"id": id(11), "lotValues": [{"relatedLot": lot_id(), "value": {"amount": 450}}]},
        {"id": id(12), "lotValues": [{"value": {"amount": 460}}]},
        {"lotValues": [{"relatedLot": lot_id(), "value": {"amount": 455}}]}
    ]}))
    .expect("parses");
    let command = wire::auction_results(lot_id(), body).expect("a command");
    let state = Spec::<OpenTender>::given(auction())
        .at(auction_end())
        .when(command)
        .then_state();
    let tender = state.tender.as_ref().expect("tender");
    assert_eq!(tender.status, TenderStatus::ActiveQualification);
    assert_eq!(tender.awards[0].bid_id, id(11));
}

#[test]
fn tender_patch_status_choices() {
    let patch = |status: &str| {
        serde_json::from_value::<TenderEdit>(json!({ "status": status })).expect("an edit")
    };
    for status in ["active.tendering", "active.pre-qualification"] {
        let refused = wire::tender_patch(owner(), patch(status), AuctionSlot(0))
            .expect_err("not an owner's status");
        assert_eq!(refused.name, "status");
        assert_eq!(
            refused.description,
            "Value must be one of ['draft', 'active.enquiries', 'active.pre-qualification', 'active.pre-qualification.stand-still']."
        );
        assert!(refused.listed);
    }
    let back_to_draft =
        wire::tender_patch(owner(), patch("draft"), AuctionSlot(0)).expect("parses");
    let refused = Spec::<OpenTender>::given(enquiries())
        .at(at("2027-01-02T00:00:00+02:00"))
        .when(back_to_draft)
        .then_refused(RefusalKind::Invalid, "status");
    assert_eq!(refused.description, "Can't change status to draft");
    let activate =
        wire::tender_patch(owner(), patch("active.enquiries"), AuctionSlot(0)).expect("parses");
    assert!(matches!(activate, Command::Activate { .. }));
}

#[test]
fn bid_statuses_on_the_wire() {
    let input = |status: &str| {
        serde_json::from_value::<BidInput>(json!({
            "tenderers": [organization("UA-IPN", "1")], "status": status
        }))
        .expect("a bid")
    };
    let refused = OpenTender::new_bid(bidder(1), input("active"), "t".into())
        .expect_err("only draft or pending");
    assert_eq!(
        (
            refused.kind,
            refused.name.as_str(),
            refused.description.as_str()
        ),
        (
            RefusalKind::Forbidden,
            "bid",
            "Bid can be added only with status: ('draft', 'pending')"
        )
    );
    let refused = OpenTender::bid_patch(
        bidder(1),
        id(1),
        serde_json::from_value(json!({"status": "active"})).expect("an edit"),
    )
    .expect_err("only pending");
    assert_eq!(refused.description, "Can't update bid to (active) status");
}

/// TV-7: `{"status": "unsuccessful"}` without `qualified` is the model
/// error; `active` on an unsuccessful award, with `qualified`, the status
/// refusal.
#[test]
fn tv7_award_patch_through_the_wire() {
    let (spec, w1) = qualification();
    let command = OpenTender::award_patch(
        owner(),
        w1.clone(),
        serde_json::from_value(json!({"status": "unsuccessful"})).expect("an edit"),
    )
    .expect("parses");
    spec.when(command)
        .then_refused(RefusalKind::Invalid, "qualified");
    let refused = OpenTender::contract_patch(owner(), id(1), wire::ContractEdit::default())
        .expect_err("contracting signs");
    assert_eq!(refused.description, wire::CONTRACT_PATCH_DEFERRED);
}
