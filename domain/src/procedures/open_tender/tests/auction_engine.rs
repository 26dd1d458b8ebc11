//! The lot's auction run by the server (`Auctioned` with the descending
//! turn-based engine): set up in the decision that ends the tender period,
//! bidders lower their prices in their turns, and the auction's end
//! records the results and awards the cheapest in the same decision.

use chrono::{DateTime, Duration, Utc};

use super::super::*;
use super::fixtures::*;
use crate::auction::auctioned::{self, Participation};
use crate::auction::turn_based::{self, Participant};
use crate::auction::{AuctionEngine, AuctionEvent, Auctioned, Direction, RunsAuction, TurnBased};
use crate::handoff::{AuctionBid, AuctionHandOff, AuctionOutcome as HandOffOutcome, AuctionValue};
use crate::procurement::{Amount, RefusalKind};
use crate::testing::{Spec, event_types, id};
use crate::{Decider, DomainEvent, EventDecodeError};

type LiveTender = Auctioned<OpenTender, TurnBased>;
type LiveEvent = auctioned::Event<Event, turn_based::Event>;

fn auction_start() -> DateTime<Utc> {
    at("2027-01-15T12:22:15+02:00")
}

fn tender_of(state: &State) -> &Tender {
    state.tender.as_ref().expect("tender")
}

/// TV-1's three bids, the tender period just over, nothing run yet.
fn at_tender_end() -> Spec<LiveTender> {
    let mut events = tendering();
    events.extend(three_bids());
    Spec::given(events.into_iter().map(LiveEvent::Procedure))
        .at(tender_end())
        .ids_from(30)
}

#[test]
fn auction_setup_waits_for_the_auction_stage() {
    let mut events = tendering();
    events.extend(three_bids());
    let tendering = Spec::<OpenTender>::given(events);
    assert_eq!(
        OpenTender::auction_setup(tendering.state(), tender_end()),
        None
    );
    let refused =
        <OpenTender as AuctionHandOff>::auction_view(tendering.state()).expect_err("refused");
    assert_eq!(
        refused.description,
        "Can't get auction info in current (active.tendering) tender status"
    );

    let auction = Spec::<OpenTender>::given(auction());
    let setup = OpenTender::auction_setup(auction.state(), tender_end()).expect("set up");
    assert_eq!(setup.procedure_id, "tender-1");
    assert_eq!(setup.auction_id, format!("{TENDER_ID}_{}", lot_id()));
    let parameters = &setup.parameters;
    assert_eq!(parameters.start, auction_start());
    assert_eq!(parameters.direction, Direction::Descending);
    assert_eq!(parameters.minimal_step, amount("15"));
    let expected: Vec<Participant> = [(11, "500"), (12, "499"), (13, "490")]
        .into_iter()
        .map(|(n, price)| Participant {
            bid_id: id(n),
            amount: amount(price),
            date: bid(n, price, BidStatus::Pending).date,
        })
        .collect();
    assert_eq!(parameters.participants, expected);

    let view = <OpenTender as AuctionHandOff>::auction_view(auction.state()).expect("a view");
    assert_eq!(view["lots"][0]["id"], serde_json::json!(lot_id()));
    assert_eq!(
        view["lots"][0]["minimalStep"]["amount"].as_f64(),
        Some(15.0)
    );
    let bids = view["bids"].as_array().expect("bids");
    assert_eq!(bids.len(), 3);
    assert_eq!(bids[2]["id"], serde_json::json!(id(13)));
    assert_eq!(
        bids[2]["lotValues"][0]["value"]["amount"].as_f64(),
        Some(490.0)
    );
}

/// A server down through the auction's opening pause starts it when set up,
/// rather than have the engine refuse a start whose first turn has passed.
#[test]
fn a_late_setup_starts_the_auction_now() {
    let auction = Spec::<OpenTender>::given(auction());
    let on_time = auction_start() + Duration::minutes(4);
    let setup = OpenTender::auction_setup(auction.state(), on_time).expect("set up");
    assert_eq!(setup.parameters.start, auction_start());
    let late = auction_start() + Duration::minutes(5);
    let setup = OpenTender::auction_setup(auction.state(), late).expect("set up");
    assert_eq!(setup.parameters.start, late);
}

#[test]
fn a_single_bid_never_reaches_the_auction() {
    let mut events = tendering();
    events.push(placed(bid(11, "500", BidStatus::Pending)));
    let mut spec = Spec::<LiveTender>::given(events.into_iter().map(LiveEvent::Procedure))
        .at(tender_end())
        .ids_from(30);
    let events = spec.step(auctioned::Command::Due);
    let types = event_types(&events);
    assert!(!types.contains(&"AuctionScheduled"), "{types:?}");
    let tender = tender_of(&spec.state().procedure);
    assert_eq!(tender.status, TenderStatus::ActiveQualification);
    assert_eq!(tender.awards[0].bid_id, id(11));
    assert_eq!(
        OpenTender::auction_setup(&spec.state().procedure, spec.now()),
        None
    );
}

/// Bids each `(bid, amounts)`'s amounts in its turns, one a turn, in order.
fn bid_in_turns(spec: &mut Spec<LiveTender>, plan: &[(String, Vec<Amount>)]) {
    let turns: Vec<DateTime<Utc>> = TurnBased::stages(&spec.state().auction)
        .iter()
        .filter(|stage| stage.kind == "turn")
        .map(|stage| stage.start + Duration::seconds(10))
        .collect();
    let mut next = vec![0; plan.len()];
    for at in turns {
        spec.set_now(at);
        for (i, (bid_id, amounts)) in plan.iter().enumerate() {
            let view = TurnBased::participant_view(&spec.state().auction, bid_id, at);
            let open = view.and_then(|view| view.allowed).is_some();
            if open && next[i] < amounts.len() {
                spec.step(auctioned::Command::Participate(Participation::Bid {
                    bid_id: bid_id.clone(),
                    amount: Some(amounts[next[i]]),
                }));
                next[i] += 1;
            }
        }
    }
    let done = plan.iter().zip(&next).all(|((_, a), n)| a.len() == *n);
    assert!(done, "every planned bid had a turn: {next:?}");
}

