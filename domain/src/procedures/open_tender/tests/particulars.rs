//! The fields belowThreshold's model takes beyond the shared types
//! (`extended`, `Particulars`): kept and served as sent, a rogue field
//! still refused, and the one rule of ours, an inspector needs funders.

use serde_json::{Value as Json, json};

use super::super::*;
use super::fixtures::*;
use crate::procurement::RefusalKind;
use crate::testing::Spec;

fn party(code: &str) -> Json {
    json!({
        "name": "Глобальний фонд",
        "identifier": {"scheme": "XM-DAC", "id": code, "legalName": "Глобальний Фонд"},
        "additionalIdentifiers": [{"scheme": "UA-EDR", "id": "00000001"}],
        "address": {"countryName": "Швейцарська Конфедерація"}
    })
}

/// `H:tender-with-inspector-post-success`'s body, cut down, with `extra`
/// over it.
fn body(extra: Json) -> Json {
    let mut body = json!({
        "title": "футляри до державних нагород",
        "title_en": "Cases with state awards",
        "mode": "test",
        "mainProcurementCategory": "goods",
        "procuringEntity": {
            "name": "Державне управління справами",
            "identifier": {"scheme": "UA-EDR", "id": "00037256"},
            "address": {"countryName": "Україна"},
            "kind": "general",
            "signerInfo": {"name": "Test Testovich", "iban": "111111111111111"}
        },
        "value": {"amount": 500},
        "enquiryPeriod": {"endDate": "2027-01-08T00:00:00+02:00"},
        "tenderPeriod": {"endDate": "2027-01-15T00:00:00+02:00"},
        "items": [{"description": "футляри", "description_en": "Cases",
                   "description_ru": "футляры", "quantity": 5}]
    });
    if let (Json::Object(body), Json::Object(extra)) = (&mut body, extra) {
        body.extend(extra);
    }
    body
}

fn create(body: Json) -> Command {
    Command::Create {
        actor: owner(),
        id: "tender-1".into(),
        tender: Box::new(serde_json::from_value(body).expect("a tender input")),
        config: Config::default(),
        tender_id: TENDER_ID.into(),
        owner_token_hash: "owner-token".into(),
        transfer_token_hash: "transfer-token".into(),
        slot: AuctionSlot(0),
    }
}

fn created(body: Json) -> Json {
    let events = Spec::<OpenTender>::given([])
        .at(at("2027-01-01T00:00:00+02:00"))
        .when(create(body))
        .then_events();
    match events.as_slice() {
        [Event::TenderCreated { tender, .. }] => serde_json::to_value(tender).expect("serialises"),
        other => panic!("not a creation: {other:?}"),
    }
}

#[test]
fn the_reference_fields_are_kept_and_served_under_their_wire_names() {
    let tender = created(body(
        json!({"funders": [party("47045")], "inspector": party("47045")}),
    ));
    assert_eq!(tender["title_en"], "Cases with state awards");
    assert_eq!(tender["mode"], "test");
    assert_eq!(
        tender["procuringEntity"]["signerInfo"]["iban"],
        "111111111111111"
    );
    assert_eq!(tender["procuringEntity"]["kind"], "general");
    assert_eq!(tender["items"][0]["description_en"], "Cases");
    assert_eq!(tender["items"][0]["description_ru"], "футляры");
    assert_eq!(
        tender["funders"][0]["additionalIdentifiers"][0]["id"],
        "00000001"
    );
    assert_eq!(tender["inspector"]["identifier"]["scheme"], "XM-DAC");
    // Law 922's grounds for changing the contract, as the reference serves.
    assert_eq!(
        tender["contractChangeRationaleTypes"]["priceReduction"]["scheme"],
        "LAW922"
    );
}

#[test]
fn a_tender_without_lots_has_its_auction_planned_on_the_tender() {
    let tender = created(body(json!({})));
    assert_eq!(
        tender["auctionPeriod"]["shouldStartAfter"],
        "2027-01-15T00:00:00+02:00"
    );
    assert!(tender.get("lots").is_none());
}

#[test]
fn an_inspector_without_funders_is_refused() {
    let refusal = Spec::<OpenTender>::given([])
        .at(at("2027-01-01T00:00:00+02:00"))
        .when(create(body(json!({"inspector": party("47045")}))))
        .then_refused(RefusalKind::Invalid, "inspector");
    assert_eq!(
        refusal.description,
        "Inspector couldn't exist without funders"
    );
    assert!(refusal.listed);
}

#[test]
fn a_mode_other_than_test_is_refused() {
    let refusal = Spec::<OpenTender>::given([])
        .at(at("2027-01-01T00:00:00+02:00"))
        .when(create(body(json!({"mode": "live"}))))
        .then_refused(RefusalKind::Invalid, "mode");
    assert_eq!(refusal.description, "Value must be one of ['test'].");
}

#[test]
fn the_guarantee_is_an_amount_and_a_currency() {
    let tender = created(body(json!({"guarantee": {"amount": 8, "currency": "USD"}})));
    // Amounts are served as JSON floats, as the reference serves them.
    assert_eq!(
        tender["guarantee"],
        json!({"amount": 8.0, "currency": "USD"})
    );
    let vat = body(json!({"guarantee": {"amount": 8, "valueAddedTaxIncluded": true}}));
    assert!(serde_json::from_value::<TenderInput>(vat).is_err());
}

#[test]
fn a_rogue_field_inside_an_extended_type_is_still_refused() {
    let mut rogue = body(json!({}));
    rogue["procuringEntity"]["nickname"] = json!("ДУС");
    let error = serde_json::from_value::<TenderInput>(rogue)
        .expect_err("refused")
        .to_string();
    assert!(error.starts_with("unknown field `nickname`"), "{error}");
    let mut rogue = body(json!({}));
    rogue["items"][0]["colour"] = json!("red");
    let error = serde_json::from_value::<TenderInput>(rogue)
        .expect_err("refused")
        .to_string();
    assert!(error.starts_with("unknown field `colour`"), "{error}");
}
