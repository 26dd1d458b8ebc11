//! What the Dutch sale specs are given: the events of a sale as the store
//! holds them, written out here so that a spec depends on the rule it is
//! about and not on the commands that once led there; the commands the
//! specs try; and the small checks most specs share.
//!
//! The sale is published on Thursday 2024-03-07 at 15:00 Kyiv time as
//! `BSD001-UA-20240307-40958`: its auction starts on the fifth working day,
//! Thursday the 14th, at 09:30 + (40958 mod 30 = 8) min = 09:38:00; round 1
//! (50 steps of 8 min 6 s after the 30 s pause) ends at 16:23:30, round 2
//! at 16:33:30, round 3 at 16:38:30. The starting price is 1500.00 UAH, so
//! step 21 (12:20:30–12:28:36) offers 1500 × 0.80 = 1200.00.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value as Json, json};

use super::super::*;
use crate::DomainEvent;
use crate::handoff::{AuctionBid, AuctionOutcome, AuctionValue};
use crate::procurement::{Amount, DocumentInput};
use crate::testing::{Spec, id};

pub const PROCEDURE_ID: &str = "5af2c4e0d7b24d0e9b3c1a2f8e7d6c5b";
pub const AUCTION_ID: &str = "BSD001-UA-20240307-40958";
pub const OWNER_TOKEN: &str = "owner-token";
/// Round 1's steps (`auctionParameters.dutchStepQuantity`).
pub const STEPS: u32 = 50;

