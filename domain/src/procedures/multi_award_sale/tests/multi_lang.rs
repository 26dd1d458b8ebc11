//! The sale's texts are `base.multiLang` (spec §7): the rules a text
//! obeys, and the events written before texts became multiLang.

use serde_json::{Value as Json, json};

use super::super::*;
use super::fixtures::*;
use crate::event::DomainEvent;
use crate::procurement::RefusalKind::Invalid;
use crate::testing::assert_round_trip;

/// `input` with the value at `pointer` replaced by `value`.
fn with(mut input: Json, pointer: &str, value: Json) -> Json {
    *input.pointer_mut(pointer).expect("pointer exists") = value;
    input
}

#[test]
fn texts_without_ukrainian_name_the_language_where_the_spec_requires_it() {
    let english = json!({"en_US": "Wheat"});
    for (pointer, field) in [
        ("/title", "title.uk_UA"),
        ("/description", "description.uk_UA"),
        ("/items/0/description", "items.description.uk_UA"),
        (
            "/sellingEntity/identifier/legalName",
            "sellingEntity.identifier.legalName.uk_UA",
        ),
        (
            "/sellingEntity/address/countryName",
            "sellingEntity.address.countryName.uk_UA",
        ),
        (
            "/sellingEntity/address/streetAddress",
            "sellingEntity.address.streetAddress.uk_UA",
        ),
        (
            "/sellingEntity/contactPoint/name",
            "sellingEntity.contactPoint.name.uk_UA",
        ),
    ] {
        let input = with(
            procedure_json(json!(1000), json!(100), json!(100)),
            pointer,
            english.clone(),
        );
        nothing()
            .when(create_command(input))
            .then_refused(Invalid, field);
    }
}

#[test]
fn optional_texts_take_any_language_but_no_blank_or_empty_one() {
    let input = with(
        procedure_json(json!(1000), json!(100), json!(100)),
        "/items/0/unit/name",
        json!({"en_US": "tonne"}),
    );
    assert!(
        nothing()
            .when(create_command(input))
            .then_events()
            .iter()
            .any(|event| matches!(event, Event::ProcedureCreated { .. }))
    );
    for (pointer, value, field) in [
        ("/items/0/unit/name", json!({}), "items.unit.name"),
        (
            "/sellingEntity/name",
            json!({"uk_UA": " "}),
            "sellingEntity.name.uk_UA",
        ),
        (
            "/title",
            json!({"uk_UA": "Пшениця", "en_US": ""}),
            "title.en_US",
        ),
    ] {
        let input = with(
            procedure_json(json!(1000), json!(100), json!(100)),
            pointer,
            value,
        );
        nothing()
            .when(create_command(input))
            .then_refused(Invalid, field);
    }
}

#[test]
fn a_bidder_needs_its_texts_in_ukrainian_and_a_cancellation_a_reason() {
    let mut bid = bid_command("10000001", json!(300), json!(120));
    if let Command::SubmitBid { bid, .. } = &mut bid {
        bid.bidders[0].address.locality = Some(MultiLang::default().with("en_US", "Kyiv"));
    }
    sale(1000, 100, 100)
        .when(bid)
        .then_refused(Invalid, "bidders.address.locality.uk_UA");
    let mut cancellation = cancel();
    if let Command::Cancel { cancellation, .. } = &mut cancellation {
        cancellation.reason = MultiLang::default();
    }
    sale(1000, 100, 100)
        .when(cancellation)
        .then_refused(Invalid, "reason");
}

#[test]
fn requests_must_send_the_object_not_a_plain_string() {
    let input = with(
        procedure_json(json!(1000), json!(100), json!(100)),
        "/items/0/description",
        json!("Пшениця"),
    );
    assert!(serde_json::from_value::<ProcedureInput>(input).is_err());
    let rogue = with(
        procedure_json(json!(1000), json!(100), json!(100)),
        "/title",
        json!({"uk_UA": "Пшениця", "pl_PL": "Pszenica"}),
    );
    assert!(serde_json::from_value::<ProcedureInput>(rogue).is_err());
}

