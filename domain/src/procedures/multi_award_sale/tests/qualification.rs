//! The Organizer's decisions on the awards and what they set off: the
//! spec's award status table (TV-A), the qualification period's end and
//! the conditional winner it may choose (TV-D4…D7). The status tables are about where several steps lead, so
//! these specs drive a [`Sale`] and look at its state after each step.

use serde_json::json;

use super::super::*;
use super::fixtures::*;
use super::sale::Sale;
use crate::procedures::Requests;
use crate::procurement::RefusalKind::{Forbidden, Invalid, NotFound};
use crate::testing::event_types;

#[test]
fn tv_a1_promotion_after_disqualification_fits() {
    let mut g = Sale::qualification(1000, 100, 100, &[(700, 120), (200, 110), (400, 100)]);
    assert_eq!(g.awards(), ["pending", "pending", "pending_waiting"]);
    assert_eq!(g.remainder(), d(100));
    let events = g.disqualify(1);
    assert_eq!(event_types(&events), ["AwardDisqualified", "AwardPromoted"]);
    assert!(matches!(&events[1], Event::AwardPromoted { remainder, .. } if *remainder == d(800)));
    assert_eq!(g.awards(), ["unsuccessful", "pending", "pending"]);
    assert_eq!(g.contracts(), ["-", "-", "-"]);
    assert_eq!(g.remainder(), d(400));
    assert_eq!(g.allocation(), [d(0), d(200), d(400)]);
    assert_eq!(g.status(), "active_qualification");
    assert!(g.award(3).signing_period.is_some());
}

#[test]
fn tv_a2_promotion_does_not_fit_then_conditional_winner() {
    let mut g = Sale::qualification(1000, 100, 100, &[(100, 120), (200, 110), (900, 100)]);
    assert_eq!(g.awards(), ["pending", "pending", "pending_waiting"]);
    let events = g.disqualify(1);
    assert_eq!(event_types(&events), ["AwardDisqualified"]);
    assert_eq!(g.awards(), ["unsuccessful", "pending", "pending_waiting"]);
    assert_eq!(g.remainder(), d(800));
    g.qualify(2);
    assert_eq!(g.awards(), ["unsuccessful", "active", "pending_waiting"]);
    assert_eq!(g.contracts(), ["-", "pending", "-"]);
    assert_eq!(g.status(), "active_awarded");
    let events = g.sign(2);
    assert_eq!(
        event_types(&events),
        [
            "ContractSigned",
            "ConditionalWinnerChosen",
            "ProcedureStatusChanged"
        ]
    );
    assert_eq!(g.awards(), ["unsuccessful", "active", "pending_admission"]);
    assert_eq!(g.contracts(), ["-", "active", "-"]);
    assert_eq!(g.status(), "active_qualification");
    // U3 may accept any quantity in [100, 800].
    g.when(g.accept_command(3, json!(99)))
        .then_refused(Invalid, "quantity");
    g.when(g.accept_command(3, json!(801)))
        .then_refused(Invalid, "quantity");
    g.when(g.accept_command(3, json!(100))).then_events();
    g.apply(g.accept_command(3, json!(800)));
    assert_eq!(g.awards(), ["unsuccessful", "active", "pending"]);
    assert_eq!(g.quantity(3), d(800));
    assert_eq!(g.remainder(), d(0));
    assert_eq!(g.allocation(), [d(0), d(200), d(800)]);
}

#[test]
fn each_party_is_told_what_it_may_send() {
    let mut g = Sale::qualification(1000, 100, 100, &[(100, 120), (200, 110), (900, 100)]);
    g.disqualify(1);
    g.qualify(2);
    g.sign(2);
    assert_eq!(g.awards(), ["unsuccessful", "active", "pending_admission"]);
    let u3 = g.award(3).id.clone();
    // The conditional winner sending one of the Organizer's decisions.
    let refusal = g
        .when(Command::QualifyAward {
            actor: g.bid_owner(3),
            award_id: u3.clone(),
        })
        .then_refused(Invalid, "status");
    assert_eq!(
        refusal.description,
        "Value must be one of ['pending', 'cancelled']."
    );
    g.when(Command::DisqualifyAward {
        actor: g.bid_owner(3),
        award_id: u3.clone(),
        reason: "protocolNotSigned".into(),
    })
    .then_refused(Invalid, "terminationReason");
    // The Organizer sending the conditional winner's answers.
    g.when(Command::AcceptRemainder {
        actor: owner(),
        award_id: u3.clone(),
        quantity: "100".parse().expect("amount"),
    })
    .then_refused(Invalid, "quantity");
    let refusal = g
        .when(Command::RefuseRemainder {
            actor: owner(),
            award_id: u3,
        })
        .then_refused(Invalid, "status");
    assert_eq!(
        refusal.description,
        "Value must be one of ['active', 'unsuccessful']."
    );
}

