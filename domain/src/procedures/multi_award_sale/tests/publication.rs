//! Publishing a sale and editing it while bids are taken.

use serde_json::{Value as Json, json};

use super::super::*;
use super::fixtures::*;
use super::sale::Sale;
use crate::Published;
use crate::procurement::RefusalKind::{Forbidden, Invalid};

#[test]
fn publication_sets_server_fields() {
    nothing()
        .when(create_command(procedure_json(
            json!(1000),
            json!(200),
            json!(100),
        )))
        .then([sale_created(1000, 200, 100)]);
    let spec = sale(1000, 200, 100);
    let procedure = spec.state().procedure.as_ref().expect("procedure");
    assert_eq!(procedure.status, ProcedureStatus::ActiveTendering);
    assert_eq!(procedure.owner, "broker-a");
    assert_eq!(procedure.auction_id, "BSM001-UA-20240301-00001");
    assert_eq!(procedure.tender_period.start_date, Some(t0()));
    assert_eq!(procedure.min_number_of_qualified_bids, 1);
    assert!(!procedure.value.value_added_tax_included);
    assert_eq!(procedure.minimal_step.amount.to_string(), "0.01");
    assert_eq!(
        procedure.value.value_per.as_ref().map(|u| u.code.as_str()),
        Some("TNE")
    );
    assert!(
        procedure.items[0]
            .id
            .as_deref()
            .is_some_and(|id| id.len() == 32)
    );
    assert_eq!(next_check(spec.state()), Some(tender_end()));
    let envelope = MultiAwardSale::public_envelope(spec.state()).expect("document");
    let data = &envelope["data"];
    assert_eq!(data["status"], json!("active_tendering"));
    assert_eq!(data["sellingMethod"], json!("basicSell-multiAwards"));
    assert_eq!(data["minimalPart"], json!(200.0));
    assert_eq!(data["items"][0]["quantity"], json!(1000.0));
    assert_eq!(data["value"]["amount"], json!(100.0));
    assert_eq!(data["title"]["uk_UA"], json!("Продаж пшениці частинами"));
    assert_eq!(data["datePublished"], json!("2024-03-01T12:00:00+02:00"));
    assert_eq!(data["next_check"], json!("2024-03-04T12:00:00+02:00"));
    assert_eq!(envelope["config"]["qualificationPeriodDays"], json!(20));
    assert_eq!(envelope["config"]["admissionPeriodDays"], json!(5));
    assert_eq!(MultiAwardSale::KIND, "basicSell-multiAwards");
}

#[test]
fn a_second_item_is_refused() {
    let mut input = procedure_json(json!(1000), json!(100), json!(100));
    let item = input["items"][0].clone();
    input["items"] = json!([item.clone(), item]);
    nothing()
        .when(create_command(input))
        .then_refused(Invalid, "items");
    let mut input = procedure_json(json!(1000), json!(100), json!(100));
    input["items"] = json!([]);
    nothing()
        .when(create_command(input))
        .then_refused(Invalid, "items");
}

#[test]
fn publication_validations_name_the_field() {
    let cases: Vec<(&str, Json, &str)> = vec![
        ("/minimalPart", json!(0), "minimalPart"),
        ("/minimalPart", json!(1001), "minimalPart"),
        (
            "/sellingMethod",
            json!("basicSell-english"),
            "sellingMethod",
        ),
        ("/value/currency", json!("GBP"), "value.currency"),
        ("/value/amount", json!(0), "value.amount"),
        ("/items/0/quantity", json!(0), "items.quantity"),
        (
            "/items/0/classification/id",
            json!("45000000-7"),
            "items.classification.id",
        ),
        (
            "/items/0/classification/scheme",
            json!("CPV"),
            "items.classification.scheme",
        ),
        (
            "/tenderPeriod/endDate",
            json!("2024-02-01T00:00:00+02:00"),
            "tenderPeriod.endDate",
        ),
        ("/lotId", json!(" "), "lotId"),
        (
            "/sellingEntity/contactPoint/email",
            Json::Null,
            "sellingEntity.contactPoint.email",
        ),
        (
            "/minNumberOfQualifiedBids",
            json!(3),
            "minNumberOfQualifiedBids",
        ),
        ("/previousAuctionId", json!("REM001"), "previousAuctionId"),
    ];
    for (pointer, value, field) in cases {
        let mut input = procedure_json(json!(1000), json!(100), json!(100));
        let (parent, key) = pointer.rsplit_once('/').expect("pointer");
        let target = if parent.is_empty() {
            &mut input
        } else {
            input.pointer_mut(parent).expect("parent exists")
        };
        target[key] = value;
        nothing()
            .when(create_command(input))
            .then_refused(Invalid, field);
    }
}

