//! Publishing a Dutch sale (the CDB sets its auction's start, Q3, and the
//! tender period runs to the end of round 1, AD-3) and editing it while
//! bids are taken.

use serde_json::{Value as Json, json};

use super::super::*;
use super::fixtures::*;
use crate::procurement::MultiLang;
use crate::procurement::RefusalKind::{Forbidden, Invalid};
use crate::testing::Spec;
use crate::{Decider, Published, Scheduled};

#[test]
fn publication_sets_the_auction_start_and_the_tender_period() {
    nothing()
        .when(create_command(procedure_json()))
        .then([created()]);
    let spec = published();
    let sale = procedure(spec.state());
    assert_eq!(sale.status, ProcedureStatus::ActiveTendering);
    assert_eq!(sale.owner, "broker-a");
    // Q3: the fifth working day after Thursday the 7th is Thursday the
    // 14th; 09:30 + 40958 mod 30 = 8 minutes.
    assert_eq!(
        sale.auction_start(),
        Some(kyiv("2024-03-14T09:38:00+02:00"))
    );
    // AD-3: bids are taken until round 1 ends: the 30 s pause and the
    // 6 h 45 min of round 1 after the start.
    assert_eq!(sale.tender_period.start_date, Some(t0()));
    assert_eq!(sale.bids_close(), Some(kyiv("2024-03-14T16:23:30+02:00")));
    assert_eq!(sale.auction_period.end_date, None);
    assert_eq!(sale.auction_parameters.dutch_step_quantity, STEPS);
    assert_eq!(DutchSale::next_check(spec.state()), Some(auction_start()));
    let envelope = DutchSale::public_envelope(spec.state()).expect("document");
    let data = &envelope["data"];
    assert_eq!(data["sellingMethod"], json!("basicSell-dutch"));
    assert_eq!(
        data["auctionPeriod"]["startDate"],
        json!("2024-03-14T09:38:00+02:00")
    );
    assert_eq!(
        data["tenderPeriod"]["endDate"],
        json!("2024-03-14T16:23:30+02:00")
    );
    assert_eq!(data["next_check"], json!("2024-03-14T09:38:00+02:00"));
    assert_eq!(envelope["config"]["tenderingWorkingDays"], json!(5));
    assert_eq!(DutchSale::KIND, "basicSell-dutch");
}

#[test]
fn the_start_minute_is_the_auction_number_mod_30_on_the_fifth_working_day() {
    let start = |published: &str, auction_id: &str| {
        let state = Spec::<DutchSale>::given([])
            .at(kyiv(published))
            .when(create_with(procedure_json(), auction_id))
            .then_state();
        crate::time::format_kyiv(procedure(&state).auction_start().expect("start"))
    };
    let thursday = "2024-03-07T15:00:00+02:00";
    assert_eq!(
        start(thursday, "BSD001-UA-20240307-40950"),
        "2024-03-14T09:30:00+02:00"
    );
    assert_eq!(
        start(thursday, "BSD001-UA-20240307-40979"),
        "2024-03-14T09:59:00+02:00"
    );
    // A Friday publication: Monday to Friday of the next week.
    assert_eq!(
        start("2024-03-15T11:00:00+02:00", "BSD001-UA-20240315-00031"),
        "2024-03-22T09:31:00+02:00"
    );
    // The tender period always ends with round 1.
    let state = Spec::<DutchSale>::given([])
        .at(kyiv(thursday))
        .when(create_with(procedure_json(), "BSD001-UA-20240307-40979"))
        .then_state();
    assert_eq!(
        procedure(&state).bids_close().map(crate::time::format_kyiv),
        Some("2024-03-14T16:44:30+02:00".to_owned())
    );
}

#[test]
fn publication_refusals_name_the_field() {
    let cases: Vec<(&str, Json, &str)> = vec![
        (
            "/sellingMethod",
            json!("basicSell-english"),
            "sellingMethod",
        ),
        ("/lotId", json!(" "), "lotId"),
        ("/minimalStep/amount", json!(1500), "minimalStep.amount"),
        ("/minimalStep/amount", json!(2000), "minimalStep.amount"),
        (
            "/minimalStep/currency",
            json!("USD"),
            "minimalStep.currency",
        ),
        ("/value/currency", json!("GBP"), "value.currency"),
        ("/value/amount", json!(0), "value.amount"),
        (
            "/auctionParameters/dutchStepQuantity",
            json!(0),
            "auctionParameters.dutchStepQuantity",
        ),
        (
            "/auctionParameters/dutchStepQuantity",
            json!(100),
            "auctionParameters.dutchStepQuantity",
        ),
        (
            "/auctionParameters/type",
            json!("english"),
            "auctionParameters.type",
        ),
        ("/items", json!([]), "items"),
        ("/items/0/quantity", json!(0), "items.quantity"),
        ("/items/0/unit", Json::Null, "items.unit"),
        (
            "/items/0/classification/id",
            json!("45000000-7"),
            "items.classification.id",
        ),
        (
            "/sellingEntity/contactPoint/email",
            Json::Null,
            "sellingEntity.contactPoint.email",
        ),
        ("/previousAuctionId", json!("REM001"), "previousAuctionId"),
    ];
    for (pointer, value, field) in cases {
        let mut input = procedure_json();
        let (parent, key) = pointer.rsplit_once('/').expect("pointer");
        let target = if parent.is_empty() {
            &mut input
        } else {
            input.pointer_mut(parent).expect("parent exists")
        };
        target[key] = value;
        let refusal = nothing()
            .when(create_command(input))
            .then_refused(Invalid, field);
        assert!(!refusal.description.is_empty(), "{pointer}");
    }
    // The bounds themselves are accepted: 1 and 99 steps.
    for steps in [1, 99] {
        let mut input = procedure_json();
        input["auctionParameters"]["dutchStepQuantity"] = json!(steps);
        let state = nothing().when(create_command(input)).then_state();
        assert_eq!(
            procedure(&state).auction_parameters.dutch_step_quantity,
            steps
        );
    }
    // Without auctionParameters the auction has 99 steps.
    let mut input = procedure_json();
    input
        .as_object_mut()
        .expect("object")
        .remove("auctionParameters");
    let state = nothing().when(create_command(input)).then_state();
    assert_eq!(procedure(&state).auction_parameters.dutch_step_quantity, 99);
}

