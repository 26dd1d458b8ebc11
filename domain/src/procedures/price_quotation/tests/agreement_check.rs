//! The bidders checked in the agreement again when the tender period ends.

use serde_json::json;

use super::super::catalogue::{Agreement, AgreementContract};
use super::super::*;
use super::fixtures::*;
use crate::procedures::common::disclosure;
use crate::procurement::RefusalKind;
use crate::testing::event_types;

/// [`good_agreement`] with `firm`'s contract in `status` (the others stay
/// `active`).
fn agreement_with(firm: &str, status: &str) -> Agreement {
    let contract = |firm: &str, status: &str| AgreementContract {
        status: status.into(),
        suppliers: vec![supplier(firm)],
    };
    let mut agreement = good_agreement();
    agreement.contracts = ["11111111", "22222222", "33333333"]
        .into_iter()
        .map(|listed| {
            let status = if listed == firm { status } else { "active" };
            contract(listed, status)
        })
        .collect();
    agreement
}

fn check_due_with(agreement: Agreement) -> Command {
    Command::CheckDue {
        agreement: Some(agreement),
    }
}

fn status_of(spec: &crate::testing::Spec<PriceQuotation>, bid_id: &str) -> BidStatus {
    tender(spec)
        .bids
        .iter()
        .find(|bid| bid.id == bid_id)
        .map(|bid| bid.status)
        .expect("the bid")
}

#[test]
fn a_bid_of_a_supplier_disqualified_meanwhile_becomes_invalid() {
    let mut spec = tendering_with(&[
        ("11111111", 17301),
        ("22222222", 17202),
        ("33333333", 17253),
    ])
    .at(tender_end());
    let disqualified = nth_bid(2);
    let ended = spec.step(check_due_with(agreement_with("22222222", "terminated")));
    assert_eq!(event_types(&ended), ["TenderingEnded", "BidsDisclosed"]);
    let Event::TenderingEnded {
        award,
        invalid,
        excluded,
        ..
    } = &ended[0]
    else {
        panic!("{ended:?}")
    };
    assert_eq!(invalid, std::slice::from_ref(&disqualified));
    assert!(excluded.is_empty());
    assert_eq!(
        award.as_ref().map(|award| award.bid_id.clone()),
        Some(nth_bid(3)),
        "the lowest price among the valid bids, not the invalid one's"
    );
    let Event::BidsDisclosed { bids, .. } = &ended[1] else {
        panic!("{ended:?}")
    };
    let opened: Vec<&str> = bids.iter().map(|bid| bid.id.as_str()).collect();
    assert_eq!(
        opened,
        [nth_bid(1), nth_bid(3)],
        "the invalid bid stays sealed"
    );

    assert_eq!(status_of(&spec, &disqualified), BidStatus::Invalid);
    assert_eq!(status_of(&spec, &nth_bid(1)), BidStatus::Active);
    assert_eq!(status_of(&spec, &nth_bid(3)), BidStatus::Active);

    // Listed by its id and status only, as the reference lists it.
    let document = disclosure::public_document::<PriceQuotation>(spec.state()).expect("document");
    let listed = document["bids"].as_array().expect("bids");
    assert_eq!(listed.len(), 3);
    assert_eq!(
        listed[1],
        json!({"id": disqualified, "status": "invalid"}),
        "{document}"
    );
    let public = document.to_string() + &public_log(&ended);
    assert!(
        !public.contains("17202"),
        "the invalid bid's price: {public}"
    );
    assert!(disclosure::visible_bid(spec.state(), &disqualified, false).is_err());
    assert!(disclosure::visible_bid(spec.state(), &disqualified, true).is_ok());

    // Nor is it awarded further down the ranking.
    let first = tender(&spec).awards[0].id.clone();
    let rejected = signed_decision(&mut spec, &first, "unsuccessful", false);
    let [
        Event::AwardRejected {
            next_award: Some(next),
            ..
        },
    ] = rejected.as_slice()
    else {
        panic!("{rejected:?}")
    };
    assert_eq!(next.bid_id, nth_bid(1));
    let second = next.id.clone();
    let rejected = signed_decision(&mut spec, &second, "unsuccessful", false);
    assert!(
        matches!(
            rejected.as_slice(),
            [Event::AwardRejected {
                next_award: None,
                ..
            }]
        ),
        "{rejected:?}"
    );
}

#[test]
fn only_an_active_contract_keeps_a_supplier_qualified() {
    for status in ["suspended", "terminated", "pending"] {
        let spec = tendering_with(&[("11111111", 300), ("22222222", 200)]).at(tender_end());
        let ended = spec
            .when(check_due_with(agreement_with("11111111", status)))
            .then_events();
        let Event::TenderingEnded { invalid, .. } = &ended[0] else {
            panic!("{ended:?}")
        };
        assert_eq!(invalid, &[nth_bid(1)], "a contract {status}");
    }
    // No longer listed at all.
    let mut agreement = good_agreement();
    agreement.contracts[0]
        .suppliers
        .retain(|listed| listed["identifier"]["id"] != "22222222");
    let spec = tendering_with(&[("11111111", 300), ("22222222", 200)]).at(tender_end());
    let ended = spec.when(check_due_with(agreement)).then_events();
    let Event::TenderingEnded { invalid, award, .. } = &ended[0] else {
        panic!("{ended:?}")
    };
    assert_eq!(invalid, &[nth_bid(2)]);
    assert_eq!(award.as_ref().map(|a| a.bid_id.clone()), Some(nth_bid(1)));
}

