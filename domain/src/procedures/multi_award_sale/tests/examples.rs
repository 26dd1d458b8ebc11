//! The spec's BSM examples (TV-B1…B4): every award's and contract's status
//! after every step, and the final allocation. They are about where the
//! steps lead, so they drive a [`Sale`] and look at its state.

use chrono::Duration;
use serde_json::json;

use super::super::*;
use super::fixtures::*;
use super::sale::{Sale, assert_refused_complete};
use crate::procurement::RefusalKind::{Forbidden, Invalid};
use crate::testing::event_types;

/// Q = 1000, minPrice 100, minimalPart 200 (common setup of B1–B4).
fn b_setup(bids: &[(i64, i64)]) -> Sale {
    Sale::qualification(1000, 200, 100, bids)
}

#[test]
fn tv_b1_everything_fits() {
    let mut g = b_setup(&[(200, 120), (300, 110), (400, 100)]);
    assert_eq!(g.awards(), ["pending", "pending", "pending"]);
    assert_eq!(g.remainder(), d(100));
    g.qualify(1);
    assert_eq!(g.awards(), ["active", "pending", "pending"]);
    assert_eq!(g.contracts(), ["pending", "-", "-"]);
    assert_eq!(g.status(), "active_awarded");
    g.qualify(2);
    assert_eq!(g.awards(), ["active", "active", "pending"]);
    assert_eq!(g.contracts(), ["pending", "pending", "-"]);
    g.qualify(3);
    assert_eq!(g.awards(), ["active", "active", "active"]);
    assert_eq!(g.contracts(), ["pending", "pending", "pending"]);
    g.sign(1);
    assert_eq!(g.contracts(), ["active", "pending", "pending"]);
    assert_refused_complete(&g);
    g.sign(2);
    assert_eq!(g.contracts(), ["active", "active", "pending"]);
    let events = g.sign(3);
    assert_eq!(
        event_types(&events),
        ["ContractSigned"],
        "no conditional winner"
    );
    assert_eq!(g.awards(), ["active", "active", "active"]);
    assert_eq!(g.contracts(), ["active", "active", "active"]);
    assert_eq!(g.status(), "active_awarded");
    g.apply(g.complete_command());
    assert_eq!(g.status(), "complete");
    assert_eq!(g.allocation(), [d(200), d(300), d(400)]);
    assert_eq!(g.remainder(), d(100), "100 remains with the Organizer");
    let contract = g.contract(3).expect("contract");
    assert_eq!(contract.value.amount.decimal(), d(100));
    assert_eq!(
        contract
            .contract_total_value
            .as_ref()
            .map(|v| v.amount.decimal()),
        Some(d(40000))
    );
    assert!(contract.date_signed.is_some());
}

#[test]
fn tv_b2_remainder_below_minimal_part_cancels_the_waiting_award() {
    let mut g = b_setup(&[(500, 120), (400, 110), (800, 100)]);
    // Step 0
    assert_eq!(g.awards(), ["pending", "pending", "pending_waiting"]);
    assert_eq!(g.contracts(), ["-", "-", "-"]);
    assert_eq!(g.remainder(), d(100));
    // Step 1
    g.qualify(1);
    assert_eq!(g.awards(), ["active", "pending", "pending_waiting"]);
    assert_eq!(g.contracts(), ["pending", "-", "-"]);
    assert_eq!(g.status(), "active_awarded");
    // Step 2
    g.qualify(2);
    assert_eq!(g.awards(), ["active", "active", "pending_waiting"]);
    assert_eq!(g.contracts(), ["pending", "pending", "-"]);
    // Step 3: T2 not ready, C2 pending
    g.sign(1);
    assert_eq!(g.awards(), ["active", "active", "pending_waiting"]);
    assert_eq!(g.contracts(), ["active", "pending", "-"]);
    // Step 4: T2 ready, 100 >= 200? no
    let events = g.sign(2);
    assert!(events.iter().any(|e| matches!(
        e,
        Event::WaitingAwardCancelled {
            reason: WaitingCancelReason::RemainderBelowMinimalPart,
            remainder,
            ..
        } if *remainder == d(100)
    )));
    assert_eq!(g.awards(), ["active", "active", "cancelled"]);
    assert_eq!(g.contracts(), ["active", "active", "-"]);
    assert_eq!(g.allocation(), [d(500), d(400), d(0)]);
    assert_eq!(g.remainder(), d(100));
    g.apply(g.complete_command());
    assert_eq!(g.status(), "complete");
}

