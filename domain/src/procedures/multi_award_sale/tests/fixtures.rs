//! What the multi-award sale specs are given: the events of a sale as the
//! store holds them, written out here so that a spec depends on the rule it
//! is about and not on the commands that once led there; the commands the
//! specs try; and the small checks most specs share.

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;
use serde_json::{Value as Json, json};

use super::super::*;
use crate::DomainEvent;
use crate::procurement::{DocumentInput, Period};
use crate::testing::{Spec, id, utc};

/// 2024-03-01 (Friday) 10:00 UTC: publication.
pub fn t0() -> DateTime<Utc> {
    utc(2024, 3, 1, 10, 0)
}

/// 2024-03-04 (Monday) 10:00 UTC: the tender period's end.
pub fn tender_end() -> DateTime<Utc> {
    utc(2024, 3, 4, 10, 0)
}

pub const OWNER_TOKEN: &str = "owner-token";

pub fn owner() -> Actor {
    Actor::broker("broker-a", Some(OWNER_TOKEN))
}

pub fn bidder_actor(firm: &str) -> Actor {
    Actor::broker("broker-b", Some(&format!("bid-token-{firm}")))
}

pub fn auction() -> Actor {
    Actor::auction_service("auction")
}

pub fn organization(id: &str) -> Json {
    json!({
        "name": {"uk_UA": format!("ТОВ {id}"), "en_US": format!("LLC {id}")},
        "identifier": {
            "scheme": "UA-EDR",
            "id": id,
            "legalName": {"uk_UA": format!("ТОВ {id}"), "en_US": format!("LLC {id}")}
        },
        "address": {
            "countryName": {"uk_UA": "Україна", "en_US": "Ukraine"},
            "region": {"uk_UA": "Київ"},
            "locality": {"uk_UA": "Київ"},
            "streetAddress": {"uk_UA": "вул. Хрещатик, 1"}
        },
        "contactPoint": {
            "name": {"uk_UA": "Контакт"},
            "email": "a@example.com",
            "telephone": "+380440000000"
        }
    })
}

pub fn procedure_json(quantity: Json, minimal_part: Json, min_price: Json) -> Json {
    json!({
        "sellingMethod": "basicSell-multiAwards",
        "sellingEntity": organization("00000001"),
        "lotId": "LOT-1",
        "title": {"uk_UA": "Продаж пшениці частинами"},
        "description": {"uk_UA": "Пшениця 3 класу"},
        "x_documentRequirements": {"uk_UA": "Витяг з ЄДР, довіреність представника"},
        "value": {"amount": min_price, "currency": "UAH"},
        "minimalPart": minimal_part,
        "items": [{
            "description": {"uk_UA": "Пшениця", "en_US": "Wheat"},
            "classification": {"scheme": "CAV", "id": "03211100-4"},
            "quantity": quantity,
            "unit": {"code": "TNE", "name": {"uk_UA": "тонна", "en_US": "tonne"}}
        }],
        "tenderPeriod": {"endDate": "2024-03-04T12:00:00+02:00"}
    })
}

pub fn create_command(input: Json) -> Command {
    Command::Create {
        actor: Actor::broker("broker-a", None),
        id: "5af2c4e0d7b24d0e9b3c1a2f8e7d6c5b".into(),
        auction_id: "BSM001-UA-20240301-00001".into(),
        procedure: Box::new(serde_json::from_value(input).expect("valid procedure input")),
        config: Config::default(),
        owner_token_hash: OWNER_TOKEN.into(),
    }
}

pub fn bid_command(firm: &str, quantity: Json, price: Json) -> Command {
    Command::SubmitBid {
        actor: Actor::broker("broker-b", None),
        bid: Box::new(
            serde_json::from_value(json!({
                "bidders": [organization(firm)],
                "value": {"amount": price, "currency": "UAH"},
                "quantity": quantity
            }))
            .expect("valid bid"),
        ),
        stage: BidStage::Submitted,
        token_hash: format!("bid-token-{firm}"),
    }
}

pub fn document(kind: &str) -> Box<DocumentInput> {
    Box::new(
        serde_json::from_value(json!({
            "title": format!("{kind}.pdf"),
            "url": "https://ds.example/doc",
            "hash": "md5:00000000000000000000000000000000",
            "format": "application/pdf",
            "documentType": kind
        }))
        .expect("valid document"),
    )
}

pub fn doc_json(kind: &str) -> Json {
    serde_json::to_value(*document(kind)).expect("json")
}

pub fn cancellation_command(documents: Vec<Json>, date: Option<&str>) -> Command {
    let mut input = json!({
        "reason": {"uk_UA": "Рішення організатора"},
        "documents": documents
    });
    if let Some(date) = date {
        input["datePublished"] = json!(date);
    }
    Command::Cancel {
        actor: owner(),
        cancellation: Box::new(serde_json::from_value(input).expect("valid cancellation")),
    }
}

/// A cancellation with its decision document, dated now.
pub fn cancel() -> Command {
    cancellation_command(vec![doc_json("cancellationDetails")], None)
}

pub fn d(n: i64) -> Decimal {
    Decimal::from(n)
}

/// An event as the store holds it, in the schema version this code writes.
pub fn recorded(event_type: &str, data: Json) -> Event {
    let version = if super::super::upcast::CHANGED.contains(&event_type) {
        2
    } else {
        1
    };
    Event::decode(event_type, version, &data)
        .unwrap_or_else(|error| panic!("recorded {event_type}: {error}"))
}

