//! Contracts, completion and the streams the events go to.

use super::super::*;
use super::fixtures::*;
use super::sale::{Sale, assert_refused_complete};
use crate::procurement::RefusalKind::{Forbidden, Invalid};
use crate::{DomainEvent, Scheduled};

#[test]
fn tv_d9_complete_guard() {
    let mut g = Sale::qualification(1000, 100, 100, &[(700, 130), (400, 120)]);
    assert_refused_complete(&g); // pending and pending_waiting awards
    g.qualify(1);
    assert_refused_complete(&g); // contract pending, award waiting
    g.sign(1);
    // T2: R = 300 ≥ 100 → U2 pending_admission.
    assert_eq!(g.awards(), ["active", "pending_admission"]);
    assert_refused_complete(&g);
    g.refuse(2);
    g.apply(g.complete_command());
    assert_eq!(g.status(), "complete");
    g.when(g.complete_command()).then_refused(Forbidden, "data");
}

#[test]
fn tv_d9_complete_needs_an_active_contract() {
    let mut g = Sale::qualification(1000, 100, 100, &[(700, 130)]);
    g.qualify(1);
    assert_refused_complete(&g);
}

#[test]
fn contracts_need_the_signed_document_and_the_owner() {
    let mut g = Sale::qualification(1000, 100, 100, &[(700, 130)]);
    g.qualify(1);
    let contract_id = g.contract(1).expect("contract").id.clone();
    let sign = |actor| Command::SignContract {
        actor,
        contract_id: contract_id.clone(),
    };
    g.when(sign(owner())).then_refused(Invalid, "documents");
    g.apply(Command::AddDocument {
        actor: owner(),
        target: Target::Contract(contract_id.clone()),
        document: document("contractSigned"),
    });
    g.when(sign(g.bid_owner(1)))
        .then_refused(Forbidden, "permission");
    g.apply(sign(owner()));
    assert_eq!(g.contracts(), ["active"]);
    // Signed: no second signature, and no contract-stage disqualification.
    g.when(sign(owner())).then_refused(Forbidden, "data");
    g.apply(Command::AddDocument {
        actor: owner(),
        target: Target::Award(g.award(1).id.clone()),
        document: document("rejectionProtocol"),
    });
    g.when(Command::DisqualifyAward {
        actor: owner(),
        award_id: g.award(1).id.clone(),
        reason: "contractNotSigned".into(),
    })
    .then_refused(Forbidden, "data");
}

#[test]
fn streams_follow_the_objects() {
    let mut g = Sale::qualification(1000, 200, 100, &[(500, 120), (400, 110), (800, 100)]);
    let events = g.qualify(1);
    let streams: Vec<String> = events.iter().map(|e| e.stream_id("p")).collect();
    let award = g.award(1).id.clone();
    let contract = g.contract(1).expect("contract").id.clone();
    assert_eq!(
        streams,
        [
            format!("award-{award}"),
            format!("contract-{contract}"),
            "tender-p".to_owned()
        ]
    );
    assert_eq!(MultiAwardSale::due_command(), Command::CheckDue);
}