#[test]
fn bids_of_suppliers_still_active_all_take_part() {
    let spec = tendering_with(&[("11111111", 300), ("22222222", 200)]).at(tender_end());
    let ended = spec.when(check_due()).then_events();
    let Event::TenderingEnded {
        invalid, excluded, ..
    } = &ended[0]
    else {
        panic!("{ended:?}")
    };
    assert!(invalid.is_empty() && excluded.is_empty());
    let Event::BidsDisclosed { bids, .. } = &ended[1] else {
        panic!("{ended:?}")
    };
    assert_eq!(bids.len(), 2);
}

#[test]
fn a_tender_left_without_valid_bids_is_unsuccessful_with_its_bids_sealed() {
    let spec = tendering_with(&[("11111111", 17777)]).at(tender_end());
    let ended = Event::TenderingEnded {
        award: None,
        invalid: vec![nth_bid(1)],
        excluded: vec![],
        at: tender_end(),
    };
    spec.when(check_due_with(agreement_with("11111111", "terminated")))
        .then([ended.clone()]);
    let spec = spec.and([ended]);
    assert_eq!(tender(&spec).status, TenderStatus::Unsuccessful);
    assert_eq!(status_of(&spec, &nth_bid(1)), BidStatus::Invalid);
    assert!(!disclosure::bids_disclosed(spec.state()));
    let document = disclosure::public_document::<PriceQuotation>(spec.state()).expect("document");
    assert!(document.get("bids").is_none(), "{document}");
    assert!(!document.to_string().contains("17777"), "{document}");
}

#[test]
fn the_invalid_check_comes_before_one_bid_per_tenderer() {
    // The tenderer bid through two brokers and was disqualified: both of its
    // bids are invalid, neither is merely excluded.
    let mut later = bid_submitted("11111111", 250, 0x300, sept(20, 0));
    if let Event::BidSubmitted { owner, .. } = &mut later {
        *owner = "other".into();
    }
    let spec = tendering_with(&[("11111111", 300), ("22222222", 200)])
        .and([later])
        .at(tender_end());
    let ended = spec
        .when(check_due_with(agreement_with("11111111", "terminated")))
        .then_events();
    let Event::TenderingEnded {
        invalid, excluded, ..
    } = &ended[0]
    else {
        panic!("{ended:?}")
    };
    assert_eq!(invalid, &[nth_bid(1), nth_bid(3)]);
    assert!(excluded.is_empty());
}

#[test]
fn without_the_agreement_a_due_end_is_refused_and_nothing_changes() {
    let spec = tendering_with(&[("11111111", 300)]);
    // Not due yet: nothing needs the agreement.
    spec.when(Command::CheckDue { agreement: None })
        .then_nothing();
    assert_eq!(agreement_to_check(spec.state()), Some(AGREEMENT));
    let spec = spec.at(tender_end());
    spec.when(Command::CheckDue { agreement: None })
        .then_refused(RefusalKind::Conflict, "agreement");
    let mut another = good_agreement();
    another.id = "0123456789abcdef0123456789abcdef".into();
    spec.when(check_due_with(another))
        .then_refused(RefusalKind::Conflict, "agreement");
    assert_eq!(tender(&spec).status, TenderStatus::ActiveTendering);

    let ended = spec.when(check_due()).then_events();
    let spec = spec.and(ended);
    assert_eq!(
        agreement_to_check(spec.state()),
        None,
        "nothing left to check"
    );
    spec.when(Command::CheckDue { agreement: None })
        .then_nothing();
}

#[test]
fn an_end_recorded_before_the_check_still_loads() {
    let ended = recorded(
        "TenderingEnded",
        json!({"award": null, "excluded": [nth_bid(1)], "at": "2023-10-04T01:00:00+03:00"}),
    );
    let Event::TenderingEnded {
        invalid, excluded, ..
    } = &ended
    else {
        panic!("{ended:?}")
    };
    assert!(invalid.is_empty());
    assert_eq!(excluded, &[nth_bid(1)]);
    let spec = tendering_with(&[("11111111", 300)]).and([ended]);
    assert_eq!(status_of(&spec, &nth_bid(1)), BidStatus::Unsuccessful);
    assert_eq!(tender(&spec).status, TenderStatus::Unsuccessful);
    // And one with the check keeps its field through a round trip.
    crate::testing::assert_round_trip(&Event::TenderingEnded {
        award: None,
        invalid: vec![nth_bid(1)],
        excluded: vec![],
        at: tender_end(),
    });
}
