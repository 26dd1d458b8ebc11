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

fn urls(body: serde_json::Value) -> Command {
    super::super::wire::auction_urls(lot_id(), serde_json::from_value(body).expect("parses"))
}

fn participation(n: u64) -> serde_json::Value {
    serde_json::json!({"id": id(n), "lotValues": [{"relatedLot": lot_id(),
        "participationUrl": format!("http://auction/{}?key_for_bid={}", lot_id(), id(n))}]})
}

/// TV-9's URL rules, and the URLs kept from everyone but each bid's owner.
#[test]
fn tv9_auction_urls() {
    use crate::Published;
    let spec = Spec::<OpenTender>::given(auction()).at(auction_end());
    let lots = serde_json::json!([{"id": lot_id(), "auctionUrl": "http://auction/L"}]);
    let refused = spec
        .when(urls(serde_json::json!({"lots": lots, "bids": [
            participation(11), participation(12), {}
        ]})))
        .then_refused(RefusalKind::Invalid, "bids");
    assert_eq!(
        refused.description,
        "All bids must receive participationUrl, or none must."
    );
    let refused = spec
        .when(urls(serde_json::json!({"lots": lots, "bids": [
            participation(11), participation(12), {"lotValues": [{"relatedLot": lot_id()}]}
        ]})))
        .then_refused(RefusalKind::Invalid, "bids");
    assert!(
        refused
            .description
            .contains("Auction participation url required")
    );
    let refused = spec
        .when(urls(
            serde_json::json!({"lots": lots, "bids": [participation(11)]}),
        ))
        .then_refused(RefusalKind::Invalid, "bids");
    assert_eq!(
        refused.description,
        "Number of auction results did not match the number of tender bids"
    );
    let refused = super::super::wire::auction_urls_without_lot();
    assert!(
        refused
            .description
            .contains("url should be posted for each lot of bid")
    );
    let events = spec
        .when(urls(serde_json::json!({"lots": lots, "bids": [
            participation(11), participation(12), participation(13)
        ]})))
        .then_events();
    let shown = OpenTender::public_event(&events[0]);
    assert!(shown.withheld);
    assert!(shown.data.get("participation_urls").is_none());
    assert_eq!(
        shown.data["auction_url"],
        serde_json::json!("http://auction/L")
    );
    let state = spec
        .when(urls(serde_json::json!({"lots": lots, "bids": [
            participation(11), participation(12), participation(13)
        ]})))
        .then_state();
    let own = OpenTender::visible_bid(&state, &id(11), Some("bid-token-11")).expect("own bid");
    assert!(own["lotValues"][0]["participationUrl"].is_string());
    assert!(OpenTender::visible_bid(&state, &id(11), Some("bid-token-12")).is_err());
    let refused = Spec::<OpenTender>::given(tendering())
        .at(at("2027-01-10T00:00:00+02:00"))
        .when(urls(serde_json::json!({"lots": lots, "bids": []})))
        .then_refused(RefusalKind::Forbidden, "data");
    assert_eq!(
        refused.description,
        "Can't update auction urls in current (active.tendering) tender status"
    );
}

/// Once the bids are open, a participation URL is still only its owner's.
#[test]
fn participation_urls_stay_private_after_disclosure() {
    let mut spec = Spec::<OpenTender>::given(auction()).at(auction_end());
    let lots = serde_json::json!([{"id": lot_id(), "auctionUrl": "http://auction/L"}]);
    spec.step(urls(serde_json::json!({"lots": lots, "bids": [
        participation(11), participation(12), participation(13)
    ]})));
    spec.step(Command::RecordAuction {
        lot_id: lot_id(),
        results: results(&[(11, "450"), (12, "460"), (13, "455")]),
    });
    let public = disclosure::public_document::<OpenTender>(spec.state()).expect("a document");
    assert!(
        public["bids"][0]["lotValues"][0]
            .get("participationUrl")
            .is_none()
    );
    let shown =
        <OpenTender as crate::Published>::visible_bid(spec.state(), &id(11), None).expect("open");
    assert!(shown["lotValues"][0].get("participationUrl").is_none());
}

/// `BidsDisclosed` carries no auction URL into the public log.
#[test]
fn the_disclosure_event_carries_no_participation_url() {
    let mut spec = Spec::<OpenTender>::given(auction()).at(auction_end());
    let lots = serde_json::json!([{"id": lot_id(), "auctionUrl": "http://auction/L"}]);
    spec.step(urls(serde_json::json!({"lots": lots, "bids": [
        participation(11), participation(12), participation(13)
    ]})));
    let events = spec.step(Command::RecordAuction {
        lot_id: lot_id(),
        results: results(&[(11, "450"), (12, "460"), (13, "455")]),
    });
    let Some(Event::BidsDisclosed { bids, .. }) = events.last() else {
        panic!("{events:?}");
    };
    assert!(
        bids.iter()
            .all(|b| b.lot_values[0].participation_url.is_none())
    );
}