#[test]
fn tv_a3_last_bid_does_not_fit() {
    let mut g = Sale::new(1000, 100, 100);
    for (quantity, price) in [(700, 120), (200, 110), (200, 100)] {
        g.place(json!(quantity), json!(price));
    }
    g.auction_running();
    let events = g.auction_unraised();
    assert_eq!(
        created_awards(&events),
        [
            (bid_id(1), "pending", d(700)),
            (bid_id(2), "pending", d(200)),
            (bid_id(3), "pending_waiting", d(200)),
        ]
    );
    assert_eq!(g.awards(), ["pending", "pending", "pending_waiting"]);
    assert_eq!(g.contracts(), ["-", "-", "-"]);
    assert_eq!(g.remainder(), d(100));
    assert_eq!(g.allocation(), [d(700), d(200), d(0)]);
}

#[test]
fn tv_a4_first_bid_takes_everything() {
    let mut g = Sale::qualification(1000, 100, 100, &[(1000, 120), (800, 110), (700, 100)]);
    assert_eq!(
        g.awards(),
        ["pending", "pending_waiting", "pending_waiting"]
    );
    assert_eq!(g.remainder(), d(0));
    g.qualify(1);
    assert_eq!(g.awards(), ["active", "pending_waiting", "pending_waiting"]);
    assert_eq!(g.contracts(), ["pending", "-", "-"]);
    let events = g.sign(1);
    assert_eq!(
        event_types(&events),
        [
            "ContractSigned",
            "WaitingAwardCancelled",
            "WaitingAwardCancelled"
        ]
    );
    assert_eq!(g.awards(), ["active", "cancelled", "cancelled"]);
    assert_eq!(g.contracts(), ["active", "-", "-"]);
    assert_eq!(g.status(), "active_awarded");
    g.apply(g.complete_command());
    assert_eq!(g.status(), "complete");
    assert_eq!(g.allocation(), [d(1000), d(0), d(0)]);
}

#[test]
fn tv_d5_qualification_period_end_with_remainder_below_minimal_part() {
    let mut g = Sale::qualification(1000, 200, 100, &[(900, 120), (300, 110)]);
    assert_eq!(g.awards(), ["pending", "pending_waiting"]);
    let events = g.qualification_period_ends();
    assert_eq!(event_types(&events), ["WaitingAwardCancelled"]);
    assert_eq!(g.awards(), ["pending", "cancelled"]);
    assert_eq!(g.allocation(), [d(900), d(0)]);
}

#[test]
fn tv_d6_disqualification_after_the_period_promotes_nobody() {
    let mut g = Sale::qualification(1000, 200, 100, &[(900, 120), (300, 110)]);
    g.qualification_period_ends();
    assert_eq!(g.awards(), ["pending", "cancelled"]);
    let events = g.disqualify(1);
    assert_eq!(
        event_types(&events),
        ["AwardDisqualified", "ProcedureStatusChanged"]
    );
    assert_eq!(g.awards(), ["unsuccessful", "cancelled"]);
    assert_eq!(g.status(), "unsuccessful");
    assert_eq!(g.allocation(), [d(0), d(0)]);
}

#[test]
fn tv_d6_variant_period_over_but_scheduler_late() {
    // The period is over but T1 has not run yet: the disqualification
    // still promotes nobody.
    let mut g = Sale::qualification(1000, 100, 100, &[(900, 120), (300, 110)]);
    let end = g.qualification_end();
    g.set_now(end);
    let events = g.disqualify(1);
    assert!(!event_types(&events).contains(&"AwardPromoted"));
}

#[test]
fn tv_d7_single_promotion_per_disqualification() {
    let mut g = Sale::qualification(1000, 100, 100, &[(800, 130), (300, 120), (100, 110)]);
    assert_eq!(
        g.awards(),
        ["pending", "pending_waiting", "pending_waiting"]
    );
    let events = g.disqualify(1);
    assert_eq!(event_types(&events), ["AwardDisqualified", "AwardPromoted"]);
    assert_eq!(g.awards(), ["unsuccessful", "pending", "pending_waiting"]);
    assert_eq!(g.remainder(), d(700));
    assert_eq!(g.allocation(), [d(0), d(300), d(0)]);
}

