//! The open tender (belowThreshold) through HTTP as a broker drives it:
//! a draft with one lot added through `…/lots`, its items put in the lot,
//! the contract proforma and the notice signature attached, activation;
//! bids with their proposal signature; the periods moved past on the
//! test server's clock.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value as Json, json};

use crate::http::{BROKER_KEY, StatusCode, TestServer};
use crate::pq::{Tender, is_hex32};

/// How long each period lasts from the server's "now": comfortably above
/// the working-day minimums (3 for enquiries, 2 for tendering) across any
/// weekend or holiday.
const ENQUIRY_DAYS: i64 = 8;
const TENDERING_DAYS: i64 = 8;

/// The buyer of every tender here.
pub fn procuring_entity() -> Json {
    json!({
        "name": "Державне управління справами",
        "identifier": {"scheme": "UA-EDR", "id": "00037256", "legalName": "Державне управління справами"},
        "address": {
            "countryName": "Україна", "postalCode": "01220", "region": "м. Київ",
            "locality": "м. Київ", "streetAddress": "вул. Банкова, 11, корпус 1"
        },
        "contactPoint": {"name": "Державне управління справами", "telephone": "+0440000000"},
        "kind": "general"
    })
}

/// Supplier `n` (its EDR code differs per `n`), as a bid's tenderer or a
/// question's author.
pub fn supplier(n: u32) -> Json {
    json!({
        "name": format!("ТОВ «Постачальник {n}»"),
        "identifier": {"scheme": "UA-EDR", "id": format!("{:08}", 40_000_000 + n), "legalName": format!("ТОВ «Постачальник {n}»")},
        "address": {"countryName": "Україна", "locality": "м. Львів", "region": "Львівська область"},
        "contactPoint": {"name": format!("Контакт {n}"), "email": format!("office{n}@example.ua"), "telephone": "+380322916930"},
        "scale": "micro"
    })
}

/// The `data` of a draft: 5 kg of cases, 500 UAH, periods from `now`.
pub fn draft_request(now: DateTime<Utc>) -> Json {
    let (enquiry_end, tender_end) = period_ends(now);
    json!({"data": {
        "procurementMethodType": "belowThreshold",
        "title": "футляри до державних нагород",
        "mainProcurementCategory": "goods",
        "procuringEntity": procuring_entity(),
        "value": {"amount": 500, "currency": "UAH"},
        "items": [{
            "description": "футляри до державних нагород",
            "classification": {"scheme": "ДК021", "id": "44617100-9", "description": "Cartons"},
            "unit": {"name": "кілограм", "code": "KGM"},
            "quantity": 5
        }],
        "enquiryPeriod": {"endDate": domain::time::format_kyiv(enquiry_end)},
        "tenderPeriod": {"endDate": domain::time::format_kyiv(tender_end)}
    }})
}

/// When enquiries and tendering end for a tender created at `now`.
pub fn period_ends(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let enquiry_end = now + TimeDelta::days(ENQUIRY_DAYS);
    (enquiry_end, enquiry_end + TimeDelta::days(TENDERING_DAYS))
}

/// A tender ready to bid on, with its lot.
pub struct OpenTender {
    pub tender: Tender,
    pub lot_id: String,
    pub item_id: String,
}

impl std::ops::Deref for OpenTender {
    type Target = Tender;
    fn deref(&self) -> &Tender {
        &self.tender
    }
}

