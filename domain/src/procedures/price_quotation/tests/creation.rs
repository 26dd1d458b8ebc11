//! Creation, the owner's rights and their transfer.

use serde_json::json;

use super::super::*;
use super::fixtures::*;
use crate::procedures::common::disclosure;
use crate::procurement::RefusalKind;
use crate::testing::Spec;

#[test]
fn creation_sets_server_fields() {
    Spec::<PriceQuotation>::given([])
        .at(sept(20, 0))
        .when(create(tender_input()))
        .then([created()]);
    let spec = draft();
    let tender = tender(&spec);
    assert_eq!(tender.status, TenderStatus::Draft);
    assert_eq!(tender.owner, "broker");
    assert_eq!(tender.award_criteria, "lowestCost");
    assert_eq!(tender.tender_period.start_date, Some(sept(20, 0)));
    // VAT excluded when not said, the reference's default for this type.
    assert!(!tender.value.value_added_tax_included);
    let requirement =
        &tender.criteria.as_ref().expect("criteria")[0].requirement_groups[0].requirements[0];
    assert_eq!(requirement.status.as_deref(), Some("active"));
    assert_eq!(requirement.date_published, Some(sept(20, 0)));
    assert!(tender.contract_change_rationale_types.is_some());
    assert_eq!(
        spec.state().config.other.get("hasMultiSourcing"),
        Some(&json!(false))
    );
    assert!(
        tender.items[0]
            .id
            .as_deref()
            .is_some_and(|id| id.len() == 32)
    );
    let unit_value = tender.items[0]
        .unit
        .as_ref()
        .and_then(|u| u.value.as_ref())
        .expect("unit value");
    assert_eq!(unit_value.currency, "UAH");
    assert!(
        next_check(spec.state()).is_none(),
        "no transition pending in draft"
    );
    let document = disclosure::public_document::<PriceQuotation>(spec.state()).expect("document");
    assert_eq!(document["value"]["amount"], json!(22000.0));
    assert_eq!(document["dateCreated"], json!("2023-09-20T03:00:00+03:00"));
    assert!(document.get("next_check").is_none());
}

#[test]
fn only_the_owner_with_its_token_changes_the_tender() {
    let spec = draft();
    for actor in [
        Actor {
            broker: "broker".into(),
            token_hash: Some("wrong".into()),
        },
        Actor {
            broker: "broker".into(),
            token_hash: None,
        },
        Actor {
            broker: "other".into(),
            token_hash: Some("owner-token".into()),
        },
    ] {
        spec.when(Command::EditDraft {
            actor,
            edit: Box::new(TenderEdit {
                title: Some("x".into()),
                ..TenderEdit::default()
            }),
        })
        .then_refused(RefusalKind::Forbidden, "permission");
    }
}

#[test]
fn transfer_token_hands_the_tender_over() {
    let transfer = |transfer_hash: &str| Command::TransferOwnership {
        broker: "other".into(),
        transfer_hash: transfer_hash.into(),
        new_token_hash: "t2".into(),
        new_transfer_hash: "x2".into(),
    };
    let spec = draft();
    spec.when(transfer("nope"))
        .then_refused(RefusalKind::Forbidden, "permission");
    let transferred = Event::OwnershipTransferred {
        owner: "other".into(),
        token_hash: "t2".into(),
        transfer_hash: "x2".into(),
        at: sept(20, 0),
    };
    spec.when(transfer("transfer-token"))
        .then([transferred.clone()]);
    let spec = spec.and([transferred]);
    assert_eq!(tender(&spec).owner, "other");
    spec.when(edit(TenderEdit {
        title: Some("x".into()),
        ..TenderEdit::default()
    }))
    .then_refused(RefusalKind::Forbidden, "permission");
}
