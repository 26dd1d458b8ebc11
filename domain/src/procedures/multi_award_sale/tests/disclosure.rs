//! What the public sees of the bids and awards, and when.

use serde_json::json;

use super::super::*;
use super::fixtures::*;
use super::sale::Sale;
use crate::Published;
use crate::procedures::common::disclosure;
use crate::procurement::RefusalKind::Invalid;

#[test]
fn bids_are_sealed_until_the_auction_results_are_recorded() {
    let mut g = Sale::new(1000, 100, 100);
    let submitted = g.apply(bid_command("11111111", json!(300), json!(123)));
    g.bids.push(g.procedure().bids[0].id.clone());
    g.firms.push("11111111".into());
    g.place(json!(400), json!(110));
    let sealed = |g: &Sale| {
        let envelope = MultiAwardSale::public_envelope(g.state()).expect("document");
        assert!(envelope["data"].get("bids").is_none(), "{envelope}");
        let text = envelope.to_string();
        assert!(!text.contains("123"), "price leaked: {text}");
        assert!(!text.contains("11111111"), "bidder leaked: {text}");
        assert!(!MultiAwardSale::bids_disclosed(g.state()));
    };
    sealed(&g);
    let shown = MultiAwardSale::public_event(&submitted[0]);
    assert!(shown.withheld);
    let public = shown.data;
    let text = public.to_string();
    assert!(public.get("token_hash").is_none());
    assert!(public.get("owner").is_none());
    assert!(!text.contains("123"), "{text}");
    assert!(!text.contains("11111111"), "{text}");
    assert!(!text.contains("quantity"), "{text}");
    assert_eq!(public["bid"]["id"], json!(g.bids[0]));
    // An edit and a bid document are sealed too.
    let edited = g.apply(Command::EditBid {
        actor: g.bid_owner(1),
        bid_id: g.bids[0].clone(),
        edit: Box::new(BidEdit {
            value: serde_json::from_value(json!({"amount": 124, "currency": "UAH"}))
                .expect("money"),
            ..BidEdit::default()
        }),
        stage: None,
    });
    assert!(
        !MultiAwardSale::public_event(&edited[0])
            .data
            .to_string()
            .contains("124")
    );
    let doc = g.apply(Command::AddDocument {
        actor: g.bid_owner(1),
        target: Target::Bid(g.bids[0].clone()),
        document: document("eligibilityDocuments"),
    });
    assert!(
        MultiAwardSale::public_event(&doc[0]).data["document"]
            .get("title")
            .is_none()
    );
    g.end_tendering();
    sealed(&g);
    assert_eq!(g.status(), "active_auction");
    let disclosed = g.auction_unraised();
    assert!(MultiAwardSale::bids_disclosed(g.state()));
    let envelope = MultiAwardSale::public_envelope(g.state()).expect("document");
    let bids = envelope["data"]["bids"].as_array().expect("bids");
    assert_eq!(bids.len(), 2);
    assert_eq!(bids[0]["value"]["amount"], json!(124.0));
    assert_eq!(bids[0]["quantity"], json!(300.0));
    assert_eq!(bids[0]["bidders"][0]["identifier"]["id"], json!("11111111"));
    // The events that placed and changed the bid stay sealed for ever; the
    // disclosure event shows the bids that took part at their final prices.
    let public = MultiAwardSale::public_event(&submitted[0]).data.to_string();
    assert!(
        !public.contains("123") && !public.contains("11111111"),
        "{public}"
    );
    let opened = disclosed
        .iter()
        .find(|event| matches!(event, Event::BidsDisclosed { .. }))
        .map(MultiAwardSale::public_event)
        .expect("bids disclosed with the auction results");
    assert!(!opened.withheld);
    assert_eq!(opened.data["bids"][0]["value"]["amount"], json!(124.0));
    assert_eq!(
        opened.data["bids"][0]["bidders"][0]["identifier"]["id"],
        json!("11111111")
    );
    assert!(!opened.data.to_string().contains("123"), "{}", opened.data);
}

