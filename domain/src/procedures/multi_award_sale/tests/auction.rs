//! The auction's results: who may post them, the ranking they lead to and
//! the initial allocation.

use chrono::Duration;
use serde_json::json;

use super::super::*;
use super::fixtures::*;
use super::sale::Sale;
use crate::procurement::RefusalKind::{Forbidden, Invalid};

#[test]
fn tv_d1_ranking_tie_break_by_auction_raise_time() {
    let mut g = Sale::new(1000, 100, 100);
    let x = g.place(json!(100), json!(150));
    let y = g.place(json!(100), json!(120));
    let z = g.place(json!(100), json!(110));
    g.auction_running();
    let start = g.now();
    g.set_now(start + Duration::minutes(10));
    let events = g.apply(Command::RecordAuctionResults {
        actor: auction(),
        results: vec![
            AuctionResult {
                bid_id: y.clone(),
                value: "150".parse().expect("amount"),
                date: start + Duration::minutes(5),
            },
            AuctionResult {
                bid_id: z.clone(),
                value: "150".parse().expect("amount"),
                date: start + Duration::minutes(3),
            },
            AuctionResult {
                bid_id: x.clone(),
                value: "150".parse().expect("amount"),
                // Ignored: X was not raised, its dateModified counts.
                date: start + Duration::minutes(1),
            },
        ],
    });
    let order: Vec<String> = created_awards(&events)
        .into_iter()
        .map(|(bid, ..)| bid)
        .collect();
    assert_eq!(order, [x.as_str(), z.as_str(), y.as_str()]);
    let order: Vec<&str> = g
        .procedure()
        .awards
        .iter()
        .map(|a| a.bid_id.as_str())
        .collect();
    assert_eq!(order, [x.as_str(), z.as_str(), y.as_str()]);
}

#[test]
fn tv_d2_two_non_updaters_tie_on_date_modified() {
    let mut g = Sale::new(1000, 100, 100);
    let a = g.place(json!(100), json!(150));
    let b = g.place(json!(100), json!(150));
    // A is changed later than B: its dateModified is now the later one.
    g.apply(Command::EditBid {
        actor: g.bid_owner(1),
        bid_id: a.clone(),
        edit: Box::new(BidEdit {
            quantity: Some("110".parse().expect("amount")),
            ..BidEdit::default()
        }),
        stage: None,
    });
    g.end_tendering();
    let events = g.auction_unraised();
    let order: Vec<String> = created_awards(&events)
        .into_iter()
        .map(|(bid, ..)| bid)
        .collect();
    assert_eq!(order, [b.as_str(), a.as_str()]);
    let order: Vec<&str> = g
        .procedure()
        .awards
        .iter()
        .map(|a| a.bid_id.as_str())
        .collect();
    assert_eq!(order, [b.as_str(), a.as_str()]);
}

#[test]
fn tv_d3_no_skipping_at_allocation() {
    let mut g = Sale::new(1000, 100, 100);
    for (quantity, price) in [(700, 130), (400, 120), (200, 110)] {
        g.place(json!(quantity), json!(price));
    }
    g.auction_running();
    let events = g.auction_unraised();
    assert_eq!(
        created_awards(&events),
        [
            (bid_id(1), "pending", d(700)),
            (bid_id(2), "pending_waiting", d(400)),
            (bid_id(3), "pending_waiting", d(200)),
        ]
    );
    assert_eq!(
        g.awards(),
        ["pending", "pending_waiting", "pending_waiting"]
    );
    assert_eq!(g.allocation(), [d(700), d(0), d(0)]);
    assert_eq!(g.remainder(), d(300));
}

#[test]
fn auction_results_only_from_the_auction_service_and_complete() {
    let mut g = Sale::new(1000, 100, 100);
    let a = g.place(json!(300), json!(120));
    let b = g.place(json!(400), json!(110));
    let result = |bid: &str, value: &str, date| AuctionResult {
        bid_id: bid.to_owned(),
        value: value.parse().expect("amount"),
        date,
    };
    let record = |actor, results| Command::RecordAuctionResults { actor, results };
    // Not yet: still tendering.
    g.when(record(auction(), vec![]))
        .then_refused(Forbidden, "data");
    g.auction_running();
    let now = g.now();
    let full = vec![result(&a, "120", now), result(&b, "130", now)];
    g.when(record(owner(), full.clone()))
        .then_refused(Forbidden, "permission");
    g.when(record(auction(), vec![result(&a, "120", now)]))
        .then_refused(Invalid, "bids");
    g.when(record(
        auction(),
        vec![result(&a, "120", now), result(&a, "120", now)],
    ))
    .then_refused(Invalid, "bids.id");
    g.when(record(
        auction(),
        vec![result(&a, "119", now), result(&b, "130", now)],
    ))
    .then_refused(Invalid, "bids.value.amount");
    g.when(record(
        auction(),
        vec![
            result(&a, "120", now),
            result(&b, "130", now + Duration::hours(1)),
        ],
    ))
    .then_refused(Invalid, "bids.date");
    g.apply(record(auction(), full));
    // B raised to 130 now ranks first.
    assert_eq!(g.procedure().awards[0].bid_id, b);
    assert_eq!(
        g.procedure().bids[1]
            .initial_value_amount
            .map(|a| a.decimal()),
        Some(d(110))
    );
}