fn b3_until_conditional_winner() -> Sale {
    let mut g = b_setup(&[(500, 120), (400, 110), (800, 100)]);
    assert_eq!(g.awards(), ["pending", "pending", "pending_waiting"]);
    assert_eq!(g.remainder(), d(100));
    // Step 1
    g.qualify(1);
    assert_eq!(g.awards(), ["active", "pending", "pending_waiting"]);
    assert_eq!(g.contracts(), ["pending", "-", "-"]);
    // Step 2: promotion check R = 500, U3 wants 800 → stays waiting
    let events = g.disqualify(2);
    assert_eq!(event_types(&events), ["AwardDisqualified"]);
    assert_eq!(g.awards(), ["active", "unsuccessful", "pending_waiting"]);
    assert_eq!(g.contracts(), ["pending", "-", "-"]);
    assert_eq!(g.status(), "active_awarded");
    // Step 3: T2 ready, R = 500 >= 200 → U3 offered 500
    let events = g.sign(1);
    assert!(events.iter().any(|e| matches!(
        e,
        Event::ConditionalWinnerChosen {
            trigger: ChoiceTrigger::WinnersSigned,
            remainder,
            ..
        } if *remainder == d(500)
    )));
    assert_eq!(g.awards(), ["active", "unsuccessful", "pending_admission"]);
    assert_eq!(g.contracts(), ["active", "-", "-"]);
    assert_eq!(g.status(), "active_qualification");
    g
}

#[test]
fn tv_b3_conditional_winner_accepts() {
    let mut g = b3_until_conditional_winner();
    // Validation sub-vectors: 199 and 501 refused; 200 and 500 accepted.
    g.when(g.accept_command(3, json!(199)))
        .then_refused(Invalid, "quantity");
    g.when(g.accept_command(3, json!(501)))
        .then_refused(Invalid, "quantity");
    g.when(g.accept_command(3, json!(200))).then_events();
    // Step 4a
    g.apply(g.accept_command(3, json!(500)));
    assert_eq!(g.awards(), ["active", "unsuccessful", "pending"]);
    assert_eq!(g.contracts(), ["active", "-", "-"]);
    assert_eq!(g.quantity(3), d(500));
    assert_eq!(g.award(3).value.amount.decimal(), d(100), "price stays");
    // Step 5a
    g.qualify(3);
    assert_eq!(g.awards(), ["active", "unsuccessful", "active"]);
    assert_eq!(g.contracts(), ["active", "-", "pending"]);
    assert_eq!(g.status(), "active_awarded");
    // Step 6a
    g.sign(3);
    assert_eq!(g.awards(), ["active", "unsuccessful", "active"]);
    assert_eq!(g.contracts(), ["active", "-", "active"]);
    assert_eq!(g.allocation(), [d(500), d(0), d(500)]);
    assert_eq!(g.remainder(), d(0));
    g.apply(g.complete_command());
    assert_eq!(g.status(), "complete");
}

