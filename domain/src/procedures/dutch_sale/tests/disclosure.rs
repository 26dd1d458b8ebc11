//! What the public sees of the bids, and when: sealed while they are taken
//! and while the auction runs, disclosed with their values when the
//! results are recorded, sealed for ever when the sale ends before.

use serde_json::json;

use super::super::*;
use super::fixtures::*;
use super::live::{Live, LiveEvent, LiveSale, types};
use crate::Published;

/// The envelope everyone reads shows no bid and names no bidder.
#[track_caller]
fn sealed<P: Published>(state: &P::State) {
    let envelope = P::public_envelope(state).expect("document");
    assert!(envelope["data"].get("bids").is_none(), "{envelope}");
    let text = envelope.to_string();
    for u in 1..=3 {
        assert!(!text.contains(&firm(u)), "bidder {u} leaked: {text}");
    }
    assert!(!P::bids_disclosed(state));
}

#[test]
fn bids_are_sealed_until_the_results_and_disclosed_with_their_values() {
    let mut g = Live::with_bids(2);
    sealed::<LiveSale>(g.state());
    sealed::<DutchSale>(&g.state().procedure);
    // Nobody but its owner sees a sealed bid.
    assert!(LiveSale::visible_bid(g.state(), &bid_id(1), None).is_err());
    assert!(LiveSale::visible_bid(g.state(), &bid_id(1), Some(&token(&firm(2)))).is_err());
    let own = LiveSale::visible_bid(g.state(), &bid_id(1), Some(&token(&firm(1)))).expect("own");
    assert_eq!(own["bidders"][0]["identifier"]["id"], json!(firm(1)));
    g.start();
    for u in 1..=2 {
        g.accept_terms(u, on_auction_day("09:38:10"));
    }
    let envelope = LiveSale::public_envelope(g.state()).expect("document");
    assert_eq!(envelope["data"]["status"], json!("active_auction"));
    assert_eq!(
        envelope["data"]["auctionUrl"],
        json!(format!("/auctions/{PROCEDURE_ID}"))
    );
    sealed::<LiveSale>(g.state());
    g.bid(1, step21(), None);
    g.bid(2, on_auction_day("16:25:00"), Some("1400"));
    g.due(round2_end());
    sealed::<LiveSale>(g.state());
    let events = g.due(round3_end());
    assert!(LiveSale::bids_disclosed(g.state()));
    let envelope = LiveSale::public_envelope(g.state()).expect("document");
    let bids = envelope["data"]["bids"].as_array().expect("bids");
    let shown: Vec<_> = bids
        .iter()
        .map(|b| {
            (
                b["bidders"][0]["identifier"]["id"].clone(),
                b["value"]["amount"].clone(),
                b["value"]["currency"].clone(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            (json!(firm(1)), json!(1200.0), json!("UAH")),
            (json!(firm(2)), json!(1400.0), json!("UAH")),
        ]
    );
    // The auction's protocol is among the documents once it has ended.
    let documents = envelope["data"]["documents"].as_array().expect("documents");
    assert!(
        documents
            .iter()
            .any(|d| d["title"] == json!(format!("audit_{PROCEDURE_ID}.json"))),
        "{documents:?}"
    );
    // Anyone may now read a bid.
    let theirs = LiveSale::visible_bid(g.state(), &bid_id(2), None).expect("disclosed");
    assert_eq!(theirs["value"]["amount"], json!(1400.0));
    // In the log the disclosure shows the bids at their values.
    let opened = events
        .iter()
        .find(|event| matches!(event, LiveEvent::Procedure(Event::BidsDisclosed { .. })))
        .map(LiveSale::public_event)
        .expect("bids disclosed with the results");
    assert!(!opened.withheld);
    assert_eq!(opened.data["bids"][1]["value"]["amount"], json!(1400.0));
    assert_eq!(
        opened.data["bids"][0]["bidders"][0]["identifier"]["id"],
        json!(firm(1))
    );
}

#[test]
fn the_public_log_withholds_bid_contents_and_the_auctions_events() {
    let submitted = LiveEvent::Procedure(bid_submitted(1));
    let shown = LiveSale::public_event(&submitted);
    assert!(shown.withheld);
    let text = shown.data.to_string();
    assert!(shown.data.get("token_hash").is_none(), "{text}");
    assert!(shown.data.get("owner").is_none(), "{text}");
    assert!(!text.contains(&firm(1)), "{text}");
    assert_eq!(shown.data["bid"]["id"], json!(bid_id(1)));
    // A bid's document and a change of its bidder are sealed too.
    let mut g = published().and(bids(1));
    let events = g.step(Command::EditBid {
        actor: bidder(1),
        bid_id: bid_id(1),
        edit: Box::new(BidEdit {
            bidders: Some(vec![
                serde_json::from_value(organization("77777777")).expect("organization"),
            ]),
            status: None,
        }),
        stage: None,
    });
    let edited = DutchSale::public_event(&events[0]);
    assert!(edited.withheld && !edited.data.to_string().contains("77777777"));
    let events = g.step(Command::AddDocument {
        actor: bidder(1),
        target: Target::Bid(bid_id(1)),
        document: document("eligibilityDocuments"),
    });
    let document = DutchSale::public_event(&events[0]);
    assert!(document.withheld);
    assert!(document.data["document"].get("title").is_none());
    // Every event of the running auction is withheld whole; the creation
    // never shows the owner's token.
    let mut live = Live::running(2);
    let stop = live.bid(1, step21(), None);
    assert_eq!(types(&stop), ["DutchStopped"]);
    assert!(LiveSale::public_event(&stop[0]).withheld);
    let creation = DutchSale::public_event(&created());
    assert!(!creation.data.to_string().contains(OWNER_TOKEN));
}

#[test]
fn a_sale_without_results_keeps_its_bids_sealed_for_ever() {
    let mut g = Live::running(2);
    g.due(round1_end());
    assert_eq!(g.status(), "unsuccessful");
    sealed::<LiveSale>(g.state());
    assert!(LiveSale::visible_bid(g.state(), &bid_id(1), None).is_err());
    // Its owner still sees it.
    assert!(LiveSale::visible_bid(g.state(), &bid_id(1), Some(&token(&firm(1)))).is_ok());
}

#[test]
fn cancelling_during_the_auction_cancels_it_and_keeps_the_bids_sealed() {
    let mut g = Live::running(2);
    g.bid(1, step21(), None);
    let events = g.procedure_command(on_auction_day("13:00:00"), cancel());
    assert_eq!(types(&events), ["ProcedureCancelled", "AuctionCancelled"]);
    assert_eq!(g.status(), "cancelled");
    assert_eq!(g.next_check(), None);
    sealed::<LiveSale>(g.state());
    // The engine takes no more bids.
    let refused = g.when_at(
        on_auction_day("16:25:00"),
        super::live::bid(2, Some("1400")),
    );
    refused.then_refused(crate::procurement::RefusalKind::Forbidden, "data");
}

#[test]
fn drafts_withdrawn_and_later_bids_of_a_participant_are_never_shown() {
    // Participant 1 bids again through broker-c (bid 3); participant 4's
    // draft and participant 5's withdrawn bid take no part.
    let g = published()
        .and(bids(2))
        .and([
            bid_event(&bid_id(3), &firm(1), "broker-c", "active", t0()),
            bid_event(&bid_id(4), &firm(4), "broker-b", "draft", t0()),
            bid_submitted(5),
            Event::BidWithdrawn {
                bid_id: bid_id(5),
                at: t0(),
            },
            auction_started(),
        ])
        .at(round3_end());
    let events = g
        .when(record(&[(3, "1500"), (2, "1400"), (1, "1200")]))
        .then_events();
    let mut g = g;
    g.record(events.iter().cloned());
    assert_eq!(
        awards(g.state()),
        [(bid_id(2), "pending"), (bid_id(1), "pending_waiting")]
    );
    let envelope = DutchSale::public_envelope(g.state()).expect("document");
    let ids: Vec<_> = envelope["data"]["bids"]
        .as_array()
        .expect("bids")
        .iter()
        .map(|b| b["id"].clone())
        .collect();
    assert_eq!(ids, [json!(bid_id(1)), json!(bid_id(2))]);
    for u in [3, 4, 5] {
        assert!(
            DutchSale::visible_bid(g.state(), &bid_id(u), None).is_err(),
            "bid {u} shown"
        );
    }
    // The later bid's amount appears nowhere in the public log.
    let public: String = events
        .iter()
        .map(|event| DutchSale::public_event(event).data.to_string())
        .collect();
    assert!(!public.contains("1500"), "{public}");
    assert!(!envelope.to_string().contains(&firm(4)), "{envelope}");
}
