//! The auction module's report: TV-1 (results, the first award, bids
//! opened) and TV-9 (validation).

use super::super::*;
use super::fixtures::*;
use crate::procedures::common::disclosure;
use crate::procurement::RefusalKind;
use crate::testing::{Spec, id};

#[test]
fn tv1_auction_results_open_the_bids_and_award_the_cheapest() {
    let (spec, award_id) = qualification();
    let state = spec.state();
    let tender = state.tender.as_ref().expect("tender");
    assert_eq!(tender.status, TenderStatus::ActiveQualification);
    assert_eq!(
        tender.lots[0]
            .auction_period
            .as_ref()
            .and_then(|p| p.end_date),
        Some(auction_end())
    );
    assert_eq!(
        tender.award_period.as_ref().and_then(|p| p.start_date),
        Some(auction_end())
    );
    let award = &tender.awards[0];
    assert_eq!(award.id, award_id);
    assert_eq!(award.bid_id, id(11));
    assert_eq!(award.value.amount, amount("450"));
    assert_eq!(award.status, AwardStatus::Pending);
    assert_eq!(
        award.period.end_date,
        Some(at("2027-01-23T00:00:00+02:00")),
        "5 working days from Friday 13:00: Mon–Fri of the next week"
    );
    let public = disclosure::public_document::<OpenTender>(state).expect("a document");
    let bids = public["bids"].as_array().expect("bids shown");
    assert_eq!(bids.len(), 3);
    assert_eq!(
        bids[0]["lotValues"][0]["value"]["amount"].as_f64(),
        Some(450.0)
    );
    assert_eq!(
        bids[0]["lotValues"][0]["initialValue"]["amount"].as_f64(),
        Some(500.0)
    );
}

#[test]
fn tv9_auction_results_validation() {
    let mut events = tendering();
    events.extend(three_bids());
    events.push(placed(bid(15, "300", BidStatus::Invalid)));
    events.push(Event::TenderingEnded {
        excluded: Vec::new(),
        outcome: TenderingOutcome::Auction,
        at: tender_end(),
    });
    let spec = Spec::<OpenTender>::given(events).at(auction_end());
    let record = |results| Command::RecordAuction {
        lot_id: lot_id(),
        results,
    };
    let refused = spec
        .when(record(results(&[(11, "450"), (12, "460")])))
        .then_refused(RefusalKind::Invalid, "bids");
    assert_eq!(
        refused.description,
        "Number of auction results did not match the number of tender bids"
    );
    assert!(refused.listed);
    let mut wrong = results(&[(11, "450"), (12, "460"), (13, "455"), (15, "300")]);
    wrong[3].bid_id = Some("00000000000000000000000000000000".into());
    let refused = spec
        .when(record(wrong))
        .then_refused(RefusalKind::Invalid, "bids");
    assert_eq!(
        refused.description,
        "Auction bids should be identical to the tender bids"
    );
    // Positional: ids may be left out.
    let mut positional = results(&[(11, "450"), (12, "460"), (13, "455"), (15, "300")]);
    for result in &mut positional {
        result.bid_id = None;
    }
    let mut spec = spec;
    spec.step(record(positional));
    let refused = spec
        .when(record(results(&[
            (11, "450"),
            (12, "460"),
            (13, "455"),
            (15, "300"),
        ])))
        .then_refused(RefusalKind::Forbidden, "data");
    assert_eq!(
        refused.description,
        "Can't report auction results in current (active.qualification) tender status"
    );
    // The invalid bid is listed without its contents once bids are open.
    let public = disclosure::public_document::<OpenTender>(spec.state()).expect("a document");
    let invalid = &public["bids"][3];
    assert_eq!(invalid["status"], serde_json::json!("invalid"));
    assert!(invalid.get("tenderers").is_none());
    assert!(invalid["lotValues"][0].get("value").is_none());
}

/// Q11: a result above the sealed bid is refused.
#[test]
fn a_result_above_the_sealed_bid_is_refused() {
    Spec::<OpenTender>::given(auction())
        .at(auction_end())
        .when(Command::RecordAuction {
            lot_id: lot_id(),
            results: results(&[(11, "501"), (12, "460"), (13, "455")]),
        })
        .then_refused(RefusalKind::Invalid, "bids");
}