#[test]
fn a_body_without_a_lot_id_or_with_periods_is_no_publication() {
    for (field, change) in [
        ("lotId", None),
        (
            "tenderPeriod",
            Some(json!({"endDate": "2024-03-20T00:00:00+02:00"})),
        ),
        (
            "auctionPeriod",
            Some(json!({"startDate": "2024-03-20T09:30:00+02:00"})),
        ),
    ] {
        let mut input = procedure_json();
        let object = input.as_object_mut().expect("object");
        match change {
            None => object.remove(field),
            Some(value) => object.insert(field.to_owned(), value),
        };
        let error = serde_json::from_value::<ProcedureInput>(input).expect_err(field);
        assert!(error.to_string().contains(field), "{field}: {error}");
    }
}

#[test]
fn only_a_broker_publishes_and_only_once() {
    let Command::Create {
        id,
        auction_id,
        procedure,
        config,
        owner_token_hash,
        ..
    } = create_command(procedure_json())
    else {
        unreachable!()
    };
    nothing()
        .when(Command::Create {
            actor: auction_service(),
            id: id.clone(),
            auction_id: auction_id.clone(),
            procedure: procedure.clone(),
            config: config.clone(),
            owner_token_hash: owner_token_hash.clone(),
        })
        .then_refused(Forbidden, "permission");
    published()
        .when(create_command(procedure_json()))
        .then_refused(Forbidden, "data");
    // A config the auction cannot run on is refused naming its field.
    nothing()
        .when(Command::Create {
            actor: Actor::broker("broker-a", None),
            id,
            auction_id,
            procedure,
            config: Config {
                dutch_round_seconds: 60,
                ..Config::default()
            },
            owner_token_hash,
        })
        .then_refused(Invalid, "config.dutchRoundSeconds");
}

fn edit(body: Json) -> Command {
    edit_by(owner(), body)
}

fn edit_by(actor: Actor, body: Json) -> Command {
    Command::Edit {
        actor,
        edit: Box::new(serde_json::from_value(body).expect("valid edit")),
    }
}

#[test]
fn the_organizer_edits_texts_and_the_seller_while_bids_are_taken() {
    let g = published().and(bids(1));
    let events = g
        .when(edit(
            json!({"title": {"uk_UA": "Нова назва"}, "lotId": "LOT-2"}),
        ))
        .then_events();
    assert!(matches!(&events[..], [Event::ProcedureEdited { .. }]));
    let state = g
        .when(edit(json!({"title": {"uk_UA": "Нова назва"}})))
        .then_state();
    assert_eq!(procedure(&state).title, MultiLang::uk("Нова назва"));
    // The bids stay as they were.
    assert_eq!(procedure(&state).bids[0].status, BidStatus::Active);
    // An edit that breaks a field rule names the field; an empty one is
    // nothing.
    g.when(edit(json!({"lotId": " "})))
        .then_refused(Invalid, "lotId");
    g.when(edit(json!({}))).then_nothing();
}

#[test]
fn the_terms_and_periods_are_fixed_at_publication() {
    let g = published();
    for (field, value) in [
        ("value", json!({"amount": 1000, "currency": "UAH"})),
        ("minimalStep", json!({"amount": 50, "currency": "UAH"})),
        ("guarantee", json!({"amount": 150, "currency": "UAH"})),
        ("items", json!([])),
        ("auctionParameters", json!({"dutchStepQuantity": 10})),
        (
            "tenderPeriod",
            json!({"endDate": "2024-03-20T00:00:00+02:00"}),
        ),
        (
            "auctionPeriod",
            json!({"startDate": "2024-03-20T09:30:00+02:00"}),
        ),
        ("sellingMethod", json!("basicSell-dutch-fast")),
        ("status", json!("cancelled")),
    ] {
        let mut body = json!({"title": {"uk_UA": "Нова назва"}});
        body[field] = value;
        g.when(edit(body)).then_refused(Invalid, field);
    }
}

#[test]
fn only_the_owner_edits_and_only_while_active_tendering() {
    let g = published();
    let title = json!({"title": {"uk_UA": "Нова назва"}});
    g.when(edit_by(
        Actor::broker("broker-b", Some(OWNER_TOKEN)),
        title.clone(),
    ))
    .then_refused(Forbidden, "permission");
    g.when(edit_by(
        Actor::broker("broker-a", Some("other")),
        title.clone(),
    ))
    .then_refused(Forbidden, "permission");
    g.when(edit_by(Actor::broker("broker-a", None), title.clone()))
        .then_refused(Forbidden, "permission");
    let running = g.and([auction_started()]);
    let refusal = running
        .when(edit(title.clone()))
        .then_refused(Forbidden, "data");
    assert!(refusal.description.contains("active_auction"), "{refusal}");
    let cancelled = published().and(published().when(cancel()).then_events());
    cancelled.when(edit(title)).then_refused(Forbidden, "data");
}
