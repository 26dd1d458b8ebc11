//! Which intent each request body asks for, and the refusals of what no
//! intent takes.

use serde_json::{Value as Json, json};

use super::super::*;
use super::fixtures::*;
use crate::procedures::Requests;
use crate::procurement::{Refusal, RefusalKind};

#[track_caller]
fn assert_refusal(refusal: Refusal, name: &str, description: &str) {
    assert_eq!(
        (
            refusal.kind,
            refusal.name.as_str(),
            refusal.description.as_str()
        ),
        (RefusalKind::Invalid, name, description)
    );
}

fn award_patch(edit: Json) -> Result<Command, Refusal> {
    let edit = serde_json::from_value(edit).expect("an award body");
    MultiAwardSale::award_patch(owner(), "a".into(), edit)
}

#[test]
fn an_award_patch_names_a_decision_or_an_answer() {
    let award_id = || "a".to_owned();
    assert_eq!(
        award_patch(json!({"status": "active"})),
        Ok(Command::QualifyAward {
            actor: owner(),
            award_id: award_id(),
        })
    );
    assert_eq!(
        award_patch(json!({"status": "unsuccessful", "terminationReason": "act"})),
        Ok(Command::DisqualifyAward {
            actor: owner(),
            award_id: award_id(),
            reason: "act".into(),
        })
    );
    assert_eq!(
        award_patch(json!({"status": "pending", "quantity": 5})),
        Ok(Command::AcceptRemainder {
            actor: owner(),
            award_id: award_id(),
            quantity: "5".parse().expect("amount"),
        })
    );
    assert_eq!(
        award_patch(json!({"status": "cancelled"})),
        Ok(Command::RefuseRemainder {
            actor: owner(),
            award_id: award_id(),
        })
    );
}

#[test]
fn an_award_patch_takes_only_the_fields_of_its_intent() {
    for (edit, name, description) in [
        (json!({}), "status", "This field is required."),
        (
            json!({"status": "pending_waiting"}),
            "status",
            "Value must be one of ['active', 'unsuccessful'].",
        ),
        (
            json!({"status": "active", "quantity": 5}),
            "quantity",
            "Only the conditional winner states a quantity",
        ),
        (
            json!({"status": "unsuccessful", "terminationReason": "act", "quantity": 5}),
            "quantity",
            "Only the conditional winner states a quantity",
        ),
        (
            json!({"status": "active", "terminationReason": "act"}),
            "terminationReason",
            "Only a disqualification has a termination reason",
        ),
        (
            json!({"status": "unsuccessful"}),
            "terminationReason",
            "This field is required.",
        ),
        (
            json!({"status": "pending", "quantity": 5, "terminationReason": "act"}),
            "terminationReason",
            "Only the Organizer states a termination reason",
        ),
        (
            json!({"status": "cancelled", "terminationReason": "act"}),
            "terminationReason",
            "Only the Organizer states a termination reason",
        ),
        (
            json!({"status": "pending"}),
            "quantity",
            "This field is required.",
        ),
        (
            json!({"status": "cancelled", "quantity": 5}),
            "quantity",
            "A refusal has no quantity",
        ),
    ] {
        let refusal = award_patch(edit.clone()).expect_err("no intent");
        assert_eq!(
            (refusal.name.as_str(), refusal.description.as_str()),
            (name, description),
            "{edit}"
        );
    }
}

#[test]
fn a_procedure_patch_edits_while_tendering_or_completes() {
    let patch =
        |edit: Json| wire::procedure_patch(owner(), serde_json::from_value(edit).expect("a body"));
    assert_eq!(
        patch(json!({"status": "complete"})),
        Ok(Command::Complete { actor: owner() })
    );
    let renamed = ProcedureEdit {
        lot_id: Some("LOT-2".into()),
        ..ProcedureEdit::default()
    };
    for edit in [
        json!({"lotId": "LOT-2"}),
        json!({"lotId": "LOT-2", "status": "active_tendering"}),
    ] {
        assert_eq!(
            patch(edit),
            Ok(Command::Edit {
                actor: owner(),
                edit: Box::new(renamed.clone()),
            })
        );
    }
    assert_refusal(
        patch(json!({"status": "complete", "lotId": "LOT-2"})).expect_err("two things"),
        "status",
        "Completion can't be combined with field edits",
    );
    assert_refusal(
        patch(json!({"status": "cancelled"})).expect_err("not by a PATCH"),
        "status",
        "Value must be one of ['active_tendering', 'complete'].",
    );
}

#[test]
fn a_bid_is_active_unless_kept_a_draft() {
    let stage = |status: Option<&str>| {
        let Command::SubmitBid { bid, .. } = bid_command("11111111", json!(300), json!(120)) else {
            unreachable!()
        };
        let bid = BidInput {
            status: status.map(str::to_owned),
            ..*bid
        };
        match MultiAwardSale::new_bid(owner(), bid, "t".into()) {
            Ok(Command::SubmitBid { stage, .. }) => Ok(stage),
            Ok(other) => panic!("{other:?}"),
            Err(refusal) => Err(refusal.description),
        }
    };
    assert_eq!(stage(None), Ok(BidStage::Submitted));
    assert_eq!(stage(Some("active")), Ok(BidStage::Submitted));
    assert_eq!(stage(Some("draft")), Ok(BidStage::Draft));
    assert_eq!(
        stage(Some("pending")),
        Err("Value must be one of ['draft', 'active'].".to_owned())
    );
    let confirmed = BidEdit {
        status: Some("active".into()),
        ..BidEdit::default()
    };
    assert_eq!(
        MultiAwardSale::bid_patch(owner(), "b".into(), confirmed),
        Ok(Command::EditBid {
            actor: owner(),
            bid_id: "b".into(),
            edit: Box::default(),
            stage: Some(BidStage::Submitted),
        })
    );
}

#[test]
fn a_contract_patch_signs_it() {
    let patch = |status: Option<&str>| {
        let edit = ContractEdit {
            status: status.map(str::to_owned),
        };
        MultiAwardSale::contract_patch(owner(), "c".into(), edit)
    };
    assert_eq!(
        patch(Some("active")),
        Ok(Command::SignContract {
            actor: owner(),
            contract_id: "c".into(),
        })
    );
    assert_refusal(
        patch(Some("cancelled")).expect_err("not by a PATCH"),
        "status",
        "Value must be one of ['active'].",
    );
    assert_refusal(
        patch(None).expect_err("no decision"),
        "status",
        "This field is required.",
    );
}
