//! After the results (V-1's: P1 `pending`, P2 `pending_waiting`): the
//! Organizer qualifies the winner on its protocol or disqualifies it, the
//! winner may refuse, either passing the award to the one waiting (Q18);
//! the signed contract completes the sale.

use serde_json::json;

use super::super::*;
use super::fixtures::*;
use crate::procedures::Requests;
use crate::procurement::RefusalKind::{Forbidden, Invalid, NotFound};
use crate::testing::{Spec, event_types};

type Sale = Spec<DutchSale>;

fn add_document(g: &mut Sale, target: Target, kind: &str) {
    g.step(Command::AddDocument {
        actor: owner(),
        target,
        document: document(kind),
    });
}

/// The Organizer uploads a `kind` document to participant `u`'s award.
fn award_document(g: &mut Sale, u: usize, kind: &str) {
    let target = Target::Award(award_of(g.state(), u));
    add_document(g, target, kind);
}

fn contract_document(g: &mut Sale, kind: &str) {
    let target = Target::Contract(contract_id(g));
    add_document(g, target, kind);
}

fn qualify(g: &Sale, u: usize) -> Command {
    Command::QualifyAward {
        actor: owner(),
        award_id: award_of(g.state(), u),
    }
}

fn disqualify(g: &Sale, u: usize, reason: &str) -> Command {
    Command::DisqualifyAward {
        actor: owner(),
        award_id: award_of(g.state(), u),
        reason: reason.to_owned(),
    }
}

fn refuse(g: &Sale, u: usize) -> Command {
    Command::RefuseAward {
        actor: bidder(u),
        award_id: award_of(g.state(), u),
    }
}

/// The winner's award qualified on its protocol.
fn qualified() -> Sale {
    let mut g = qualification();
    award_document(&mut g, 1, "auctionProtocol");
    g.step(qualify(&g, 1));
    g
}

fn contract_id(g: &Sale) -> String {
    procedure(g.state()).contracts[0].id.clone()
}

fn status(g: &Sale) -> &'static str {
    procedure(g.state()).status.as_str()
}

#[test]
fn qualifying_the_winner_needs_its_protocol_and_awaits_the_contract() {
    let mut g = qualification();
    assert_eq!(
        awards(g.state()),
        [(bid_id(1), "pending"), (bid_id(2), "pending_waiting")]
    );
    g.when(qualify(&g, 1)).then_refused(Invalid, "documents");
    award_document(&mut g, 1, "auctionProtocol");
    let events = g.step(qualify(&g, 1));
    assert_eq!(
        event_types(&events),
        [
            "AwardActivated",
            "ContractCreated",
            "ProcedureStatusChanged"
        ]
    );
    assert_eq!(
        awards(g.state()),
        [(bid_id(1), "active"), (bid_id(2), "pending_waiting")]
    );
    let contract = &procedure(g.state()).contracts[0];
    assert_eq!(contract.status, ContractStatus::Pending);
    assert_eq!(contract.award_id, award_of(g.state(), 1));
    assert_eq!(contract.value.amount, amount("1500"));
    assert_eq!(
        contract.contract_total_value.as_ref().map(|v| v.amount),
        Some(amount("1500"))
    );
    assert_eq!(contract.buyers[0].identifier.id, firm(1));
    assert_eq!(status(&g), "active_awarded");
    // Qualified once is enough.
    g.when(qualify(&g, 1)).then_refused(Forbidden, "data");
}

#[test]
fn the_signed_contract_completes_the_sale() {
    let mut g = qualified();
    let sign = |g: &Sale| Command::SignContract {
        actor: owner(),
        contract_id: contract_id(g),
    };
    g.when(sign(&g)).then_refused(Invalid, "documents");
    g.when(Command::SignContract {
        actor: bidder(1),
        contract_id: contract_id(&g),
    })
    .then_refused(Forbidden, "permission");
    contract_document(&mut g, "contractSigned");
    let at = g.now();
    g.when(sign(&g)).then([
        Event::ContractSigned {
            contract_id: contract_id(&g),
            at,
        },
        // P7(c): the award still waiting is decided too.
        Event::WaitingAwardCancelled {
            award_id: award_of(g.state(), 2),
            at,
        },
        Event::ProcedureStatusChanged {
            status: ProcedureStatus::Complete,
            at,
        },
    ]);
    g.step(sign(&g));
    assert_eq!(status(&g), "complete");
    let contract = &procedure(g.state()).contracts[0];
    assert_eq!(contract.status, ContractStatus::Active);
    assert_eq!(contract.date_signed, Some(at));
    // Nothing is left to decide, nor to cancel.
    g.when(disqualify(&g, 1, "contractNotSigned"))
        .then_refused(Forbidden, "data");
    g.when(cancel()).then_refused(Forbidden, "data");
}