#[test]
fn the_server_runs_the_auction_and_awards_the_lowest_final_price() {
    let mut spec = at_tender_end();
    let events = spec.step(auctioned::Command::Due);
    let types = event_types(&events);
    assert_eq!(
        types[..3],
        ["TenderingEnded", auctioned::LINKED, "AuctionScheduled"]
    );
    assert_eq!(
        tender_of(&spec.state().procedure).status,
        TenderStatus::ActiveAuction
    );
    assert_eq!(
        TurnBased::stages(&spec.state().auction)
            .first()
            .map(|stage| stage.start),
        Some(auction_start())
    );

    // A (500) lowers twice; B (499) and C (490) keep their prices.
    bid_in_turns(&mut spec, &[(id(11), vec![amount("480"), amount("460")])]);
    assert_eq!(
        tender_of(&spec.state().procedure).status,
        TenderStatus::ActiveAuction
    );

    let end = TurnBased::stages(&spec.state().auction)
        .last()
        .expect("stages")
        .end;
    spec.set_now(end);
    let events = spec.step(auctioned::Command::Due);
    let types = event_types(&events);
    let finished = types.iter().position(|t| *t == "AuctionFinished");
    let recorded = types.iter().position(|t| *t == "AuctionCompleted");
    assert!(
        finished.is_some() && finished < recorded,
        "the auction's end and its results are one decision: {types:?}"
    );
    assert!(types.contains(&"BidsDisclosed"), "{types:?}");

    let tender = tender_of(&spec.state().procedure);
    assert_eq!(tender.status, TenderStatus::ActiveQualification);
    let award = &tender.awards[0];
    assert_eq!(award.bid_id, id(11));
    assert_eq!(award.value.amount, amount("460"));
    assert_eq!(award.status, AwardStatus::Pending);
    let finals: Vec<Amount> = tender
        .bids
        .iter()
        .map(|bid| bid.lot_values[0].value.amount)
        .collect();
    assert_eq!(finals, [amount("460"), amount("499"), amount("490")]);
    assert_eq!(
        tender.bids[0].lot_values[0]
            .initial_value
            .as_ref()
            .map(|v| v.amount),
        Some(amount("500"))
    );
}

fn outcome(amounts: &[(u64, &str)]) -> HandOffOutcome {
    HandOffOutcome {
        bids: amounts
            .iter()
            .map(|(n, price)| AuctionBid {
                id: id(*n),
                value: AuctionValue {
                    amount: amount(price),
                },
                date: auction_end(),
            })
            .collect(),
    }
}

/// The hand-off's outcome names bids in ranking order and no lot; the
/// decider puts it in the tender's order, on its one lot, a bid that took
/// no part without an amount.
#[test]
fn the_hand_off_outcome_is_recorded_in_the_tenders_bid_order() {
    let mut events = tendering();
    events.extend(three_bids());
    events.push(placed(bid(15, "300", BidStatus::Invalid)));
    events.push(Event::TenderingEnded {
        excluded: Vec::new(),
        outcome: TenderingOutcome::Auction,
        at: tender_end(),
    });
    let mut spec = Spec::<OpenTender>::given(events)
        .at(auction_end())
        .ids_from(30);
    let ranked = outcome(&[(11, "450"), (13, "455"), (12, "460")]);
    let twice = outcome(&[(11, "450"), (11, "450"), (12, "460")]);
    let stranger = outcome(&[(11, "450"), (13, "455"), (99, "460")]);
    for wrong in [twice, stranger] {
        let refused = spec
            .when(OpenTender::auction_outcome("auction", wrong))
            .then_refused(RefusalKind::Invalid, "bids");
        assert_eq!(
            refused.description,
            "Auction bids should be identical to the tender bids"
        );
    }
    spec.when(OpenTender::auction_outcome(
        "auction",
        outcome(&[(11, "450"), (12, "460")]),
    ))
    .then_refused(RefusalKind::Invalid, "bids");

    let events = spec.step(OpenTender::auction_outcome("auction", ranked));
    let Some(Event::AuctionCompleted {
        lot_id: recorded_lot,
        results,
        ..
    }) = events.first()
    else {
        panic!("{events:?}");
    };
    assert_eq!(*recorded_lot, lot_id());
    let order: Vec<String> = results.iter().map(|r| r.bid_id.clone()).collect();
    assert_eq!(order, vec![id(11), id(12), id(13)]);
    let tender = tender_of(spec.state());
    assert_eq!(tender.status, TenderStatus::ActiveQualification);
    assert_eq!(tender.awards[0].bid_id, id(11));
    assert_eq!(tender.awards[0].value.amount, amount("450"));
}

/// The joined log tells the engine's events from the tender's by name.
#[test]
fn no_tender_event_is_named_as_the_engines() {
    let clashes: Vec<&str> = turn_based::Event::EVENT_TYPES
        .iter()
        .chain([auctioned::LINKED, auctioned::TERMS].iter())
        .copied()
        .filter(|name| {
            !matches!(
                <OpenTender as Decider>::Event::decode(name, 1, &serde_json::json!({})),
                Err(EventDecodeError::UnknownType { .. })
            )
        })
        .collect();
    assert_eq!(clashes, Vec::<&str>::new());
}
