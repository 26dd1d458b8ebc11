//! What the belowThreshold specs are given: the events of a tender as the
//! store holds them (spec TV-1's tender: value 500 UAH without VAT, one
//! lot of 500 with a minimal step of 15, enquiries from 2027-01-01 to
//! 2027-01-08, bids until 2027-01-15), and the commands the specs try.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::super::*;
use crate::procurement::{Amount, Document, DocumentInput, Item, Money, Organization, Period};
use crate::testing::{Spec, id};
use crate::time::parse_timestamp;

/// A Kyiv-written moment.
pub fn at(text: &str) -> DateTime<Utc> {
    parse_timestamp(text).expect("a timestamp")
}

pub fn lot_id() -> String {
    id(101)
}

pub fn item_id() -> String {
    id(102)
}

pub const TENDER_ID: &str = "UA-2027-01-01-000001-a";

pub fn owner() -> Actor {
    Actor {
        broker: "broker".into(),
        token_hash: Some("owner-token".into()),
    }
}

/// Bidder `n`'s broker, holding its bid's token.
pub fn bidder(n: u64) -> Actor {
    Actor {
        broker: format!("broker-{n}"),
        token_hash: Some(format!("bid-token-{n}")),
    }
}

/// An organisation registered in `scheme` under `code`.
pub fn organization(scheme: &str, code: &str) -> Organization {
    serde_json::from_value(json!({
        "name": format!("Організація {code}"),
        "identifier": {"scheme": scheme, "id": code},
        "address": {"countryName": "Україна"},
        "kind": "general"
    }))
    .expect("an organisation")
}

pub fn uah(amount: &str) -> Money {
    Money {
        amount: amount.parse().expect("an amount"),
        currency: "UAH".into(),
        value_added_tax_included: false,
    }
}

pub fn amount(text: &str) -> Amount {
    text.parse().expect("an amount")
}

/// The tender's item: 5 pieces, in the lot.
pub fn item() -> Item {
    serde_json::from_value(json!({
        "id": item_id(),
        "description": "Комп'ютер",
        "quantity": 5,
        "unit": {"code": "H87", "name": "штука"},
        "relatedLot": lot_id()
    }))
    .expect("an item")
}

/// The item as a bid prices it: `total` over its 5 pieces.
pub fn bid_item(unit_price: &str) -> Item {
    serde_json::from_value(json!({
        "id": item_id(),
        "description": "Комп'ютер",
        "quantity": 5,
        "unit": {"code": "H87", "name": "штука",
                 "value": {"amount": unit_price.parse::<f64>().expect("a price"),
                           "currency": "UAH", "valueAddedTaxIncluded": false}}
    }))
    .expect("an item")
}

pub fn lot() -> Lot {
    Lot {
        id: lot_id(),
        title: "Лот 1".into(),
        description: None,
        status: LotStatus::Active,
        value: uah("500"),
        minimal_step: Some(uah("15")),
        auction_period: Some(AuctionPeriod {
            should_start_after: Some(at("2027-01-15T00:00:00+02:00")),
            start_date: Some(at("2027-01-15T12:22:15+02:00")),
            end_date: None,
        }),
        auction_url: None,
        date: at("2027-01-01T00:10:05+02:00"),
    }
}

pub fn tender() -> Tender {
    let created = at("2027-01-01T00:10:05+02:00");
    Tender {
        id: "tender-1".into(),
        tender_id: TENDER_ID.into(),
        owner: "broker".into(),
        status: TenderStatus::Draft,
        title: "Комп'ютерне обладнання".into(),
        description: None,
        main_procurement_category: Some("goods".into()),
        procurement_method: "open".into(),
        procurement_method_type: KIND.into(),
        submission_method: Some("electronicAuction".into()),
        award_criteria: "lowestCost".into(),
        procuring_entity: organization("UA-EDR", "00037256").into(),
        value: uah("500"),
        enquiry_period: EnquiryPeriod {
            start_date: Some(at("2027-01-01T00:00:00+02:00")),
            end_date: Some(at("2027-01-08T00:00:00+02:00")),
            clarifications_until: Some(at("2027-01-09T00:00:00+02:00")),
        },
        tender_period: Period {
            start_date: Some(at("2027-01-08T00:00:00+02:00")),
            end_date: Some(at("2027-01-15T00:00:00+02:00")),
        },
        award_period: None,
        items: vec![item().into()],
        lots: vec![lot()],
        auction_period: None,
        milestones: None,
        particulars: Default::default(),
        contract_change_rationale_types: None,
        notice_publication_date: None,
        date: created,
        date_created: created,
        date_modified: created,
        documents: Vec::new(),
        questions: Vec::new(),
        bids: Vec::new(),
        awards: Vec::new(),
        contracts: Vec::new(),
        cancellations: Vec::new(),
    }
}

pub fn created_with(tender: Tender, config: Config) -> Event {
    Event::TenderCreated {
        tender: Box::new(tender),
        config,
        owner_token_hash: "owner-token".into(),
        transfer_token_hash: "transfer-token".into(),
    }
}

pub fn created() -> Event {
    created_with(tender(), Config::default())
}