/// The sale [`create_command`] publishes at [`t0`]: a lot of `quantity`
/// in parts of at least `minimal_part` from `min_price` a tonne, its item
/// id 1.
pub fn created(quantity: Json, minimal_part: Json, min_price: Json) -> Event {
    let at = "2024-03-01T12:00:00+02:00";
    recorded(
        "ProcedureCreated",
        json!({
            "config": {"admissionPeriodDays": 5, "qualificationPeriodDays": 20},
            "owner_token_hash": OWNER_TOKEN,
            "procedure": {
                "id": "5af2c4e0d7b24d0e9b3c1a2f8e7d6c5b",
                "auctionId": "BSM001-UA-20240301-00001",
                "owner": "broker-a",
                "status": "active_tendering",
                "sellingMethod": "basicSell-multiAwards",
                "sellingEntity": organization("00000001"),
                "lotId": "LOT-1",
                "title": {"uk_UA": "Продаж пшениці частинами"},
                "description": {"uk_UA": "Пшениця 3 класу"},
                "x_documentRequirements": {"uk_UA": "Витяг з ЄДР, довіреність представника"},
                "value": {
                    "amount": min_price,
                    "currency": "UAH",
                    "valueAddedTaxIncluded": false,
                    "valueAddedTaxCharged": false,
                    "valuePer": {"code": "TNE", "name": {"uk_UA": "тонна", "en_US": "tonne"}}
                },
                "minimalStep": {"amount": 0.01, "currency": "UAH", "valueAddedTaxIncluded": false},
                "minNumberOfQualifiedBids": 1,
                "minimalPart": minimal_part,
                "items": [{
                    "id": id(1),
                    "description": {"uk_UA": "Пшениця", "en_US": "Wheat"},
                    "classification": {"scheme": "CAV", "id": "03211100-4"},
                    "quantity": quantity,
                    "unit": {"code": "TNE", "name": {"uk_UA": "тонна", "en_US": "tonne"}}
                }],
                "tenderPeriod": {"startDate": at, "endDate": "2024-03-04T12:00:00+02:00"},
                "datePublished": at,
                "dateModified": at
            }
        }),
    )
}

/// [`created`] from whole numbers.
pub fn sale_created(quantity: i64, minimal_part: i64, min_price: i64) -> Event {
    created(json!(quantity), json!(minimal_part), json!(min_price))
}

/// The firm of participant `u` (1-based): 00000010, 00000011, …
pub fn firm(u: usize) -> String {
    format!("{:08}", 9 + u)
}

/// The id of participant `u`'s bid: apart from the ids decisions hand
/// out, so that given bids never collide with decided objects.
pub fn bid_id(u: usize) -> String {
    id(bid_id_number(u))
}

pub fn bid_id_number(u: usize) -> u64 {
    0xb1d_000 + u as u64
}

/// Participant `u`'s bid of `quantity` at `price`, placed at `at` through
/// broker-b, as [`bid_command`] of [`firm`]`(u)` places it.
pub fn bid_submitted(u: usize, quantity: Json, price: Json, at: DateTime<Utc>) -> Event {
    let firm = firm(u);
    let at = crate::time::format_kyiv(at);
    recorded(
        "BidSubmitted",
        json!({
            "owner": "broker-b",
            "token_hash": format!("bid-token-{firm}"),
            "bid": {
                "id": bid_id(u),
                "status": "active",
                "bidders": [organization(&firm)],
                "value": {"amount": price, "currency": "UAH", "valueAddedTaxIncluded": true},
                "quantity": quantity,
                "datePublished": at,
                "dateModified": at
            }
        }),
    )
}

/// The tender period over with the bids of `participants` taking part.
pub fn tendering_ended(participants: &[usize]) -> Event {
    Event::TenderingEnded {
        participants: participants.iter().map(|&u| bid_id(u)).collect(),
        excluded: vec![],
        at: tender_end(),
    }
}

pub fn auction_started() -> Event {
    Event::AuctionStarted {
        auction_period: Period {
            start_date: Some(tender_end()),
            end_date: None,
        },
        at: tender_end(),
    }
}

/// The sale just published, at [`t0`]; fresh ids follow the creation's.
pub fn sale(quantity: i64, minimal_part: i64, min_price: i64) -> Spec<MultiAwardSale> {
    Spec::given([sale_created(quantity, minimal_part, min_price)])
        .at(t0())
        .ids_from(2)
}

/// The bids of participants 1, 2, … placed a minute apart after [`t0`].
pub fn bids_placed(bids: &[(i64, i64)]) -> Vec<Event> {
    bids.iter()
        .enumerate()
        .map(|(i, &(quantity, price))| {
            let u = i + 1;
            bid_submitted(
                u,
                json!(quantity),
                json!(price),
                t0() + Duration::minutes(u as i64),
            )
        })
        .collect()
}

/// Nothing yet: a sale about to be published at [`t0`].
pub fn nothing() -> Spec<MultiAwardSale> {
    Spec::given([]).at(t0())
}

/// The bid, status and quantity of each award `events` create, in order.
pub fn created_awards(events: &[Event]) -> Vec<(String, &'static str, Decimal)> {
    events
        .iter()
        .filter_map(|event| match event {
            Event::AwardCreated { award } => Some((
                award.bid_id.clone(),
                award.status.as_str(),
                award.quantity(),
            )),
            _ => None,
        })
        .collect()
}
