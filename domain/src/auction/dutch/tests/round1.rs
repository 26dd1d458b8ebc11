//! Round 1, the Dutch round (spec §5, §9, AD-3, AD-6, AD-7): stopping it,
//! its end with and without a stop, late participants, and the timer.

use super::super::*;
use super::fixtures::*;
use crate::Scheduled;
use crate::auction::{AuctionEngine, AuctionResult, Command, Unsuccessful};
use crate::procurement::RefusalKind::{Forbidden, Invalid};
use crate::testing::Spec;

fn started() -> Spec<Dutch> {
    Spec::given([scheduled()])
}

#[test]
fn the_first_to_accept_stops_round_one_at_the_running_steps_price() {
    // 10:00:00 is 29 min 30 s into round 1: step 8, 1000 × 0.93.
    started()
        .at(at("10:00:00"))
        .when(accept(P2))
        .then([stopped(P2, 8, "930", at("10:00:00"))]);
}

#[test]
fn an_amount_sent_with_the_accept_must_be_the_running_price() {
    let spec = started().at(at("10:00:00"));
    spec.when(bid(P2, "930"))
        .then([stopped(P2, 8, "930", at("10:00:00"))]);
    let refusal = spec.when(bid(P2, "940")).then_refused(Invalid, "amount");
    assert_eq!(refusal.description, "The current price is 930");
}

#[test]
fn a_step_ends_on_its_millisecond() {
    // Step 1 ends at 09:34:35.454 (R1s + floor(24 300 000 / 99) ms).
    started()
        .at(at("09:34:35.453"))
        .when(accept(P1))
        .then([stopped(P1, 1, "1000", at("09:34:35.453"))]);
    started()
        .at(at("09:34:35.454"))
        .when(accept(P1))
        .then([stopped(P1, 2, "990", at("09:34:35.454"))]);
    // The last step offers 20.00 until 16:15:30.
    started()
        .at(at("16:15:29.999"))
        .when(accept(P3))
        .then([stopped(P3, 99, "20", at("16:15:29.999"))]);
}

#[test]
fn nobody_stops_in_the_familiarisation_pause() {
    let refusal = started()
        .at(at("09:30:10"))
        .when(accept(P1))
        .then_refused(Forbidden, "data");
    assert_eq!(refusal.description, "Stage not for bidding");
}

#[test]
fn v7_after_a_stop_nobody_else_bids_in_round_one() {
    // R1-6; the Dutch winner cannot stop twice either.
    let spec = stopped_by_p1().at(at("11:30:00"));
    for who in [P2, P1] {
        let refusal = spec.when(accept(who)).then_refused(Forbidden, "data");
        assert_eq!(refusal.description, "The auction has already been stopped");
    }
}

#[test]
fn v8_a_stop_cannot_be_cancelled() {
    // R1-5.
    let refusal = stopped_by_p1()
        .at(at("11:30:00"))
        .when(cancel_bid(P1))
        .then_refused(Forbidden, "data");
    assert_eq!(refusal.description, "The bid cannot be cancelled");
}

#[test]
fn an_unknown_bidder_is_refused() {
    let refusal = started()
        .at(at("10:00:00"))
        .when(accept("X"))
        .then_refused(Forbidden, "bidder_id");
    assert_eq!(refusal.description, "Invalid bidder_id X");
}

#[test]
fn v3_no_stop_in_round_one_is_unsuccessful() {
    // R1-8 / E-3: `auction_unsuccessful`, no rounds 2 and 3.
    let mut spec = started();
    assert_eq!(Dutch::next_check(spec.state()), Some(round1_end()));
    spec.set_now(at("16:15:29.999"));
    spec.when(Command::Tick).then_nothing();
    let unsuccessful = Event::AuctionUnsuccessful {
        reason: Unsuccessful::NoStop,
        at: round1_end(),
    };
    spec.at(round1_end())
        .when(Command::Tick)
        .then([unsuccessful.clone()]);
    let over = Spec::<Dutch>::given([scheduled(), unsuccessful]);
    assert_eq!(Dutch::next_check(over.state()), None);
    assert_eq!(
        Dutch::result(over.state()),
        Some(AuctionResult::Unsuccessful {
            reason: Unsuccessful::NoStop,
            finished_at: round1_end()
        })
    );
    over.at(at("16:20:00"))
        .when(bid(P2, "1400"))
        .then_refused(Forbidden, "data");
}

#[test]
fn v5_without_participants_the_auction_does_not_start() {
    // AD-6 / E-1.
    let spec = Spec::<Dutch>::given([scheduled_from(&parameters_with("1000", &[]))]);
    assert_eq!(Dutch::next_check(spec.state()), Some(t0()));
    spec.at(t0())
        .when(Command::Tick)
        .then([Event::AuctionUnsuccessful {
            reason: Unsuccessful::NoParticipants,
            at: t0(),
        }]);
}

#[test]
fn v6_a_single_participant_wins_at_its_stop_when_round_one_ends() {
    // AD-7 / E-2: no rounds 2 and 3.
    let spec = Spec::<Dutch>::given([
        scheduled_from(&parameters_with("1000", &[P1])),
        stopped(P1, 8, "930", at("10:00:00")),
    ]);
    assert_eq!(Dutch::next_check(spec.state()), Some(round1_end()));
    spec.at(round1_end())
        .when(Command::Tick)
        .then([Event::AuctionCompleted {
            ranking: vec![ranked(1, P1, "Bidder 1", "930", at("10:00:00"))],
            at: round1_end(),
        }]);
}

#[test]
fn a_bid_activated_during_round_one_joins_with_the_next_label() {
    // AD-3 / Q7.
    let join = |who: &str| Command::Join {
        bid_id: who.to_owned(),
    };
    let spec = started().at(at("12:00:00"));
    spec.when(join("bid-p4")).then([Event::ParticipantJoined {
        participant: participant("bid-p4", 4),
        at: at("12:00:00"),
    }]);
    // Joining twice changes nothing; after round 1 nobody joins.
    spec.when(join(P2)).then_nothing();
    let refusal = started()
        .at(round1_end())
        .when(join("bid-p4"))
        .then_refused(Forbidden, "data");
    assert_eq!(
        refusal.description, "The auction has ended",
        "no stop: round 1's end made it unsuccessful"
    );
    stopped_by_p1()
        .at(round1_end())
        .when(join("bid-p4"))
        .then_refused(Forbidden, "data");
    // A late joiner may stop.
    let joined = started().and([Event::ParticipantJoined {
        participant: participant("bid-p4", 4),
        at: at("12:00:00"),
    }]);
    joined
        .at(at("12:00:01"))
        .when(accept("bid-p4"))
        .then_events();
}

#[test]
fn a_participant_joining_before_the_start_saves_an_empty_auction() {
    let spec = Spec::<Dutch>::given([
        scheduled_from(&parameters_with("1000", &[])),
        Event::ParticipantJoined {
            participant: participant(P1, 1),
            at: at("09:00:00"),
        },
    ]);
    assert_eq!(Dutch::next_check(spec.state()), Some(round1_end()));
    spec.at(t0()).when(Command::Tick).then_nothing();
}

#[test]
fn cancel_stops_the_auction_at_once() {
    let spec = stopped_by_p1().at(at("12:00:00"));
    spec.when(Command::Cancel)
        .then([Event::AuctionCancelled { at: at("12:00:00") }]);
    let cancelled = stopped_by_p1().and([Event::AuctionCancelled { at: at("12:00:00") }]);
    assert_eq!(Dutch::next_check(cancelled.state()), None);
    cancelled.when(Command::Cancel).then_nothing();
}
