//! The auction's outcome as the decider records it, the auction service's
//! commands given directly: only the auction reports, only while it runs;
//! its results become the bids' values, their disclosure and the awards in
//! one decision; its failure only ends the sale. And the one transition
//! the procedure times itself: the auction's start, moved to when the CDB
//! comes to it if that is after the familiarisation pause.

use super::super::*;
use super::fixtures::*;
use super::live::{Live, LiveEvent, types};
use crate::Scheduled;
use crate::auction::Unsuccessful;
use crate::procedures::dutch_sale::event::Placed;
use crate::procurement::Money;
use crate::procurement::RefusalKind::{Forbidden, Invalid};

#[test]
fn the_results_are_the_auctions_to_record_while_it_runs() {
    let g = auction_running(3).at(round3_end());
    g.when(Command::RecordAuction {
        actor: owner(),
        outcome: outcome(&[(1, "1500")]),
    })
    .then_refused(Forbidden, "permission");
    g.when(Command::RecordAuctionFailure {
        actor: bidder(1),
        reason: Unsuccessful::NoStop,
    })
    .then_refused(Forbidden, "permission");
    published()
        .and(bids(3))
        .when(record(&[(1, "1500")]))
        .then_refused(Forbidden, "data");
    qualification()
        .when(record(&[(1, "1500")]))
        .then_refused(Forbidden, "data");
    // Results naming no bid that took part are no results.
    g.when(record(&[(9, "1500")])).then_refused(Invalid, "bids");
    // A bid that took no part is dropped from them.
    let state = g.when(record(&[(9, "1600"), (2, "1400")])).then_state();
    assert_eq!(awards(&state), [(bid_id(2), "pending")]);
}

#[test]
fn the_results_decide_the_awards_in_one_decision() {
    let g = auction_running(3).at(round3_end());
    let sale = procedure(g.state());
    let priced = |u: usize, value: &str| {
        let mut bid = sale.bids[u - 1].clone();
        bid.value = Some(Money {
            amount: amount(value),
            ..sale.value.clone()
        });
        bid
    };
    let award = |n: u64, u: usize, value: &str, status: AwardStatus| {
        let periods = (status == AwardStatus::Pending).then_some(crate::procurement::Period {
            start_date: Some(round3_end()),
            end_date: None,
        });
        Event::AwardCreated {
            award: Box::new(Award {
                id: crate::testing::id(n),
                bid_id: bid_id(u),
                status,
                value: priced(u, value).value.expect("value"),
                buyers: sale.bids[u - 1].bidders.clone(),
                items: sale.items.clone(),
                termination_reason: None,
                verification_period: periods.clone(),
                signing_period: periods,
                admission_period: None,
                documents: vec![],
                date_published: round3_end(),
                date_modified: round3_end(),
            }),
        }
    };
    let placed = |u, value| Placed {
        bid_id: bid_id(u),
        amount: amount(value),
    };
    g.when(record(&[(2, "1400"), (1, "1200")])).then([
        Event::AuctionResultsRecorded {
            results: vec![placed(2, "1400"), placed(1, "1200")],
            left_out: vec![],
            at: round3_end(),
        },
        Event::BidsDisclosed {
            bids: vec![priced(1, "1200"), priced(2, "1400"), sale.bids[2].clone()],
            at: round3_end(),
        },
        award(2, 2, "1400", AwardStatus::Pending),
        award(3, 1, "1200", AwardStatus::PendingWaiting),
    ]);
    // The failure, in its turn, only ends the sale.
    g.when(Command::RecordAuctionFailure {
        actor: auction_service(),
        reason: Unsuccessful::NoStop,
    })
    .then([Event::AuctionFailed {
        reason: Unsuccessful::NoStop,
        at: round3_end(),
    }]);
}

#[test]
fn the_auction_starts_at_its_published_start() {
    let at = |now| published().and(bids(2)).at(now);
    at(auction_start() - chrono::Duration::seconds(1))
        .when(Command::CheckDue)
        .then_nothing();
    at(auction_start())
        .when(Command::CheckDue)
        .then([auction_started()]);
    assert_eq!(DutchSale::next_check(auction_running(2).state()), None);
}

#[test]
fn a_start_the_cdb_comes_to_after_the_pause_moves_to_then() {
    // The server was down from 09:38 to 09:40: the auction and the end of
    // bidding move by as much, rather than the procedure staying stuck.
    let late = on_auction_day("09:40:00");
    let moved_close = on_auction_day("16:25:30");
    let mut g = Live::with_bids(2);
    let events = g.due(late);
    assert_eq!(
        events[0],
        LiveEvent::Procedure(Event::AuctionStarted {
            start: late,
            bids_close: moved_close,
            at: late,
        })
    );
    assert_eq!(
        types(&events),
        ["AuctionStarted", "AuctionLinked", "AuctionScheduled"]
    );
    assert_eq!(g.procedure().auction_start(), Some(late));
    assert_eq!(g.procedure().bids_close(), Some(moved_close));
    assert_eq!(g.step(1).start, on_auction_day("09:40:30"));
    // A bid after the published end but before the moved one still joins.
    let events = g.procedure_command(on_auction_day("16:24:00"), bid_command(3));
    assert_eq!(types(&events), ["BidSubmitted", "ParticipantJoined"]);
}

#[test]
fn a_start_reached_within_the_pause_keeps_the_published_schedule() {
    let mut g = Live::with_bids(2);
    let within = on_auction_day("09:38:29");
    let events = g.due(within);
    assert_eq!(
        events[0],
        LiveEvent::Procedure(Event::AuctionStarted {
            start: auction_start(),
            bids_close: round1_end(),
            at: within,
        })
    );
    assert_eq!(g.step(1).start, on_auction_day("09:38:30"));
    // At the pause's very end round 1 would start unseen: it moves too.
    let mut g = Live::with_bids(2);
    let end_of_pause = on_auction_day("09:38:30");
    let events = g.due(end_of_pause);
    assert_eq!(
        events[0],
        LiveEvent::Procedure(Event::AuctionStarted {
            start: end_of_pause,
            bids_close: on_auction_day("16:24:00"),
            at: end_of_pause,
        })
    );
    assert_eq!(types(&events)[1..], ["AuctionLinked", "AuctionScheduled"]);
}
