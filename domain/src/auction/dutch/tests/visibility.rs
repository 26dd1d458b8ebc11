//! What everyone and each participant may see (spec §10, §12, R1-4, R2-7,
//! R2-10, AD-7): the running price, the stop at once, sealed and final bids
//! only after their round, a participant's own bid and bounds, and no bid
//! ids anywhere public.

use super::super::*;
use super::fixtures::*;
use crate::auction::{Action, AuctionEngine, Status};
use crate::testing::Spec;

fn json(view: &impl serde::Serialize) -> String {
    serde_json::to_string(view).expect("json")
}

#[test]
fn before_the_start_the_schedule_shows_but_not_the_participants() {
    let spec = Spec::<Dutch>::given([scheduled()]);
    let view = Dutch::public_view(spec.state(), at("09:00:00")).expect("view");
    assert_eq!(view.status, Status::Scheduled);
    assert_eq!(view.stages.len(), 102);
    assert!(view.participants.is_empty());
    assert_eq!(view.current_price, None);
}

#[test]
fn round_one_shows_the_running_price_and_the_stop_at_once() {
    let spec = Spec::<Dutch>::given([scheduled()]);
    let view = Dutch::public_view(spec.state(), at("10:00:00")).expect("view");
    assert_eq!(
        (view.status, view.current_price),
        (Status::Running, Some(amount("930")))
    );
    assert_eq!(view.participants, ["Bidder 1", "Bidder 2", "Bidder 3"]);
    assert_eq!(view.current_stage, Some(8));
    let p2 = Dutch::participant_view(spec.state(), P2, at("10:00:00")).expect("P2");
    let allowed = p2.allowed.expect("accept");
    assert_eq!(allowed.action, Action::Accept);
    assert_eq!(
        (allowed.min, allowed.max),
        (Some(amount("930")), Some(amount("930")))
    );
    assert_eq!(allowed.until, at("10:03:13.636"));
    // R1-4: the stop is public at once; nobody may act in round 1 after it.
    let spec = stopped_by_p1();
    let view = Dutch::public_view(spec.state(), at("11:30:00")).expect("view");
    let stop = view.stop.expect("stop");
    assert_eq!(
        (stop.label.as_str(), stop.amount),
        ("Bidder 1", amount("1200"))
    );
    assert_eq!(view.current_price, None);
    for who in [P1, P2] {
        let view = Dutch::participant_view(spec.state(), who, at("11:30:00")).expect("view");
        assert_eq!(view.allowed, None);
    }
}

#[test]
fn a_sealed_bid_is_never_public_before_round_two_ends() {
    let spec = stopped_by_p1().and([sealed(P2, "1432.10", at("16:20:00"))]);
    for now in ["16:20:00", "16:25:29.999"] {
        let public = json(&Dutch::public_view(spec.state(), at(now)).expect("view"));
        assert!(!public.contains("1432.1"), "at {now}: {public}");
        for other in [P1, P3] {
            let view = json(&Dutch::participant_view(spec.state(), other, at(now)).expect("view"));
            assert!(!view.contains("1432.1"), "{other} sees it at {now}: {view}");
        }
    }
    let own = Dutch::participant_view(spec.state(), P2, at("16:21:00")).expect("P2");
    assert_eq!(own.own_bid, Some(amount("1432.10")));
    let allowed = own.allowed.expect("round 2");
    assert_eq!(
        (allowed.min, allowed.until, allowed.can_cancel),
        (Some(amount("1200.01")), round2_end(), true)
    );
    // When the round ends, tick or no tick, the bids show lowest first.
    let spec = spec.and([sealed(P3, "1300", at("16:21:00"))]);
    let view = Dutch::public_view(spec.state(), round2_end()).expect("view");
    let shown: Vec<_> = view
        .sealed_bids
        .iter()
        .map(|b| (b.label.as_str(), b.amount))
        .collect();
    assert_eq!(
        shown,
        [
            ("Bidder 3", amount("1300")),
            ("Bidder 2", amount("1432.10"))
        ]
    );
}

#[test]
fn the_final_bid_is_never_public_before_round_three_ends() {
    let spec = stopped_by_p1().and([
        Event::SealedRoundClosed {
            bids: vec![placed(P2, "1400", at("16:20:00"))],
            at: round2_end(),
        },
        final_bid(P1, "1777", at("16:27:00")),
    ]);
    let public = json(&Dutch::public_view(spec.state(), at("16:30:29")).expect("view"));
    assert!(!public.contains("1777"), "{public}");
    let p2 = json(&Dutch::participant_view(spec.state(), P2, at("16:30:29")).expect("view"));
    assert!(!p2.contains("1777"), "{p2}");
    let p1 = Dutch::participant_view(spec.state(), P1, at("16:28:00")).expect("P1");
    assert_eq!(p1.own_bid, Some(amount("1777")));
    let allowed = p1.allowed.expect("round 3");
    assert_eq!(
        (allowed.min, allowed.confirm_from),
        (Some(amount("1500")), Some(amount("14000")))
    );
    let view = Dutch::public_view(spec.state(), round3_end()).expect("view");
    assert_eq!(view.final_bid.map(|b| b.amount), Some(amount("1777")));
    assert_eq!(view.status, Status::Finished);
    let ranking: Vec<_> = view.ranking.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(ranking, ["Bidder 1", "Bidder 2"]);
}

#[test]
fn bid_ids_never_show_in_public() {
    let spec = stopped_by_p1().and([Event::SealedRoundClosed {
        bids: vec![placed(P2, "1400", at("16:20:00"))],
        at: round2_end(),
    }]);
    for now in ["10:00:00", "16:00:00", "16:27:00", "17:00:00"] {
        let public = json(&Dutch::public_view(spec.state(), at(now)).expect("view"));
        for id in [P1, P2, P3] {
            assert!(!public.contains(id), "{id} at {now}: {public}");
        }
    }
}

#[test]
fn a_single_participant_sees_round_one_only() {
    // AD-7.
    let spec = Spec::<Dutch>::given([scheduled_from(&parameters_with("1000", &[P1]))]);
    let view = Dutch::public_view(spec.state(), at("10:00:00")).expect("view");
    assert_eq!(view.stages.len(), 100);
    assert_eq!(view.stages.last().map(|s| s.end), Some(round1_end()));
}

#[test]
fn an_auction_that_did_not_take_place_says_so() {
    let empty = Spec::<Dutch>::given([scheduled_from(&parameters_with("1000", &[]))]);
    let view = Dutch::public_view(empty.state(), t0()).expect("view");
    assert_eq!(view.status, Status::Unsuccessful);
    assert_eq!(
        view.unsuccessful,
        Some("Учасники відсутні. Аукціон не відбувся")
    );
    let unstopped = Spec::<Dutch>::given([scheduled()]);
    let view = Dutch::public_view(unstopped.state(), round1_end()).expect("view");
    assert_eq!(view.unsuccessful, Some("Аукціон не відбувся"));
    assert!(Dutch::participant_view(unstopped.state(), "X", t0()).is_none());
}
