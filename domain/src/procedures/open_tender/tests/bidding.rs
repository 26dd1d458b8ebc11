//! Bids in `active.tendering`: TV-6 (value rules), TV-11 (signing and
//! invalidation), the tendering window and one bid per tenderer.

use serde_json::json;

use super::super::*;
use super::fixtures::*;
use crate::procurement::RefusalKind;
use crate::testing::{Spec, id};

fn bid_input(scheme: &str, value: serde_json::Value, unit_price: &str) -> BidInput {
    serde_json::from_value(json!({
        "tenderers": [organization(scheme, "12345678")],
        "lotValues": [{"value": value, "relatedLot": lot_id()}],
        "items": [bid_item(unit_price)]
    }))
    .expect("a bid")
}

fn submit(input: BidInput, stage: BidStage) -> Command {
    Command::SubmitBid {
        actor: bidder(1),
        bid: Box::new(input),
        stage,
        token_hash: "bid-token-1".into(),
        transfer_hash: Some("bid-transfer-1".into()),
    }
}

fn during_tendering() -> Spec<OpenTender> {
    Spec::<OpenTender>::given(tendering()).at(at("2027-01-10T10:00:00+02:00"))
}

#[test]
fn tv6_bid_above_the_lot_value_refused() {
    let spec = during_tendering();
    let refused = spec
        .when(submit(
            bid_input("UA-IPN", json!({"amount": 501}), "100.2"),
            BidStage::Submitted,
        ))
        .then_refused(RefusalKind::Invalid, "lotValues");
    assert_eq!(
        refused.description,
        "[{\"value\": [\"value of bid should be less than value of lot\"]}]"
    );
    spec.when(submit(
        bid_input("UA-IPN", json!({"amount": 500}), "100"),
        BidStage::Submitted,
    ))
    .then_events();
    let refused = spec
        .when(submit(
            bid_input("UA-IPN", json!({"amount": 500, "currency": "EUR"}), "100"),
            BidStage::Submitted,
        ))
        .then_refused(RefusalKind::Invalid, "lotValues");
    assert_eq!(
        refused.description,
        "[{\"value\": [\"currency of bid should be identical to currency of value of lot\"]}]"
    );
    let refused = spec
        .when(submit(
            bid_input("UA-IPN", json!({"amount": 500}), "101"),
            BidStage::Submitted,
        ))
        .then_refused(RefusalKind::Invalid, "items");
    assert_eq!(
        refused.description,
        "Total amount of unit values should be equal bid.lotValues.value.amount if VAT is not included in bid.lotValues"
    );
    let unrestricted = Config {
        has_value_restriction: false,
        ..Config::default()
    };
    let mut events = vec![created_with(tender(), unrestricted)];
    events.extend(tendering().into_iter().skip(1));
    Spec::<OpenTender>::given(events)
        .at(at("2027-01-10T10:00:00+02:00"))
        .when(submit(
            bid_input("UA-IPN", json!({"amount": 501}), "100.2"),
            BidStage::Submitted,
        ))
        .then_events();
}

/// B1 (and B2 behind it): bids only in `active.tendering`.
#[test]
fn bids_only_while_the_tender_period_runs() {
    let refused = Spec::<OpenTender>::given(enquiries())
        .at(at("2027-01-02T00:00:00+02:00"))
        .when(submit(
            bid_input("UA-IPN", json!({"amount": 500}), "100"),
            BidStage::Submitted,
        ))
        .then_refused(RefusalKind::Forbidden, "data");
    assert_eq!(
        refused.description,
        "Can't add bid in current (active.enquiries) tender status"
    );
    let refused = Spec::<OpenTender>::given(tendering())
        .at(at("2027-01-15T00:00:01+02:00"))
        .when(submit(
            bid_input("UA-IPN", json!({"amount": 500}), "100"),
            BidStage::Submitted,
        ))
        .then_refused(RefusalKind::Forbidden, "data");
    // Q7: the due end of the tender period is applied first (no bid: the
    // tender is unsuccessful), so the refusal names that status.
    assert_eq!(
        refused.description,
        "Can't add bid in current (unsuccessful) tender status"
    );
}

/// One bid per tenderer through the same broker.
#[test]
fn one_bid_per_tenderer() {
    let mut spec = during_tendering();
    spec.step(submit(
        bid_input("UA-IPN", json!({"amount": 500}), "100"),
        BidStage::Submitted,
    ));
    spec.when(submit(
        bid_input("UA-IPN", json!({"amount": 400}), "80"),
        BidStage::Submitted,
    ))
    .then_refused(RefusalKind::Invalid, "tenderers");
}