/// A moment written with its offset: `2024-03-14T09:38:00+02:00`.
#[track_caller]
pub fn kyiv(text: &str) -> DateTime<Utc> {
    crate::time::parse_timestamp(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// A Kyiv wall-clock time on the auction's day (UTC+2 in March).
#[track_caller]
pub fn on_auction_day(time: &str) -> DateTime<Utc> {
    kyiv(&format!("2024-03-14T{time}+02:00"))
}

/// Thursday 2024-03-07 15:00 Kyiv time: publication.
pub fn t0() -> DateTime<Utc> {
    kyiv("2024-03-07T15:00:00+02:00")
}

/// `auctionPeriod.startDate`.
pub fn auction_start() -> DateTime<Utc> {
    on_auction_day("09:38:00")
}

/// The end of round 1: `tenderPeriod.endDate`, the last moment to bid.
pub fn round1_end() -> DateTime<Utc> {
    on_auction_day("16:23:30")
}

pub fn round2_end() -> DateTime<Utc> {
    on_auction_day("16:33:30")
}

pub fn round3_end() -> DateTime<Utc> {
    on_auction_day("16:38:30")
}

/// Inside step 21, whose price is 1200.00.
pub fn step21() -> DateTime<Utc> {
    on_auction_day("12:25:00")
}

#[track_caller]
pub fn amount(text: &str) -> Amount {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

pub fn owner() -> Actor {
    Actor::broker("broker-a", Some(OWNER_TOKEN))
}

pub fn auction_service() -> Actor {
    Actor::auction_service("auction")
}

/// The firm of participant `u` (1-based): 00000010, 00000011, …
pub fn firm(u: usize) -> String {
    format!("{:08}", 9 + u)
}

pub fn token(firm: &str) -> String {
    format!("bid-token-{firm}")
}

/// Participant `u`'s platform, broker-b, with the token of its bid.
pub fn bidder(u: usize) -> Actor {
    Actor::broker("broker-b", Some(&token(&firm(u))))
}

/// The id of participant `u`'s bid: apart from the ids decisions hand
/// out, so that given bids never collide with decided objects.
pub fn bid_id(u: usize) -> String {
    id(0xb1d_000 + u as u64)
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

fn item() -> Json {
    json!({
        "description": {"uk_UA": "Пшениця", "en_US": "Wheat"},
        "classification": {"scheme": "CAV", "id": "03211100-4"},
        "quantity": 100,
        "unit": {"code": "TNE", "name": {"uk_UA": "тонна", "en_US": "tonne"}}
    })
}

/// The body of `POST /api/procedures`: 1500 UAH, step 100 UAH, 50 steps.
pub fn procedure_json() -> Json {
    json!({
        "sellingMethod": "basicSell-dutch",
        "sellingEntity": organization("00000001"),
        "lotId": "LOT-1",
        "title": {"uk_UA": "Продаж пшениці за голландським аукціоном"},
        "description": {"uk_UA": "Пшениця 3 класу, 100 тонн"},
        "x_documentRequirements": {"uk_UA": "Витяг з ЄДР, довіреність представника"},
        "value": {"amount": 1500, "currency": "UAH"},
        "minimalStep": {"amount": 100, "currency": "UAH"},
        "auctionParameters": {"type": "dutch", "dutchStepQuantity": STEPS},
        "items": [item()]
    })
}

pub fn create_with(input: Json, auction_id: &str) -> Command {
    Command::Create {
        actor: Actor::broker("broker-a", None),
        id: PROCEDURE_ID.into(),
        auction_id: auction_id.into(),
        procedure: Box::new(serde_json::from_value(input).expect("valid procedure input")),
        config: Config::default(),
        owner_token_hash: OWNER_TOKEN.into(),
    }
}

pub fn create_command(input: Json) -> Command {
    create_with(input, AUCTION_ID)
}

/// An event as the store holds it.
#[track_caller]
pub fn recorded(event_type: &str, data: Json) -> Event {
    Event::decode(event_type, 1, &data)
        .unwrap_or_else(|error| panic!("recorded {event_type}: {error}"))
}

/// The sale [`create_command`] publishes at [`t0`], its item id 1.
pub fn created() -> Event {
    let at = "2024-03-07T15:00:00+02:00";
    let mut item = item();
    item["id"] = json!(id(1));
    recorded(
        "ProcedureCreated",
        json!({
            "config": {
                "tenderingWorkingDays": 5,
                "familiarisationPauseSeconds": 30,
                "dutchRoundSeconds": 24300,
                "sealedRoundSeconds": 600,
                "finalRoundSeconds": 300
            },
            "owner_token_hash": OWNER_TOKEN,
            "procedure": {
                "id": PROCEDURE_ID,
                "auctionId": AUCTION_ID,
                "owner": "broker-a",
                "status": "active_tendering",
                "sellingMethod": "basicSell-dutch",
                "sellingEntity": organization("00000001"),
                "lotId": "LOT-1",
                "title": {"uk_UA": "Продаж пшениці за голландським аукціоном"},
                "description": {"uk_UA": "Пшениця 3 класу, 100 тонн"},
                "x_documentRequirements": {"uk_UA": "Витяг з ЄДР, довіреність представника"},
                "value": {"amount": 1500, "currency": "UAH", "valueAddedTaxIncluded": true},
                "minimalStep": {"amount": 100, "currency": "UAH", "valueAddedTaxIncluded": true},
                "auctionParameters": {"type": "dutch", "dutchStepQuantity": STEPS},
                "items": [item],
                "tenderPeriod": {"startDate": at, "endDate": "2024-03-14T16:23:30+02:00"},
                "auctionPeriod": {"startDate": "2024-03-14T09:38:00+02:00"},
                "datePublished": at,
                "dateModified": at
            }
        }),
    )
}

/// A bid placing `firm` as the only bidder, through `broker` holding
/// `token_hash`.
pub fn bid_via(firm: &str, broker: &str, token_hash: &str, stage: BidStage) -> Command {
    Command::SubmitBid {
        actor: Actor::broker(broker, None),
        bid: Box::new(
            serde_json::from_value(json!({"bidders": [organization(firm)]})).expect("valid bid"),
        ),
        stage,
        token_hash: token_hash.to_owned(),
    }
}

/// Participant `u`'s bid through broker-b, submitted at once.
pub fn bid_command(u: usize) -> Command {
    let firm = firm(u);
    bid_via(&firm, "broker-b", &token(&firm), BidStage::Submitted)
}

/// A bid of `firm` with id `bid`, `status`, placed at `at` by `broker`.
pub fn bid_event(bid: &str, firm: &str, broker: &str, status: &str, at: DateTime<Utc>) -> Event {
    let at = crate::time::format_kyiv(at);
    recorded(
        "BidSubmitted",
        json!({
            "owner": broker,
            "token_hash": token(firm),
            "bid": {
                "id": bid,
                "status": status,
                "bidders": [organization(firm)],
                "datePublished": at,
                "dateModified": at
            }
        }),
    )
}

/// Participant `u`'s active bid through broker-b, `u` minutes after [`t0`].
pub fn bid_submitted(u: usize) -> Event {
    let at = t0() + Duration::minutes(u as i64);
    bid_event(&bid_id(u), &firm(u), "broker-b", "active", at)
}

/// The bids of participants 1..=n.
pub fn bids(n: usize) -> Vec<Event> {
    (1..=n).map(bid_submitted).collect()
}

pub fn auction_started() -> Event {
    Event::AuctionStarted {
        start: auction_start(),
        bids_close: round1_end(),
        at: auction_start(),
    }
}

/// The sale just published, at [`t0`]; fresh ids follow the creation's.
pub fn published() -> Spec<DutchSale> {
    Spec::given([created()]).at(t0()).ids_from(2)
}

/// Nothing yet: a sale about to be published at [`t0`].
pub fn nothing() -> Spec<DutchSale> {
    Spec::given([]).at(t0())
}

/// The sale with `n` bids, its auction running (round 1, 10:00).
pub fn auction_running(n: usize) -> Spec<DutchSale> {
    Spec::given([created()])
        .and(bids(n))
        .and([auction_started()])
        .at(on_auction_day("10:00:00"))
        .ids_from(2)
}

/// The auction service's results: `(participant, amount)`, best first.
pub fn outcome(ranked: &[(usize, &str)]) -> AuctionOutcome {
    AuctionOutcome {
        bids: ranked
            .iter()
            .map(|&(u, value)| AuctionBid {
                id: bid_id(u),
                value: AuctionValue {
                    amount: amount(value),
                },
                date: round3_end(),
            })
            .collect(),
    }
}

pub fn record(ranked: &[(usize, &str)]) -> Command {
    Command::RecordAuction {
        actor: auction_service(),
        outcome: outcome(ranked),
    }
}

/// V-1's results recorded on the sale with three bids: P1 1500, P2 1400,
/// P3 1300; the awards go to P1 (`pending`) and P2 (`pending_waiting`).
pub fn qualification() -> Spec<DutchSale> {
    let mut g = auction_running(3).at(round3_end());
    g.step(record(&[(1, "1500"), (2, "1400"), (3, "1300")]));
    g
}

pub fn document(kind: &str) -> Box<DocumentInput> {
    Box::new(serde_json::from_value(doc_json(kind)).expect("valid document"))
}

pub fn doc_json(kind: &str) -> Json {
    json!({
        "title": format!("{kind}.pdf"),
        "url": "https://ds.example/doc",
        "hash": "md5:00000000000000000000000000000000",
        "format": "application/pdf",
        "documentType": kind
    })
}

pub fn cancellation(documents: Vec<Json>) -> Command {
    Command::Cancel {
        actor: owner(),
        cancellation: Box::new(
            serde_json::from_value(json!({
                "reason": {"uk_UA": "Рішення організатора"},
                "documents": documents
            }))
            .expect("valid cancellation"),
        ),
    }
}

/// A cancellation with its decision document, dated now.
pub fn cancel() -> Command {
    cancellation(vec![doc_json("cancellationDetails")])
}

pub fn procedure(state: &State) -> &Procedure {
    state.procedure.as_ref().expect("procedure")
}

/// Each award's bid and status, in order.
pub fn awards(state: &State) -> Vec<(String, &'static str)> {
    procedure(state)
        .awards
        .iter()
        .map(|award| (award.bid_id.clone(), award.status.as_str()))
        .collect()
}

/// The id of the award of participant `u`'s bid.
pub fn award_of(state: &State, u: usize) -> String {
    let bid = bid_id(u);
    procedure(state)
        .awards
        .iter()
        .find(|award| award.bid_id == bid)
        .map(|award| award.id.clone())
        .unwrap_or_else(|| panic!("no award for participant {u}"))
}