#[test]
fn disqualification_needs_a_listed_reason_and_a_document_and_passes_the_award_on() {
    let mut g = qualification();
    let award = award_of(g.state(), 1);
    let without_reason = AwardEdit {
        status: Some("unsuccessful".into()),
        termination_reason: None,
    };
    let refusal = DutchSale::award_patch(owner(), award.clone(), without_reason)
        .expect_err("a reason is required");
    assert_eq!(
        (refusal.kind, refusal.name.as_str()),
        (Invalid, "terminationReason")
    );
    g.when(disqualify(&g, 1, "protocolNotSigned"))
        .then_refused(Invalid, "documents");
    add_document(&mut g, Target::Award(award.clone()), "rejectionProtocol");
    g.when(disqualify(&g, 1, "because"))
        .then_refused(Invalid, "terminationReason");
    let at = g.now();
    g.when(disqualify(&g, 1, "protocolNotSigned")).then([
        Event::AwardDisqualified {
            award_id: award.clone(),
            termination_reason: "protocolNotSigned".into(),
            at,
        },
        Event::AwardPromoted {
            award_id: award_of(g.state(), 2),
            at,
        },
    ]);
    g.step(disqualify(&g, 1, "protocolNotSigned"));
    assert_eq!(
        awards(g.state()),
        [(bid_id(1), "unsuccessful"), (bid_id(2), "pending")]
    );
    let promoted = &procedure(g.state()).awards[1];
    let started =
        |period: &Option<crate::procurement::Period>| period.as_ref().and_then(|p| p.start_date);
    assert_eq!(started(&promoted.verification_period), Some(at));
    assert_eq!(started(&promoted.signing_period), Some(at));
    assert_eq!(
        procedure(g.state()).awards[0].termination_reason.as_deref(),
        Some("protocolNotSigned")
    );
    assert_eq!(status(&g), "active_qualification");
    // An act serves as well; with nobody waiting the sale is unsuccessful.
    award_document(&mut g, 2, "act");
    let events = g.step(disqualify(&g, 2, "requirementsNotMet"));
    assert_eq!(
        event_types(&events),
        ["AwardDisqualified", "ProcedureStatusChanged"]
    );
    assert_eq!(
        awards(g.state()),
        [(bid_id(1), "unsuccessful"), (bid_id(2), "unsuccessful")]
    );
    assert_eq!(status(&g), "unsuccessful");
}

#[test]
fn disqualifying_a_qualified_winner_cancels_its_contract() {
    let mut g = qualified();
    award_document(&mut g, 1, "act");
    let events = g.step(disqualify(&g, 1, "contractNotSigned"));
    assert_eq!(
        event_types(&events),
        [
            "AwardDisqualified",
            "ContractCancelled",
            "AwardPromoted",
            "ProcedureStatusChanged"
        ]
    );
    assert_eq!(
        procedure(g.state()).contracts[0].status,
        ContractStatus::Cancelled
    );
    assert_eq!(
        awards(g.state()),
        [(bid_id(1), "unsuccessful"), (bid_id(2), "pending")]
    );
    assert_eq!(status(&g), "active_qualification");
}

#[test]
fn the_winner_refuses_with_its_bid_token_and_the_award_passes_on() {
    let mut g = qualification();
    let command = DutchSale::award_patch(
        bidder(1),
        award_of(g.state(), 1),
        AwardEdit {
            status: Some("cancelled".into()),
            termination_reason: None,
        },
    )
    .expect("a refusal");
    assert_eq!(command, refuse(&g, 1));
    let events = g.step(command);
    assert_eq!(event_types(&events), ["AwardRefused", "AwardPromoted"]);
    assert_eq!(
        awards(g.state()),
        [(bid_id(1), "cancelled"), (bid_id(2), "pending")]
    );
    // The promoted one refuses too: nobody is left.
    let events = g.step(refuse(&g, 2));
    assert_eq!(
        event_types(&events),
        ["AwardRefused", "ProcedureStatusChanged"]
    );
    assert_eq!(status(&g), "unsuccessful");
    // Once qualified, the winner can no longer refuse.
    let g = qualified();
    g.when(refuse(&g, 1)).then_refused(Forbidden, "data");
}

