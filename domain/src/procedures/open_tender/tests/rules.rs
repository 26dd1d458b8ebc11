//! Smaller rules next to the vectors: activation checks A2/A5/A6 (spec
//! §4.3), config values (§2), bid value shapes V1 (§7.3), answers during
//! tendering and the procuring entity's kind (§4.2).

use serde_json::json;

use super::super::*;
use super::fixtures::*;
use crate::procurement::RefusalKind;
use crate::testing::Spec;

fn activate() -> Command {
    Command::Activate {
        actor: owner(),
        edit: Box::default(),
        slot: AuctionSlot(0),
    }
}

fn draft_with(tender: Tender) -> Vec<Event> {
    let mut events = vec![created_with(tender, Config::default())];
    events.extend(ready_documents());
    events
}

#[test]
fn activation_needs_a_contract_proforma() {
    let refused = Spec::<OpenTender>::given([created(), ready_documents()[1].clone()])
        .at(at("2027-01-01T00:10:05+02:00"))
        .when(activate())
        .then_refused(RefusalKind::Invalid, "contractTemplateName");
    assert_eq!(
        refused.description,
        "Either contractTemplateName or contractProforma document is required"
    );
}

/// A5/A6: the step is required with an auction, within 0.5 %–3 % of the
/// lot value (2.50 … 15.00 for 500; both bounds pass).
#[test]
fn activation_checks_the_lot_minimal_step() {
    let now = at("2027-01-01T00:10:05+02:00");
    let with_step = |step: Option<&str>| {
        let mut tender = tender();
        tender.lots[0].minimal_step = step.map(uah);
        Spec::<OpenTender>::given(draft_with(tender)).at(now)
    };
    with_step(None)
        .when(activate())
        .then_refused(RefusalKind::Invalid, "minimalStep");
    for passing in ["2.5", "15"] {
        with_step(Some(passing)).when(activate()).then_events();
    }
    for failing in ["2.49", "15.01"] {
        let refused = with_step(Some(failing))
            .when(activate())
            .then_refused(RefusalKind::Invalid, "data");
        assert_eq!(
            refused.description,
            "Minimal step value must be between 0.5% and 3% of value (with 2 digits precision)."
        );
    }
    with_step(Some("501"))
        .when(activate())
        .then_refused(RefusalKind::Invalid, "lots");
}

#[test]
fn config_values_outside_the_csv_are_refused() {
    assert_eq!(Config::default().validate(), Ok(()));
    let config: Config =
        serde_json::from_value(json!({"hasAuction": false, "hasValueRestriction": false}))
            .expect("a config");
    assert_eq!(config.validate(), Ok(()));
    assert!(config.completed().other.contains_key("hasPrequalification"));
    for (key, value) in [
        ("minBidsNumber", json!(2)),
        ("hasPrequalification", json!(true)),
        ("awardComplainDuration", json!(5)),
    ] {
        let config: Config = serde_json::from_value(json!({ key: value })).expect("a config");
        let refused = config.validate().expect_err("not allowed");
        assert_eq!(refused.name, format!("config.{key}"));
    }
    let rogue: Config = serde_json::from_value(json!({"madeUp": true})).expect("a config");
    assert_eq!(
        rogue.validate().expect_err("rogue").description,
        "Rogue field"
    );
}

fn submit(lot_values: serde_json::Value, value: Option<serde_json::Value>) -> Command {
    let mut body = json!({
        "tenderers": [organization("UA-IPN", "1")],
        "lotValues": lot_values,
        "items": [bid_item("100")]
    });
    if let Some(value) = value {
        body["value"] = value;
    }
    Command::SubmitBid {
        actor: bidder(1),
        bid: Box::new(serde_json::from_value(body).expect("a bid")),
        stage: BidStage::Submitted,
        token_hash: "bid-token-1".into(),
        transfer_hash: None,
    }
}