#[test]
fn a_single_bid_is_disclosed_when_qualification_starts() {
    let mut g = Sale::new(1000, 100, 100);
    g.place(json!(300), json!(123));
    assert!(!MultiAwardSale::bids_disclosed(g.state()));
    g.end_tendering();
    assert!(MultiAwardSale::bids_disclosed(g.state()));
    let envelope = MultiAwardSale::public_envelope(g.state()).expect("document");
    assert_eq!(envelope["data"]["bids"][0]["value"]["amount"], json!(123.0));
}

#[test]
fn bids_of_a_procedure_cancelled_during_the_auction_stay_sealed() {
    let mut g = Sale::new(1000, 100, 100);
    g.place(json!(300), json!(123));
    g.place(json!(300), json!(124));
    g.auction_running();
    g.apply(cancel());
    assert!(!MultiAwardSale::bids_disclosed(g.state()));
    let envelope = MultiAwardSale::public_envelope(g.state()).expect("document");
    assert!(envelope["data"].get("bids").is_none());
}

#[test]
fn creation_event_never_shows_the_owner_token() {
    let events = nothing()
        .when(create_command(procedure_json(
            json!(1000),
            json!(100),
            json!(100),
        )))
        .then_events();
    let public = MultiAwardSale::public_event(&events[0]).data;
    assert!(public.get("owner_token_hash").is_none());
    assert!(!public.to_string().contains(OWNER_TOKEN));
}

#[test]
fn waiting_and_cancelled_awards_hide_their_quantity() {
    let mut g = Sale::qualification(1000, 200, 100, &[(900, 120), (300, 110), (250, 100)]);
    let envelope = MultiAwardSale::public_envelope(g.state()).expect("document");
    let awards = envelope["data"]["awards"].as_array().expect("awards");
    assert_eq!(awards[0]["items"][0]["quantity"], json!(900.0));
    assert!(awards[1]["items"][0].get("quantity").is_none());
    g.qualification_period_ends();
    let envelope = MultiAwardSale::public_envelope(g.state()).expect("document");
    assert_eq!(envelope["data"]["awards"][1]["status"], json!("cancelled"));
    assert!(
        envelope["data"]["awards"][1]["items"][0]
            .get("quantity")
            .is_none()
    );
}

#[test]
fn one_bid_per_participant_without_telling_other_brokers_who_has_bid() {
    let mut g = Sale::new(1000, 100, 100);
    g.place(json!(300), json!(123));
    // The same broker is told at once: it knows its own bids.
    g.when(bid_command(&firm(1), json!(200), json!(130)))
        .then_refused(Invalid, "bidders");
    // Another broker is not: the bid is taken, and left out at the end.
    let Command::SubmitBid { bid, .. } = bid_command(&firm(1), json!(200), json!(131)) else {
        unreachable!()
    };
    let events = g.apply(Command::SubmitBid {
        actor: Actor::broker("broker-c", None),
        bid,
        stage: BidStage::Submitted,
        token_hash: "bid-token-c".into(),
    });
    let Some(Event::BidSubmitted { bid, .. }) = events.first() else {
        panic!("{events:?}")
    };
    let later = bid.id.clone();
    g.place(json!(300), json!(124));
    let ended = g.end_tendering();
    let Some(Event::TenderingEnded {
        participants,
        excluded,
        ..
    }) = ended.first()
    else {
        panic!("{ended:?}")
    };
    assert_eq!(excluded, std::slice::from_ref(&later));
    assert!(!participants.contains(&later));
    assert_eq!(participants.len(), 2);
    let bid = g
        .procedure()
        .bids
        .iter()
        .find(|b| b.id == later)
        .expect("bid");
    assert_eq!(bid.status, BidStatus::Invalid);
    let disclosed = g.auction_unraised();
    assert!(disclosure::visible_bid(g.state(), &later, false).is_err());
    let public: String = disclosed
        .iter()
        .chain(&ended)
        .map(|event| MultiAwardSale::public_event(event).data.to_string())
        .collect();
    assert!(!public.contains("131"), "{public}");
}
