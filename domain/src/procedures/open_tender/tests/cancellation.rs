//! Cancelling the tender: TV-8 (during tendering the bids are removed, not
//! disclosed) and TV-14 (not in `active.auction` nor `draft`).

use super::super::*;
use super::fixtures::*;
use crate::Published;
use crate::procedures::common::disclosure;
use crate::procurement::RefusalKind;
use crate::testing::{Spec, id};

fn request() -> Command {
    Command::RequestCancellation {
        actor: owner(),
        cancellation: CancellationInput {
            reason: "cancellation reason".into(),
            reason_type: "noDemand".into(),
            related_lot: None,
            status: None,
        },
    }
}

#[test]
fn tv8_cancellation_during_tendering_removes_the_bids() {
    let mut spec = Spec::<OpenTender>::given(tendering())
        .and([
            placed(bid(11, "500", BidStatus::Pending)),
            placed(bid(12, "499", BidStatus::Pending)),
        ])
        .at(at("2027-01-12T10:00:00+02:00"));
    let events = spec.step(request());
    let [Event::CancellationRequested { cancellation }] = events.as_slice() else {
        panic!("{events:?}");
    };
    assert_eq!(cancellation.status, CancellationStatus::Draft);
    let cancellation_id = id(1);
    let activate = || Command::ActivateCancellation {
        actor: owner(),
        cancellation_id: cancellation_id.clone(),
    };
    let refused = spec
        .when(activate())
        .then_refused(RefusalKind::Invalid, "documents");
    assert_eq!(
        refused.description,
        "Document with type 'cancellationReport' and format pkcs7-signature is required"
    );
    spec.step(Command::AddDocument {
        actor: owner(),
        target: Target::Cancellation(cancellation_id.clone()),
        document: document_input("cancellationReport", "sign.p7s"),
    });
    let events = spec.step(activate());
    assert!(matches!(
        events.as_slice(),
        [Event::CancellationActivated { purged: true, .. }]
    ));
    let state = spec.state();
    let tender = state.tender.as_ref().expect("tender");
    assert_eq!(tender.status, TenderStatus::Cancelled);
    assert!(tender.bids.is_empty());
    assert!(tender.lots[0].auction_period.is_none());
    assert_eq!(next_check(state), None);
    let public = disclosure::public_document::<OpenTender>(state).expect("a document");
    assert!(public.get("bids").is_none());
    let refused =
        OpenTender::visible_bid(state, &id(11), Some("bid-token-11")).expect_err("the bid is gone");
    assert_eq!(
        (refused.kind, refused.name.as_str()),
        (RefusalKind::NotFound, "bid_id")
    );
    let refused = spec
        .when(request())
        .then_refused(RefusalKind::Forbidden, "data");
    assert_eq!(
        refused.description,
        "Can't perform cancellation in current (cancelled) tender status"
    );
}

#[test]
fn tv14_cancellation_forbidden_during_the_auction_and_in_draft() {
    let refused = Spec::<OpenTender>::given(auction())
        .at(auction_end())
        .when(request())
        .then_refused(RefusalKind::Forbidden, "data");
    assert_eq!(
        refused.description,
        "Can't perform cancellation in current (active.auction) tender status"
    );
    let refused = Spec::<OpenTender>::given(draft())
        .at(at("2027-01-01T01:00:00+02:00"))
        .when(request())
        .then_refused(RefusalKind::Forbidden, "data");
    assert_eq!(
        refused.description,
        "Can't perform cancellation in current (draft) tender status"
    );
}

/// Spec §13: a lot cancellation is refused, saying that it is deferred.
#[test]
fn a_lot_cancellation_is_refused_as_deferred() {
    let refused = Spec::<OpenTender>::given(enquiries())
        .at(at("2027-01-02T00:00:00+02:00"))
        .when(Command::RequestCancellation {
            actor: owner(),
            cancellation: CancellationInput {
                reason: "r".into(),
                reason_type: "noDemand".into(),
                related_lot: Some(lot_id()),
                status: None,
            },
        })
        .then_refused(RefusalKind::Invalid, "relatedLot");
    assert_eq!(refused.description, decide::LOT_CANCELLATION_DEFERRED);
}

/// After the bids were opened, a cancellation keeps them (they are public).
#[test]
fn a_cancellation_after_the_auction_keeps_the_opened_bids() {
    let (mut spec, _) = qualification();
    spec.step(request());
    let cancellation_id = spec.state().tender.as_ref().expect("tender").cancellations[0]
        .id
        .clone();
    spec.step(Command::AddDocument {
        actor: owner(),
        target: Target::Cancellation(cancellation_id.clone()),
        document: document_input("cancellationReport", "sign.p7s"),
    });
    let events = spec.step(Command::ActivateCancellation {
        actor: owner(),
        cancellation_id,
    });
    assert!(matches!(
        events.as_slice(),
        [Event::CancellationActivated { purged: false, .. }]
    ));
    let public = disclosure::public_document::<OpenTender>(spec.state()).expect("a document");
    assert_eq!(public["bids"].as_array().map(Vec::len), Some(3));
}