#[test]
fn v1_bid_value_shapes() {
    let spec = Spec::<OpenTender>::given(tendering()).at(at("2027-01-10T10:00:00+02:00"));
    let own = json!({"value": {"amount": 500}, "relatedLot": lot_id()});
    let refused = spec
        .when(submit(json!([own]), Some(json!({"amount": 500}))))
        .then_refused(RefusalKind::Invalid, "value");
    assert_eq!(
        refused.description,
        "value should be posted for each lot of bid"
    );
    spec.when(submit(json!([]), None))
        .then_refused(RefusalKind::Invalid, "lotValues");
    let refused = spec
        .when(submit(json!([own, own]), None))
        .then_refused(RefusalKind::Invalid, "lotValues");
    assert_eq!(refused.description, "bids don't allow duplicated proposals");
    let refused = spec
        .when(submit(
            json!([{"value": {"amount": 500}, "relatedLot": "elsewhere"}]),
            None,
        ))
        .then_refused(RefusalKind::Invalid, "lotValues");
    assert_eq!(
        refused.description,
        "[{\"relatedLot\": [\"relatedLot should be one of lots\"]}]"
    );
    let refused = spec
        .when(submit(
            json!([{"value": {"amount": 500, "valueAddedTaxIncluded": true}, "relatedLot": lot_id()}]),
            None,
        ))
        .then_refused(RefusalKind::Invalid, "lotValues");
    assert!(refused.description.contains("valueAddedTaxIncluded of bid"));
}

/// answers are taken in `active.tendering` too, until
/// `clarificationsUntil`.
#[test]
fn a_question_is_answered_in_tendering_before_clarifications_until() {
    let question = Question {
        id: "q1".into(),
        author: organization("UA-EDR", "00000001"),
        author_hash: "h".into(),
        title: "?".into(),
        description: None,
        question_of: "tender".into(),
        related_item: None,
        answer: None,
        date_answered: None,
        date: at("2027-01-02T00:00:00+02:00"),
    };
    let now = at("2027-01-08T12:00:00+02:00");
    Spec::<OpenTender>::given(tendering())
        .and([Event::QuestionAsked {
            question: Box::new(question),
        }])
        .at(now)
        .when(Command::AnswerQuestion {
            actor: owner(),
            question_id: "q1".into(),
            answer: "!".into(),
        })
        .then([Event::QuestionAnswered {
            question_id: "q1".into(),
            answer: "!".into(),
            at: now,
        }]);
}

#[test]
fn the_procuring_entity_kind_is_fixed_once_public() {
    let mut entity = organization("UA-EDR", "00037256");
    entity.kind = Some("special".into());
    let refused = Spec::<OpenTender>::given(enquiries())
        .at(at("2027-01-02T00:00:00+02:00"))
        .when(Command::Edit {
            actor: owner(),
            edit: Box::new(TenderEdit::from(TenderEditFields {
                procuring_entity: Some(entity.into()),
                ..TenderEditFields::default()
            })),
            slot: AuctionSlot(0),
            as_draft: false,
        })
        .then_refused(RefusalKind::Invalid, "procuringEntity");
    assert_eq!(
        refused.description,
        "Can't change procuringEntity.kind in a public tender"
    );
}

/// Q7: a command arriving after a due transition, before the scheduler
/// ran, is decided after it, in the same write.
#[test]
fn due_transitions_are_applied_before_a_command() {
    let question = Question {
        id: "q1".into(),
        author: organization("UA-EDR", "00000001"),
        author_hash: "h".into(),
        title: "?".into(),
        description: None,
        question_of: "tender".into(),
        related_item: None,
        answer: None,
        date_answered: None,
        date: at("2027-01-02T00:00:00+02:00"),
    };
    let start = at("2027-01-08T00:00:00+02:00");
    let now = at("2027-01-08T00:00:01+02:00");
    let spec = Spec::<OpenTender>::given(enquiries())
        .and([Event::QuestionAsked {
            question: Box::new(question),
        }])
        .at(now);
    spec.when(Command::AnswerQuestion {
        actor: owner(),
        question_id: "q1".into(),
        answer: "!".into(),
    })
    .then([
        Event::TenderingStarted { at: now },
        Event::QuestionAnswered {
            question_id: "q1".into(),
            answer: "!".into(),
            at: now,
        },
    ]);
    assert!(start < now);
    // A refused command writes nothing, not even the due transition.
    spec.when(Command::Edit {
        actor: owner(),
        edit: Box::default(),
        slot: AuctionSlot(0),
        as_draft: false,
    })
    .then_refused(RefusalKind::Forbidden, "data");
}