#[test]
fn tv_b3_conditional_winner_refuses() {
    let mut g = b3_until_conditional_winner();
    // Step 4b
    let events = g.refuse(3);
    assert_eq!(event_types(&events), ["AdmissionRefused"]);
    assert_eq!(g.awards(), ["active", "unsuccessful", "cancelled"]);
    assert_eq!(g.contracts(), ["active", "-", "-"]);
    assert_eq!(g.allocation(), [d(500), d(0), d(0)]);
    assert_eq!(g.remainder(), d(500));
    assert_eq!(next_check(g.state()), None);
    // Q8: complete from active_qualification.
    assert_eq!(g.status(), "active_qualification");
    g.apply(g.complete_command());
    assert_eq!(g.status(), "complete");
}

#[test]
fn tv_b3_silent_refusal() {
    let mut g = b3_until_conditional_winner();
    let end = g
        .award(3)
        .admission_period
        .as_ref()
        .and_then(|p| p.end_date)
        .expect("admission period end");
    let start = g
        .award(3)
        .admission_period
        .as_ref()
        .and_then(|p| p.start_date)
        .expect("admission period start");
    assert_eq!(
        end,
        crate::calendar::Calendar::ukraine().add_working_days(start, 5)
    );
    assert_eq!(next_check(g.state()), Some(end));
    g.set_now(end - Duration::seconds(1));
    g.when(Command::CheckDue).then_nothing();
    g.set_now(end);
    // An answer after the end is refused even before the scheduler runs.
    g.when(g.accept_command(3, json!(500)))
        .then_refused(Forbidden, "data");
    let events = g.apply(Command::CheckDue);
    assert_eq!(event_types(&events), ["AdmissionExpired"]);
    assert_eq!(g.awards(), ["active", "unsuccessful", "cancelled"]);
    assert_eq!(g.contracts(), ["active", "-", "-"]);
    g.when(Command::CheckDue).then_nothing();
    assert_eq!(g.allocation(), [d(500), d(0), d(0)]);
}

#[test]
fn tv_b4_promotion_then_contract_stage_disqualification() {
    let mut g = b_setup(&[(400, 120), (500, 110), (300, 100)]);
    // Step 0
    assert_eq!(g.awards(), ["pending", "pending", "pending_waiting"]);
    assert_eq!(g.remainder(), d(100));
    // Step 1
    g.qualify(1);
    assert_eq!(g.awards(), ["active", "pending", "pending_waiting"]);
    assert_eq!(g.contracts(), ["pending", "-", "-"]);
    // Step 2: R = 600, 300 fits → U3 pending
    let events = g.disqualify(2);
    assert_eq!(event_types(&events), ["AwardDisqualified", "AwardPromoted"]);
    assert_eq!(g.awards(), ["active", "unsuccessful", "pending"]);
    assert_eq!(g.contracts(), ["pending", "-", "-"]);
    assert_eq!(g.status(), "active_awarded");
    // Step 3: T2 not ready (U3 pending)
    let events = g.sign(1);
    assert_eq!(
        event_types(&events),
        ["ContractSigned", "ProcedureStatusChanged"]
    );
    assert_eq!(g.awards(), ["active", "unsuccessful", "pending"]);
    assert_eq!(g.contracts(), ["active", "-", "-"]);
    assert_eq!(g.status(), "active_qualification");
    // Step 4
    g.qualify(3);
    assert_eq!(g.awards(), ["active", "unsuccessful", "active"]);
    assert_eq!(g.contracts(), ["active", "-", "pending"]);
    assert_eq!(g.status(), "active_awarded");
    // Step 5: contract-stage disqualification of U3
    let events = g.disqualify(3);
    assert_eq!(
        event_types(&events),
        ["AwardDisqualified", "ContractCancelled"]
    );
    assert_eq!(g.awards(), ["active", "unsuccessful", "unsuccessful"]);
    assert_eq!(g.contracts(), ["active", "-", "cancelled"]);
    assert_eq!(g.allocation(), [d(400), d(0), d(0)]);
    assert_eq!(g.remainder(), d(600));
    assert_eq!(g.status(), "active_awarded");
    g.apply(g.complete_command());
    assert_eq!(g.status(), "complete");
}