#[test]
fn award_decisions_need_their_documents_and_party() {
    let mut g = Sale::qualification(1000, 100, 100, &[(700, 130), (400, 120)]);
    let u1 = g.award(1).id.clone();
    // Activation without the protocol.
    let qualify = |actor| Command::QualifyAward {
        actor,
        award_id: u1.clone(),
    };
    g.when(qualify(owner())).then_refused(Invalid, "documents");
    // Disqualification without a document, reason or with a foreign reason.
    let disqualify = |reason: &str| Command::DisqualifyAward {
        actor: owner(),
        award_id: u1.clone(),
        reason: reason.to_owned(),
    };
    g.when(disqualify("protocolNotSigned"))
        .then_refused(Invalid, "documents");
    g.apply(Command::AddDocument {
        actor: owner(),
        target: Target::Award(u1.clone()),
        document: document("act"),
    });
    let without_reason = AwardEdit {
        status: Some("unsuccessful".into()),
        ..AwardEdit::default()
    };
    let refusal =
        MultiAwardSale::award_patch(owner(), u1.clone(), without_reason).expect_err("a reason");
    assert_eq!(
        (refusal.kind, refusal.name.as_str()),
        (Invalid, "terminationReason")
    );
    g.when(disqualify("because"))
        .then_refused(Invalid, "terminationReason");
    // Wrong party: the bidder, another broker, the auction service.
    g.when(qualify(bidder_actor("99999999")))
        .then_refused(Forbidden, "permission");
    g.when(qualify(auction()))
        .then_refused(Forbidden, "permission");
    // The participant can't answer while not a conditional winner.
    g.when(g.accept_command(1, json!(700)))
        .then_refused(Forbidden, "data");
    // The Organizer can't disqualify a waiting award (nor add a protocol).
    let u2 = g.award(2).id.clone();
    g.when(Command::DisqualifyAward {
        actor: owner(),
        award_id: u2.clone(),
        reason: "protocolNotSigned".into(),
    })
    .then_refused(Forbidden, "data");
    g.when(Command::AddDocument {
        actor: owner(),
        target: Target::Award(u2),
        document: document("auctionProtocol"),
    })
    .then_refused(Forbidden, "data");
    // Unknown award, a conditional winner's answer by the Organizer, foreign
    // document type.
    g.when(Command::QualifyAward {
        actor: owner(),
        award_id: "nope".into(),
    })
    .then_refused(NotFound, "award_id");
    g.when(Command::RefuseRemainder {
        actor: owner(),
        award_id: u1.clone(),
    })
    .then_refused(Invalid, "status");
    g.when(Command::AddDocument {
        actor: owner(),
        target: Target::Award(u1),
        document: document("contractSigned"),
    })
    .then_refused(Invalid, "documentType");
}

#[test]
fn disqualifying_every_winner_makes_the_procedure_unsuccessful() {
    let mut g = Sale::qualification(1000, 100, 100, &[(1000, 130)]);
    let events = g.disqualify(1);
    assert_eq!(
        event_types(&events),
        ["AwardDisqualified", "ProcedureStatusChanged"]
    );
    assert_eq!(g.status(), "unsuccessful");
}

#[test]
fn refusals_name_their_field_and_produce_no_events() {
    let g = Sale::qualification(1000, 200, 100, &[(600, 120), (500, 110)]);
    // The second award waits: it has no offer to accept yet.
    g.when(g.accept_command(2, json!(100)))
        .then_refused(Forbidden, "data");
    // Bidding is over once qualification runs.
    let refused = g
        .when(bid_command("5", json!(10), json!(1)))
        .then_refused(Forbidden, "data");
    assert!(refused.description.contains("add bid"), "{refused}");
}

#[test]
fn tv_d4_qualification_period_end_with_winners_still_pending() {
    let mut g = Sale::qualification(1000, 200, 100, &[(600, 120), (500, 110), (300, 100)]);
    assert_eq!(
        g.awards(),
        ["pending", "pending_waiting", "pending_waiting"]
    );
    let end = g
        .procedure()
        .qualification_period
        .as_ref()
        .and_then(|p| p.end_date)
        .expect("end");
    assert_eq!(next_check(g.state()), Some(end));
    let events = g.qualification_period_ends();
    assert_eq!(
        event_types(&events),
        ["ConditionalWinnerChosen", "WaitingAwardCancelled"]
    );
    assert_eq!(g.awards(), ["pending", "pending_admission", "cancelled"]);
    assert_eq!(g.contracts(), ["-", "-", "-"]);
    assert_eq!(g.status(), "active_qualification");
    g.when(g.accept_command(2, json!(401)))
        .then_refused(Invalid, "quantity");
    g.when(g.accept_command(2, json!(199)))
        .then_refused(Invalid, "quantity");
    g.apply(g.accept_command(2, json!(400)));
    assert_eq!(g.awards(), ["pending", "pending", "cancelled"]);
    assert_eq!(g.allocation(), [d(600), d(400), d(0)]);
    assert_eq!(g.remainder(), d(0));
    // Organizer inactivity changes nothing automatically.
    assert_eq!(next_check(g.state()), None);
}

#[test]
fn conditional_winner_quantity_follows_the_current_remainder() {
    // Q25: U1 still pending at T1; U2 offered 400; U1 then disqualified:
    // the remainder grows to 1000, recomputed at the answer, capped by
    // U2's own bid (500) — and nobody else is promoted.
    let mut g = Sale::qualification(1000, 200, 100, &[(600, 120), (500, 110), (300, 100)]);
    g.qualification_period_ends();
    assert_eq!(g.awards(), ["pending", "pending_admission", "cancelled"]);
    let events = g.disqualify(1);
    assert_eq!(event_types(&events), ["AwardDisqualified"]);
    assert_eq!(g.remainder(), d(1000));
    // Never more than the bid asked for.
    g.when(g.accept_command(2, json!(501)))
        .then_refused(Invalid, "quantity");
    g.apply(g.accept_command(2, json!(500)));
    assert_eq!(g.awards(), ["unsuccessful", "pending", "cancelled"]);
    assert_eq!(g.allocation(), [d(0), d(500), d(0)]);
}