/// A `ProcedureCreated` and a `BidSubmitted` as the sale wrote them before
/// its texts became multiLang (schema version 1).
#[test]
fn old_events_with_plain_strings_still_decode() {
    let old_organization = json!({
        "name": "ТОВ «Продавець»",
        "nameEn": "Seller LLC",
        "identifier": {"scheme": "UA-EDR", "id": "00000001", "legalName": "ТОВ «Продавець»"},
        "address": {
            "countryName": "Україна",
            "region": "Київ",
            "locality": "Київ",
            "streetAddress": "вул. Хрещатик, 1"
        },
        "contactPoint": {"name": "Контакт", "email": "a@example.com", "telephone": "+380440000000"},
        "kind": "general"
    });
    let at = "2024-03-01T12:00:00+02:00";
    let created = json!({
        "config": {"admissionPeriodDays": 5, "qualificationPeriodDays": 20},
        "owner_token_hash": OWNER_TOKEN,
        "procedure": {
            "id": "5af2c4e0d7b24d0e9b3c1a2f8e7d6c5b",
            "auctionId": "BSM001-UA-20240301-00001",
            "owner": "broker-a",
            "status": "active_tendering",
            "sellingMethod": "basicSell-multiAwards",
            "sellingEntity": old_organization,
            "lotId": "LOT-1",
            "title": {"uk_UA": "Продаж пшениці частинами"},
            "description": {"uk_UA": "Пшениця 3 класу"},
            "xDocumentRequirements": {"uk_UA": "Витяг з ЄДР"},
            "value": {
                "amount": 100,
                "currency": "UAH",
                "valueAddedTaxIncluded": false,
                "valueAddedTaxCharged": false,
                "valuePer": {"code": "TNE", "name": "тонна"}
            },
            "minimalStep": {"amount": 0.01, "currency": "UAH", "valueAddedTaxIncluded": false},
            "minNumberOfQualifiedBids": 1,
            "minimalPart": 100,
            "items": [{
                "id": "00000000000000000000000000000001",
                "description": "Пшениця",
                "descriptionEn": "Wheat",
                "classification": {"scheme": "CAV", "id": "03211100-4", "description": "Пшениця"},
                "quantity": 1000,
                "unit": {"code": "TNE", "name": "тонна"}
            }],
            "tenderPeriod": {"startDate": at, "endDate": "2024-03-04T12:00:00+02:00"},
            "datePublished": at,
            "dateModified": at
        }
    });
    let event = Event::decode("ProcedureCreated", 1, &created).expect("old event decodes");
    let Event::ProcedureCreated { procedure, .. } = &event else {
        panic!("not a ProcedureCreated: {event:?}");
    };
    assert_eq!(
        procedure.x_document_requirements,
        Some(MultiLang::uk("Витяг з ЄДР"))
    );
    let entity = &procedure.selling_entity;
    assert_eq!(
        entity.name,
        Some(MultiLang::uk("ТОВ «Продавець»").with("en_US", "Seller LLC"))
    );
    assert_eq!(entity.address.country_name, MultiLang::uk("Україна"));
    assert_eq!(
        entity.contact_point.as_ref().map(|c| &c.name),
        Some(&MultiLang::uk("Контакт"))
    );
    let item = &procedure.items[0];
    assert_eq!(
        item.description,
        Some(MultiLang::uk("Пшениця").with("en_US", "Wheat"))
    );
    assert_eq!(
        item.unit.as_ref().and_then(|u| u.name.clone()),
        Some(MultiLang::uk("тонна"))
    );
    // Written back in the new shape, under the new schema version.
    assert_eq!(event.schema_version(), 2);
    let data = event.to_data();
    assert_eq!(
        data["procedure"]["items"][0]["description"],
        json!({"uk_UA": "Пшениця", "en_US": "Wheat"})
    );
    assert_round_trip(&event);

    let bid = json!({
        "owner": "broker-b",
        "token_hash": "bid-token",
        "bid": {
            "id": "00000000000000000000000000000002",
            "status": "active",
            "bidders": [old_organization],
            "value": {"amount": 120, "currency": "UAH", "valueAddedTaxIncluded": false},
            "quantity": 300,
            "datePublished": at,
            "dateModified": at
        }
    });
    let event = Event::decode("BidSubmitted", 1, &bid).expect("old bid decodes");
    let Event::BidSubmitted { bid, .. } = &event else {
        panic!("not a BidSubmitted: {event:?}");
    };
    assert_eq!(
        bid.bidders[0].identifier.legal_name,
        Some(MultiLang::uk("ТОВ «Продавець»"))
    );
    let cancelled = json!({"cancellation": {
        "id": "00000000000000000000000000000003",
        "reason": "Рішення організатора",
        "datePublished": at,
        "date": at
    }});
    let event = Event::decode("ProcedureCancelled", 1, &cancelled).expect("old cancellation");
    let Event::ProcedureCancelled { cancellation } = &event else {
        panic!("not a ProcedureCancelled: {event:?}");
    };
    assert_eq!(cancellation.reason, MultiLang::uk("Рішення організатора"));
    // Version 2 is only the new shape: no plain strings there.
    assert!(Event::decode("ProcedureCancelled", 2, &cancelled).is_err());
    assert!(Event::decode("TenderingEnded", 2, &json!({})).is_err());
}
