//! Which intent each request body asks for, and the refusals of a status
//! the request may not name (their texts are those of the reference API).

use serde_json::json;

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

#[test]
fn a_tender_is_created_as_a_draft() {
    let mut input = tender_input();
    wire::check_new_tender(&input).expect("no status");
    input.status = Some("draft".into());
    wire::check_new_tender(&input).expect("a draft");
    input.status = Some("active.tendering".into());
    assert_refusal(
        wire::check_new_tender(&input).expect_err("not at creation"),
        "status",
        "Value must be one of ['draft'].",
    );
}

#[test]
fn a_tender_patch_edits_the_draft_or_activates_it() {
    let edit = |status: Option<&str>| TenderEdit {
        title: Some("x".into()),
        status: status.map(str::to_owned),
        ..TenderEdit::default()
    };
    let fields = Box::new(edit(None));
    for status in [None, Some("draft")] {
        assert_eq!(
            wire::tender_patch(owner(), edit(status)),
            Ok(Command::EditDraft {
                actor: owner(),
                edit: fields.clone(),
            })
        );
    }
    assert_eq!(
        wire::tender_patch(owner(), edit(Some("active.tendering"))),
        Ok(Command::Activate {
            actor: owner(),
            edit: fields,
            catalogue: None,
        })
    );
    assert_refusal(
        wire::tender_patch(owner(), edit(Some("complete"))).expect_err("no such change"),
        "status",
        "Value must be one of ['draft', 'active.tendering'].",
    );
}

#[test]
fn a_bid_is_submitted_unless_kept_a_draft() {
    let bid = |status: Option<&str>| -> BidInput {
        let mut bid = json!({
            "tenderers": [tenderer("11111111")],
            "value": {"amount": 100, "currency": "UAH"}
        });
        if let Some(status) = status {
            bid["status"] = json!(status);
        }
        serde_json::from_value(bid).expect("bid")
    };
    let stage = |status| match PriceQuotation::new_bid(owner(), bid(status), "t".into()) {
        Ok(Command::SubmitBid { stage, .. }) => Some(stage),
        _ => None,
    };
    assert_eq!(stage(None), Some(BidStage::Submitted));
    assert_eq!(stage(Some("pending")), Some(BidStage::Submitted));
    assert_eq!(stage(Some("draft")), Some(BidStage::Draft));
    assert_refusal(
        PriceQuotation::new_bid(owner(), bid(Some("active")), "t".into())
            .expect_err("not for a bidder"),
        "status",
        "Value must be one of ['draft', 'pending'].",
    );
    let submitted = PriceQuotation::bid_patch(
        owner(),
        "b".into(),
        BidEdit {
            status: Some("pending".into()),
            ..BidEdit::default()
        },
    );
    assert_eq!(
        submitted,
        Ok(Command::EditBid {
            actor: owner(),
            bid_id: "b".into(),
            edit: Box::default(),
            stage: Some(BidStage::Submitted),
        })
    );
}

#[test]
fn an_award_is_qualified_or_disqualified() {
    let patch = |status: Option<&str>, qualified: Option<bool>| {
        let edit = AwardEdit {
            status: status.map(str::to_owned),
            qualified,
            ..AwardEdit::default()
        };
        PriceQuotation::award_patch(owner(), "a".into(), edit)
    };
    let qualify = Command::QualifyAward {
        actor: owner(),
        award_id: "a".into(),
    };
    let disqualify = Command::DisqualifyAward {
        actor: owner(),
        award_id: "a".into(),
    };
    assert_eq!(patch(Some("active"), Some(true)), Ok(qualify));
    assert_eq!(patch(Some("unsuccessful"), Some(false)), Ok(disqualify));
    // The reference API: the decision must say `qualified`, and agree.
    for qualified in [None, Some(false)] {
        let refusal = patch(Some("active"), qualified).expect_err("not qualified");
        assert!(refusal.listed, "a list, as the reference writes it");
        assert_refusal(
            refusal,
            "qualified",
            "Can't update award to active status with not qualified",
        );
    }
    for qualified in [None, Some(true)] {
        let refusal = patch(Some("unsuccessful"), qualified).expect_err("not disqualified");
        assert!(refusal.listed);
        assert_refusal(
            refusal,
            "qualified",
            "Can't update award to unsuccessful status when qualified/eligible isn't set to False",
        );
    }
    assert_refusal(
        patch(Some("won"), None).expect_err("no such decision"),
        "status",
        "Value must be one of ['active', 'unsuccessful', 'cancelled'].",
    );
    assert_refusal(
        patch(None, Some(true)).expect_err("no decision"),
        "status",
        "This field is required.",
    );
}

#[test]
fn a_contract_patch_signs_it() {
    let patch = |status: Option<&str>| {
        let edit = ContractEdit {
            status: status.map(str::to_owned),
            ..ContractEdit::default()
        };
        PriceQuotation::contract_patch(owner(), "c".into(), edit)
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

#[test]
fn a_cancellation_is_drafted_then_activated() {
    let input = |status: Option<&str>| CancellationInput {
        reason: "no longer needed".into(),
        reason_type: "noDemand".into(),
        cancellation_of: None,
        status: status.map(str::to_owned),
    };
    assert!(matches!(
        wire::new_cancellation(owner(), input(Some("draft"))),
        Ok(Command::RequestCancellation { .. })
    ));
    assert_refusal(
        wire::new_cancellation(owner(), input(Some("active"))).expect_err("not at once"),
        "status",
        "Value must be one of ['draft']: attach the decision document, then activate",
    );
    let patch = |status: Option<&str>| {
        let edit = CancellationEdit {
            status: status.map(str::to_owned),
            reason: Some("another".into()),
            reason_type: None,
        };
        wire::cancellation_patch(owner(), "x".into(), edit)
    };
    for status in [None, Some("draft")] {
        assert_eq!(
            patch(status),
            Ok(Command::EditCancellation {
                actor: owner(),
                cancellation_id: "x".into(),
                reason: Some("another".into()),
                reason_type: None,
            })
        );
    }
    assert_eq!(
        patch(Some("active")),
        Ok(Command::ActivateCancellation {
            actor: owner(),
            cancellation_id: "x".into(),
            reason: Some("another".into()),
            reason_type: None,
        })
    );
    assert_refusal(
        patch(Some("cancelled")).expect_err("no such change"),
        "status",
        "Value must be one of ['draft', 'active'].",
    );
}