pub fn document_input(kind: &str, title: &str) -> DocumentInput {
    serde_json::from_value(json!({
        "title": title,
        "url": "http://localhost/api/2.5/documents/x",
        "hash": "md5:00000000000000000000000000000000",
        "format": "application/pkcs7-signature",
        "documentType": kind
    }))
    .expect("a document")
}

pub fn document(n: u64, kind: &str, title: &str, author: &str, at: DateTime<Utc>) -> Document {
    document_input(kind, title).into_document(id(n), "tender", author, at)
}

pub fn added(target: Target, document: Document) -> Event {
    Event::DocumentAdded { target, document }
}

/// The draft's contract proforma and notice signature.
pub fn ready_documents() -> Vec<Event> {
    let t = at("2027-01-01T00:10:05+02:00");
    vec![
        added(
            Target::Procedure,
            document(201, "contractProforma", "proforma.pdf", "tender_owner", t),
        ),
        added(
            Target::Procedure,
            document(202, "notice", "sign.p7s", "tender_owner", t),
        ),
    ]
}

pub fn draft() -> Vec<Event> {
    let mut events = vec![created()];
    events.extend(ready_documents());
    events
}

pub fn enquiries() -> Vec<Event> {
    let mut events = draft();
    events.push(Event::TenderActivated {
        late: false,
        at: at("2027-01-01T00:10:05+02:00"),
    });
    events
}

pub fn tendering() -> Vec<Event> {
    let mut events = enquiries();
    events.push(Event::TenderingStarted {
        at: at("2027-01-08T00:00:00+02:00"),
    });
    events
}

/// Bid `n` (id `n`), of tenderer `n` through broker `n`, at `price`.
pub fn bid(n: u64, price: &str, status: BidStatus) -> Bid {
    let date = at("2027-01-10T12:00:00+02:00") + chrono::TimeDelta::minutes(n as i64);
    let unit = (price.parse::<rust_decimal::Decimal>().expect("a price")
        / rust_decimal::Decimal::from(5))
    .to_string();
    Bid {
        id: id(n),
        status,
        tenderers: vec![organization("UA-IPN", &format!("3{n:09}")).into()],
        lot_values: vec![LotValue {
            value: uah(price),
            initial_value: None,
            related_lot: lot_id(),
            status: LotValueStatus::Pending,
            participation_url: None,
            date,
        }],
        items: vec![bid_item(&unit)],
        subcontracting_details: None,
        documents: Vec::new(),
        date,
        submission_date: (status != BidStatus::Draft).then_some(date),
    }
}

/// Bid `n` placed by [`bidder`] `n`.
pub fn placed(bid: Bid) -> Event {
    let n = bid_number(&bid.id);
    Event::BidSubmitted {
        bid: Box::new(bid),
        owner: format!("broker-{n}"),
        token_hash: format!("bid-token-{n}"),
        transfer_hash: Some(format!("bid-transfer-{n}")),
    }
}

/// The number of the bid with the id `id(n)`.
pub fn bid_number(bid_id: &str) -> u64 {
    (1..1000)
        .find(|n| id(*n) == bid_id)
        .expect("a numbered bid")
}

/// TV-1's three bidders: A 500 (id 11), B 499 (id 12), C 490 (id 13).
pub fn three_bids() -> Vec<Event> {
    vec![
        placed(bid(11, "500", BidStatus::Pending)),
        placed(bid(12, "499", BidStatus::Pending)),
        placed(bid(13, "490", BidStatus::Pending)),
    ]
}

pub fn tender_end() -> DateTime<Utc> {
    at("2027-01-15T00:00:00+02:00")
}

/// In `active.auction` with TV-1's three bids.
pub fn auction() -> Vec<Event> {
    let mut events = tendering();
    events.extend(three_bids());
    events.push(Event::TenderingEnded {
        excluded: Vec::new(),
        outcome: TenderingOutcome::Auction,
        at: tender_end(),
    });
    events
}

pub fn auction_end() -> DateTime<Utc> {
    at("2027-01-15T13:00:00+02:00")
}

pub fn results(amounts: &[(u64, &str)]) -> Vec<AuctionResult> {
    amounts
        .iter()
        .map(|(n, amount_text)| AuctionResult {
            bid_id: Some(id(*n)),
            amount: Some(amount(amount_text)),
        })
        .collect()
}

/// After the auction (A 450, B 460, C 455): award `id(30)` pending for A.
pub fn qualification() -> (Spec<OpenTender>, String) {
    let mut spec = Spec::<OpenTender>::given(auction())
        .at(auction_end())
        .ids_from(30);
    spec.step(Command::RecordAuction {
        lot_id: lot_id(),
        results: results(&[(11, "450"), (12, "460"), (13, "455")]),
    });
    (spec, id(30))
}

/// The award notice the owner signs `award_id` with, at `t`.
pub fn award_notice(award_id: &str, n: u64, t: DateTime<Utc>) -> Event {
    added(
        Target::Award(award_id.to_owned()),
        document(n, "notice", "sign.p7s", "tender_owner", t),
    )
}