#[test]
fn each_party_is_told_what_it_may_send() {
    let g = qualification();
    let p1 = award_of(g.state(), 1);
    let p2 = award_of(g.state(), 2);
    // The winner sending the Organizer's decision: it may only refuse.
    let refusal = g
        .when(Command::QualifyAward {
            actor: bidder(1),
            award_id: p1.clone(),
        })
        .then_refused(Invalid, "status");
    assert_eq!(refusal.description, "Value must be one of ['cancelled'].");
    // The Organizer sending the winner's refusal.
    let refusal = g
        .when(Command::RefuseAward {
            actor: owner(),
            award_id: p1.clone(),
        })
        .then_refused(Invalid, "status");
    assert_eq!(
        refusal.description,
        "Value must be one of ['active', 'unsuccessful']."
    );
    // Strangers: another participant, another broker, the auction.
    for actor in [
        bidder(3),
        Actor::broker("broker-c", Some(OWNER_TOKEN)),
        auction_service(),
    ] {
        g.when(Command::QualifyAward {
            actor: actor.clone(),
            award_id: p1.clone(),
        })
        .then_refused(Forbidden, "permission");
        g.when(Command::RefuseAward {
            actor,
            award_id: p1.clone(),
        })
        .then_refused(Forbidden, "permission");
    }
    // The waiting award is nobody's to decide yet.
    g.when(refuse(&g, 2)).then_refused(Forbidden, "data");
    g.when(Command::QualifyAward {
        actor: owner(),
        award_id: p2.clone(),
    })
    .then_refused(Forbidden, "data");
    g.when(Command::DisqualifyAward {
        actor: owner(),
        award_id: p2.clone(),
        reason: "protocolNotSigned".into(),
    })
    .then_refused(Forbidden, "data");
    g.when(Command::AddDocument {
        actor: owner(),
        target: Target::Award(p2),
        document: document("auctionProtocol"),
    })
    .then_refused(Forbidden, "data");
    // Unknown awards; documents of another record's type.
    g.when(Command::QualifyAward {
        actor: owner(),
        award_id: "nope".into(),
    })
    .then_refused(NotFound, "award_id");
    g.when(Command::AddDocument {
        actor: owner(),
        target: Target::Award(p1),
        document: document("contractSigned"),
    })
    .then_refused(Invalid, "documentType");
    // Nothing of the kind before the results.
    auction_running(3)
        .when(Command::QualifyAward {
            actor: owner(),
            award_id: "nope".into(),
        })
        .then_refused(NotFound, "award_id");
}

#[test]
fn cancellation_needs_its_document_in_any_non_terminal_status() {
    published()
        .when(cancellation(vec![]))
        .then_refused(Invalid, "documents");
    published()
        .when(cancellation(vec![doc_json("act")]))
        .then_refused(Invalid, "documentType");
    published()
        .when(Command::Cancel {
            actor: bidder(1),
            cancellation: Box::new(
                serde_json::from_value(json!({
                    "reason": {"uk_UA": "Ні"},
                    "documents": [doc_json("cancellationDetails")]
                }))
                .expect("cancellation"),
            ),
        })
        .then_refused(Forbidden, "permission");
    for g in [
        published(),
        auction_running(2),
        qualification(),
        qualified(),
    ] {
        let state = g.when(cancel()).then_state();
        let sale = procedure(&state);
        assert_eq!(sale.status, ProcedureStatus::Cancelled);
        assert_eq!(sale.cancellations.len(), 1);
        assert_eq!(
            sale.cancellations[0].documents[0].document_type.as_deref(),
            Some("cancellationDetails")
        );
    }
}

#[test]
fn a_sale_that_has_ended_cannot_be_cancelled() {
    let cancelled = published().and(published().when(cancel()).then_events());
    let failed = auction_running(2).and([Event::AuctionFailed {
        reason: crate::auction::Unsuccessful::NoStop,
        at: round1_end(),
    }]);
    let mut complete = qualified();
    contract_document(&mut complete, "contractSigned");
    complete.step(Command::SignContract {
        actor: owner(),
        contract_id: contract_id(&complete),
    });
    for g in [cancelled, failed, complete] {
        let refusal = g.when(cancel()).then_refused(Forbidden, "data");
        assert!(
            refusal.description.contains("cancel procedure"),
            "{refusal}"
        );
    }
}