#[test]
fn editing_bidding_terms_deactivates_bids() {
    let mut g = Sale::new(1000, 200, 100);
    g.place(json!(300), json!(120));
    g.place(json!(500), json!(110));
    // A text edit keeps the bids.
    let events = g.apply(Command::Edit {
        actor: owner(),
        edit: Box::new(ProcedureEdit {
            title: Some(MultiLang::uk("Нова назва")),
            ..ProcedureEdit::default()
        }),
    });
    assert!(
        matches!(&events[..], [Event::ProcedureEdited { deactivated_bids, .. }] if deactivated_bids.is_empty())
    );
    // Raising the minimal part deactivates both.
    let events = g.apply(Command::Edit {
        actor: owner(),
        edit: Box::new(ProcedureEdit {
            minimal_part: Some("400".parse().expect("amount")),
            ..ProcedureEdit::default()
        }),
    });
    assert!(
        matches!(&events[..], [Event::ProcedureEdited { deactivated_bids, .. }] if *deactivated_bids == g.bids)
    );
    assert!(
        g.procedure()
            .bids
            .iter()
            .all(|b| b.status == BidStatus::Invalid)
    );
    // U1's 300 is now below the minimal part: it must change it to return.
    g.when(Command::EditBid {
        actor: g.bid_owner(1),
        bid_id: g.bids[0].clone(),
        edit: Box::default(),
        stage: Some(BidStage::Submitted),
    })
    .then_refused(Invalid, "quantity");
    g.apply(Command::EditBid {
        actor: g.bid_owner(1),
        bid_id: g.bids[0].clone(),
        edit: Box::new(BidEdit {
            quantity: Some("400".parse().expect("amount")),
            ..BidEdit::default()
        }),
        stage: None,
    });
    assert_eq!(g.procedure().bids[0].status, BidStatus::Active);
    // U2 does nothing: it does not take part.
    g.end_tendering();
    assert_eq!(g.status(), "active_qualification");
    assert_eq!(g.procedure().awards.len(), 1);
    assert_eq!(g.procedure().awards[0].bid_id, g.bids[0]);
}

#[test]
fn procedure_edits_outside_tendering_or_by_others_are_refused() {
    let mut g = Sale::new(1000, 200, 100);
    let edit = || {
        Box::new(ProcedureEdit {
            title: Some(MultiLang::uk("Інша")),
            ..ProcedureEdit::default()
        })
    };
    g.when(Command::Edit {
        actor: Actor::broker("broker-a", Some("wrong")),
        edit: edit(),
    })
    .then_refused(Forbidden, "permission");
    g.when(Command::Edit {
        actor: Actor::broker("broker-x", Some(OWNER_TOKEN)),
        edit: edit(),
    })
    .then_refused(Forbidden, "permission");
    g.when(Command::Edit {
        actor: owner(),
        edit: Box::new(ProcedureEdit {
            items: Some(vec![]),
            ..ProcedureEdit::default()
        }),
    })
    .then_refused(Invalid, "items");
    g.place(json!(300), json!(120));
    g.end_tendering();
    g.when(Command::Edit {
        actor: owner(),
        edit: edit(),
    })
    .then_refused(Forbidden, "data");
}

#[test]
fn zero_amounts_and_quantities_are_refused() {
    // A zero guarantee, value or lot quantity.
    for (field, value, name) in [
        (
            "guarantee",
            json!({"amount": 0, "currency": "UAH"}),
            "guarantee.amount",
        ),
        (
            "value",
            json!({"amount": 0.0, "currency": "UAH"}),
            "value.amount",
        ),
    ] {
        let mut input = procedure_json(json!(10), json!(1), json!(100));
        input[field] = value;
        nothing()
            .when(create_command(input))
            .then_refused(Invalid, name);
    }
    let input = procedure_json(json!(0), json!(1), json!(100));
    nothing()
        .when(create_command(input))
        .then_refused(Invalid, "items.quantity");
    // A guarantee of 0 by an edit.
    let mut g = Sale::new(10, 1, 100);
    g.when(Command::Edit {
        actor: owner(),
        edit: Box::new(
            serde_json::from_value(json!({"guarantee": {"amount": 0, "currency": "UAH"}}))
                .expect("edit"),
        ),
    })
    .then_refused(Invalid, "guarantee.amount");
    // A bid with a price or a quantity of 0, placed or edited.
    g.when(bid_command("00000042", json!(5), json!(0)))
        .then_refused(Invalid, "value.amount");
    g.when(bid_command("00000042", json!(0), json!(150)))
        .then_refused(Invalid, "quantity");
    let bid = g.place(json!(5), json!(150));
    for (edit, name) in [
        (
            json!({"value": {"amount": 0, "currency": "UAH"}}),
            "value.amount",
        ),
        (json!({"quantity": 0}), "quantity"),
    ] {
        g.when(Command::EditBid {
            actor: g.bid_owner(1),
            bid_id: bid.clone(),
            edit: Box::new(serde_json::from_value(edit).expect("edit")),
            stage: None,
        })
        .then_refused(Invalid, name);
    }
}