/// Creates the draft, adds its lot (value 500, step 15), puts the item in
/// it and attaches the proforma and notice: everything activation needs.
pub async fn prepared(server: &TestServer) -> OpenTender {
    let request = draft_request(server.now());
    let tender = crate::pq::create_unsigned(server, request).await;
    assert_eq!(
        tender.created["data"]["status"], "draft",
        "{}",
        tender.created
    );
    let (status, headers, body) = server
        .post(
            &tender.owned("/lots"),
            Some(BROKER_KEY),
            Some(json!({"data": {
                "title": "Лот 1",
                "value": {"amount": 500, "currency": "UAH"},
                "minimalStep": {"amount": 15, "currency": "UAH"}
            }})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "adding the lot: {body}");
    let lot_id = body["data"]["id"].as_str().expect("lot id").to_owned();
    assert!(is_hex32(&lot_id), "{body}");
    let location = headers
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    assert!(location.ends_with(&format!("/lots/{lot_id}")), "{location}");
    let mut items = tender.created["data"]["items"].clone();
    let item_id = items[0]["id"].as_str().expect("item id").to_owned();
    items[0]["relatedLot"] = json!(lot_id);
    let (status, _, body) = server
        .patch(
            &tender.owned(""),
            Some(BROKER_KEY),
            Some(json!({"data": {"items": items}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "items into the lot: {body}");
    attach(
        server,
        &tender,
        "",
        "proforma.pdf",
        "application/pdf",
        "contractProforma",
    )
    .await;
    crate::pq::sign(server, &tender, "").await;
    OpenTender {
        tender,
        lot_id,
        item_id,
    }
}

/// A prepared tender, activated: `active.enquiries`.
pub async fn published(server: &TestServer) -> OpenTender {
    let tender = prepared(server).await;
    let (status, _, body) = server
        .patch(
            &tender.owned(""),
            Some(BROKER_KEY),
            Some(json!({"data": {"status": "active.enquiries"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "activation: {body}");
    assert_eq!(body["data"]["status"], "active.enquiries", "{body}");
    tender
}

/// Uploads a document and attaches it at `path` (a `…/documents` URL with
/// the token that may attach there).
pub async fn attach_with(
    server: &TestServer,
    path: &str,
    title: &str,
    format: &str,
    document_type: &str,
) -> Json {
    let mut document = server
        .upload(title, format, format!("{title} of {path}").as_bytes())
        .await;
    document["documentType"] = json!(document_type);
    let (status, _, body) = server
        .post(path, Some(BROKER_KEY), Some(json!({ "data": document })))
        .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "attaching {title} at {path}: {body}"
    );
    body["data"].clone()
}

/// [`attach_with`] as the tender's owner.
pub async fn attach(
    server: &TestServer,
    tender: &Tender,
    holder: &str,
    title: &str,
    format: &str,
    document_type: &str,
) -> Json {
    let path = tender.owned(&format!("{holder}/documents"));
    attach_with(server, &path, title, format, document_type).await
}

/// A bid as its bidder holds it.
pub struct Bid {
    pub id: String,
    pub token: String,
    /// `/api/2.5/tenders/{id}/bids/{bid_id}`
    pub path: String,
}

impl Bid {
    /// `{path}{suffix}?acc_token={token}`
    pub fn owned(&self, suffix: &str) -> String {
        format!("{}{suffix}?acc_token={}", self.path, self.token)
    }
}

/// Supplier `n` bids `amount` on the lot, signs its proposal and submits
/// it (`pending`), through broker `key`.
pub async fn bid(server: &TestServer, tender: &OpenTender, key: &str, n: u32, amount: u32) -> Bid {
    let (status, _, body) = server
        .post(
            &format!("{}/bids", tender.path),
            Some(key),
            Some(json!({"data": {
                "tenderers": [supplier(n)],
                "status": "draft",
                "lotValues": [{"value": {"amount": amount}, "relatedLot": tender.lot_id}],
                "items": [bid_item(tender, &amount.to_string())]
            }})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "bid of {n}: {body}");
    let id = body["data"]["id"].as_str().expect("bid id").to_owned();
    let bid = Bid {
        token: body["access"]["token"]
            .as_str()
            .expect("bid token")
            .to_owned(),
        path: format!("{}/bids/{id}", tender.path),
        id,
    };
    let mut document = server
        .upload_as(
            key,
            "sign.p7s",
            "application/pkcs7-signature",
            format!("proposal of {n}").as_bytes(),
        )
        .await;
    document["documentType"] = json!("proposal");
    let (status, _, body) = server
        .post(
            &bid.owned("/documents"),
            Some(key),
            Some(json!({ "data": document })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "proposal of {n}: {body}");
    let (status, _, body) = server
        .patch(
            &bid.owned(""),
            Some(key),
            Some(json!({"data": {"status": "pending"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "submitting the bid of {n}: {body}");
    assert_eq!(body["data"]["status"], "pending", "{body}");
    bid
}

/// The tender's item as a bid of `amount` prices it: the unit values of a
/// bid's items add up to its price (per kilogram, over 5).
pub fn bid_item(tender: &OpenTender, amount: &str) -> Json {
    let total: rust_decimal::Decimal = amount.parse().expect("an amount");
    let unit: Json = serde_json::from_str(
        &(total / rust_decimal::Decimal::from(5))
            .normalize()
            .to_string(),
    )
    .expect("a number");
    json!({
        "id": tender.item_id,
        "description": "футляри до державних нагород",
        "quantity": 5,
        "relatedLot": tender.lot_id,
        "unit": {
            "name": "кілограм",
            "code": "KGM",
            "value": {"amount": unit, "currency": "UAH", "valueAddedTaxIncluded": false}
        }
    })
}

/// The tender's public document.
pub async fn read(server: &TestServer, tender: &Tender) -> Json {
    let (status, _, body) = server.get(&tender.path, None, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].clone()
}

/// Moves the clock to `at` and runs what fell due; answers the tender.
pub async fn at(server: &TestServer, tender: &Tender, at: DateTime<Utc>) -> Json {
    server.set_time(at);
    server.run_scheduler().await;
    server.settle().await;
    read(server, tender).await
}

/// The tender's `tenderPeriod.endDate`.
pub fn tender_end(document: &Json) -> DateTime<Utc> {
    time(&document["tenderPeriod"]["endDate"])
}

/// The tender's `enquiryPeriod.endDate`.
pub fn enquiry_end(document: &Json) -> DateTime<Utc> {
    time(&document["enquiryPeriod"]["endDate"])
}

pub fn time(value: &Json) -> DateTime<Utc> {
    domain::time::parse_timestamp(
        value
            .as_str()
            .unwrap_or_else(|| panic!("not a time: {value}")),
    )
    .unwrap_or_else(|e| panic!("{value}: {e}"))
}
