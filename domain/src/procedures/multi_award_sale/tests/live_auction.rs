//! The sale with its auction run by the CDB (`Auctioned` with the ascending
//! turn-based engine): the auction is set up in the decision that ends the
//! tender period, bidders raise their prices per unit in their turns, and
//! the auction's end records the results and starts qualification in the
//! same decision, so TV-B1's allocation is reached by bidding.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::super::*;
use super::fixtures::*;
use super::sale::Sale;
use crate::auction::auctioned::{self, Participation};
use crate::auction::{AuctionEngine, Auctioned, TurnBased};
use crate::procurement::{Amount, RefusalKind};
use crate::testing::{Spec, event_types};

type LiveSale = Auctioned<MultiAwardSale, TurnBased>;
type LiveEvent = auctioned::Event<Event, crate::auction::turn_based::Event>;

/// A sale of 1000 units, minimal part 200, 100 per unit, with `bids`
/// (quantity, price) placed, at the end of its tender period.
fn at_tender_end(bids: &[(i64, i64)]) -> Spec<LiveSale> {
    let mut sale = Sale::new(1000, 200, 100);
    for &(quantity, price) in bids {
        sale.place(json!(quantity), json!(price));
    }
    Spec::given(sale.history().iter().cloned().map(LiveEvent::Procedure))
        .at(tender_end())
        .ids_from(sale.next_id())
}

fn amount(text: &str) -> Amount {
    text.parse().expect("amount")
}

fn procedure(g: &Spec<LiveSale>) -> &Procedure {
    g.state().procedure.procedure.as_ref().expect("procedure")
}

/// Bids `target` for each bidder in its first turn that allows it.
fn bid_in_turns(g: &mut Spec<LiveSale>, targets: &[(String, Amount)]) {
    let turns: Vec<DateTime<Utc>> = TurnBased::stages(&g.state().auction)
        .iter()
        .filter(|stage| stage.kind == "turn")
        .map(|stage| stage.start + Duration::seconds(10))
        .collect();
    let mut done = vec![false; targets.len()];
    for at in turns {
        g.set_now(at);
        for (i, (bid_id, target)) in targets.iter().enumerate() {
            let view = TurnBased::participant_view(&g.state().auction, bid_id, at);
            let open = view.and_then(|view| view.allowed).is_some();
            if open && !done[i] {
                g.step(auctioned::Command::Participate(Participation::Bid {
                    bid_id: bid_id.clone(),
                    amount: Some(*target),
                }));
                done[i] = true;
            }
        }
    }
    assert!(done.iter().all(|d| *d), "every bidder got a turn");
}

#[test]
fn the_tender_period_end_sets_the_auction_up_in_the_same_decision() {
    let g = at_tender_end(&[(200, 100), (300, 100), (400, 100)]);
    let events = g.when(auctioned::Command::Due).then_events();
    let types = event_types(&events);
    assert_eq!(
        types[..4],
        [
            "TenderingEnded",
            "AuctionStarted",
            "AuctionLinked",
            "AuctionScheduled"
        ]
    );
    let mut g = g;
    g.record(events);
    let envelope = <LiveSale as crate::Published>::public_envelope(g.state()).expect("public");
    assert_eq!(
        envelope["data"]["auctionUrl"],
        json!(format!("/auctions/{}", procedure(&g).id))
    );
    assert_eq!(envelope["data"]["status"], "active_auction");
}

#[test]
fn tv_b1_reached_by_bidding_in_the_auction() {
    let mut g = at_tender_end(&[(200, 100), (300, 100), (400, 100)]);
    g.step(auctioned::Command::Due);
    let bids: Vec<String> = procedure(&g).bids.iter().map(|b| b.id.clone()).collect();
    bid_in_turns(
        &mut g,
        &[
            (bids[0].clone(), amount("120")),
            (bids[1].clone(), amount("110")),
        ],
    );
    assert_eq!(procedure(&g).status, ProcedureStatus::ActiveAuction);

    let end = TurnBased::stages(&g.state().auction)
        .last()
        .expect("stages")
        .end;
    g.set_now(end);
    let events = g.step(auctioned::Command::Due);
    let types = event_types(&events);
    let finished = types.iter().position(|t| *t == "AuctionFinished");
    let recorded = types.iter().position(|t| *t == "AuctionResultsRecorded");
    assert!(
        finished < recorded && finished.is_some(),
        "the auction's end and its results are one decision: {types:?}"
    );

    let sale = procedure(&g);
    assert_eq!(sale.status, ProcedureStatus::ActiveQualification);
    let awards: Vec<(&str, &str, String)> = sale
        .awards
        .iter()
        .map(|a| {
            let bid = sale.bids.iter().find(|b| b.id == a.bid_id).expect("bid");
            (
                a.bid_id.as_str(),
                a.status.as_str(),
                bid.value.amount.to_string(),
            )
        })
        .collect();
    assert_eq!(
        awards,
        [
            (bids[0].as_str(), "pending", "120".to_owned()),
            (bids[1].as_str(), "pending", "110".to_owned()),
            (bids[2].as_str(), "pending", "100".to_owned()),
        ]
    );
    assert!(<LiveSale as crate::Scheduled>::next_check(g.state()) != Some(end));
}

#[test]
fn a_bid_outside_the_bidders_turn_is_refused_by_the_engine() {
    let mut g = at_tender_end(&[(200, 100), (300, 100)]);
    g.step(auctioned::Command::Due);
    let bid = procedure(&g).bids[0].id.clone();
    g.when(auctioned::Command::Participate(Participation::Bid {
        bid_id: bid,
        amount: Some(amount("150")),
    }))
    .then_refused(RefusalKind::Forbidden, "data");
}

#[test]
fn cancelling_the_sale_cancels_its_running_auction() {
    let mut g = at_tender_end(&[(200, 100), (300, 100)]);
    g.step(auctioned::Command::Due);
    g.set_now(tender_end() + Duration::minutes(6));
    let events = g.step(auctioned::Command::Procedure(cancel()));
    let types = event_types(&events);
    assert!(types.contains(&"AuctionCancelled"), "{types:?}");
    assert_eq!(procedure(&g).status, ProcedureStatus::Cancelled);
    assert_eq!(<LiveSale as crate::Scheduled>::next_check(g.state()), None);
}

#[test]
fn a_single_bid_skips_the_auction() {
    let mut g = at_tender_end(&[(200, 100)]);
    let events = g.step(auctioned::Command::Due);
    let types = event_types(&events);
    assert!(!types.contains(&"AuctionScheduled"), "{types:?}");
    assert_eq!(procedure(&g).status, ProcedureStatus::ActiveQualification);
}