fn edit(edit: BidEdit, stage: Option<BidStage>) -> Command {
    Command::EditBid {
        actor: bidder(1),
        bid_id: id(1),
        edit: Box::new(edit),
        stage,
    }
}

fn proposal() -> crate::procurement::DocumentInput {
    document_input("proposal", "Proposal.p7s")
}

#[test]
fn tv11_bid_signing_and_invalidation() {
    let mut spec = during_tendering();
    spec.step(submit(
        bid_input("UA-EDR", json!({"amount": 500}), "100"),
        BidStage::Draft,
    ));
    let refused = spec
        .when(edit(BidEdit::default(), Some(BidStage::Submitted)))
        .then_refused(RefusalKind::Invalid, "documents");
    assert_eq!(
        refused.description,
        "Document with type 'proposal' and format pkcs7-signature is required"
    );
    spec.step(Command::AddDocument {
        actor: bidder(1),
        target: Target::Bid(id(1)),
        document: proposal(),
    });
    let signed_at = at("2027-01-10T10:05:00+02:00");
    spec.set_now(signed_at);
    let submitted = spec.step(edit(BidEdit::default(), Some(BidStage::Submitted)));
    assert!(matches!(
        submitted.as_slice(),
        [Event::BidEdited { status: Some(BidStatus::Pending), at, .. }] if *at == signed_at
    ));
    assert_eq!(
        spec.state().tender.as_ref().expect("tender").bids[0].submission_date,
        Some(signed_at)
    );
    let mut renamed = organization("UA-EDR", "12345678");
    renamed.name = "Нова назва".into();
    spec.set_now(at("2027-01-10T10:10:00+02:00"));
    let changed = spec.step(edit(
        BidEdit {
            tenderers: Some(vec![renamed.into()]),
            ..BidEdit::default()
        },
        None,
    ));
    assert!(matches!(
        changed.as_slice(),
        [Event::BidEdited {
            status: Some(BidStatus::Invalid),
            ..
        }]
    ));
    // The signature is not newer than the submission.
    spec.when(edit(BidEdit::default(), Some(BidStage::Submitted)))
        .then_refused(RefusalKind::Invalid, "documents");
    spec.set_now(at("2027-01-10T10:15:00+02:00"));
    spec.step(Command::AddDocumentVersion {
        actor: bidder(1),
        target: Target::Bid(id(1)),
        document_id: id(2),
        document: proposal(),
    });
    spec.step(edit(BidEdit::default(), Some(BidStage::Submitted)));
    assert_eq!(
        spec.state().tender.as_ref().expect("tender").bids[0].status,
        BidStatus::Pending
    );
    // A UA-IPN tenderer submits without a signature.
    during_tendering()
        .when(submit(
            bid_input("UA-IPN", json!({"amount": 500}), "100"),
            BidStage::Submitted,
        ))
        .then_events();
}

/// B7: one proposal per bid; a new version is not a second one.
#[test]
fn one_proposal_per_bid() {
    let mut spec = during_tendering();
    spec.step(submit(
        bid_input("UA-EDR", json!({"amount": 500}), "100"),
        BidStage::Draft,
    ));
    let add = || Command::AddDocument {
        actor: bidder(1),
        target: Target::Bid(id(1)),
        document: proposal(),
    };
    spec.step(add());
    let refused = spec
        .when(add())
        .then_refused(RefusalKind::Invalid, "documents");
    assert_eq!(
        refused.description,
        "proposal document in bid should be only one"
    );
}

/// B8: a withdrawn bid is gone.
#[test]
fn a_withdrawn_bid_is_removed() {
    let mut spec = during_tendering();
    spec.step(submit(
        bid_input("UA-IPN", json!({"amount": 500}), "100"),
        BidStage::Submitted,
    ));
    spec.step(Command::WithdrawBid {
        actor: bidder(1),
        bid_id: id(1),
    });
    assert!(
        spec.state()
            .tender
            .as_ref()
            .expect("tender")
            .bids
            .is_empty()
    );
}

/// The public event log never shows a sealed bid's contents.
#[test]
fn the_event_log_hides_a_placed_bid() {
    use crate::Published;
    let events = during_tendering()
        .when(submit(
            bid_input("UA-IPN", json!({"amount": 500}), "100"),
            BidStage::Submitted,
        ))
        .then_events();
    let shown = OpenTender::public_event(&events[0]);
    assert!(shown.withheld);
    let bid = shown.data["bid"].as_object().expect("a bid");
    assert!(bid.get("lotValues").is_none());
    assert!(bid.get("tenderers").is_none());
    assert!(shown.data.get("owner").is_none());
    assert!(shown.data.get("token_hash").is_none());
}
