//! What the public sees of the bids, and when.

use serde_json::json;

use super::super::*;
use super::fixtures::*;
use crate::procedures::common::disclosure;
use crate::testing::id;

#[test]
fn bids_are_sealed_during_tendering() {
    let spec = tendering_with(&[("11111111", 100)]);
    let bid_id = nth_bid(1);
    let document = disclosure::public_document::<PriceQuotation>(spec.state()).expect("document");
    assert!(document.get("bids").is_none());
    let text = document.to_string();
    assert!(!text.contains(&bid_id), "the bid is not listed");
    assert!(!text.contains("\"amount\":100.0"), "its value is not shown");
    assert!(disclosure::visible_bid(spec.state(), &bid_id, false).is_err());
    assert!(disclosure::visible_bid(spec.state(), &bid_id, true).is_ok());
}

#[test]
fn bids_of_a_tender_cancelled_during_tendering_stay_sealed_for_ever() {
    let cancellation = id(7);
    let spec = tendering_with(&[("11111111", 187)]).and([
        cancellation_requested(&cancellation, sept(20, 0)),
        cancellation_details_added(&cancellation, &id(8), sept(20, 0)),
        Event::CancellationActivated {
            cancellation_id: cancellation.clone(),
            at: sept(20, 0),
        },
    ]);
    let bid_id = nth_bid(1);
    assert_eq!(tender(&spec).status, TenderStatus::Cancelled);
    assert!(!disclosure::bids_disclosed(spec.state()));
    let document = disclosure::public_document::<PriceQuotation>(spec.state()).expect("document");
    assert!(document.get("bids").is_none(), "{document}");
    assert!(!document.to_string().contains("187"), "{document}");
    assert!(disclosure::visible_bid(spec.state(), &bid_id, false).is_err());
    // Even after the end of the tender period nothing opens them.
    spec.at(sept(30, 0)).when(check_due()).then_nothing();
}

#[test]
fn withdrawn_bids_and_earlier_prices_are_never_public() {
    let mut spec = tendering_with(&[("11111111", 17301), ("22222222", 17302)]);
    let kept = nth_bid(1);
    let withdrawn = nth_bid(2);
    let mut log = Vec::new();
    log.extend(
        spec.step(Command::EditBid {
            actor: bid_owner("11111111"),
            bid_id: kept.clone(),
            edit: Box::new(BidEdit {
                value: Some(
                    serde_json::from_value(
                        json!({"amount": 17299, "currency": "UAH", "valueAddedTaxIncluded": false}),
                    )
                    .expect("money"),
                ),
                ..BidEdit::default()
            }),
            stage: None,
        }),
    );
    log.extend(spec.step(Command::WithdrawBid {
        actor: bid_owner("22222222"),
        bid_id: withdrawn.clone(),
    }));
    spec.set_now(tender_end());
    let ended = spec.step(check_due());
    let opened = ended
        .iter()
        .find(|event| matches!(event, Event::BidsDisclosed { .. }))
        .map(disclosure::public_event)
        .expect("bids disclosed");
    assert!(!opened.withheld);
    assert_eq!(opened.data["bids"].as_array().map(Vec::len), Some(1));
    assert_eq!(opened.data["bids"][0]["value"]["amount"], json!(17299.0));
    log.extend(ended);
    let public = public_log(&log)
        + &disclosure::public_document::<PriceQuotation>(spec.state())
            .expect("doc")
            .to_string();
    assert!(public.contains("17299"), "the final price is disclosed");
    assert!(
        !public.contains("17301"),
        "the price before the edit: {public}"
    );
    assert!(
        !public.contains("17302"),
        "the withdrawn bid's price: {public}"
    );
    assert!(
        !opened.data.to_string().contains(&withdrawn),
        "the withdrawn bid is not among the disclosed"
    );
    assert!(disclosure::visible_bid(spec.state(), &withdrawn, false).is_err());
}
