//! Driving Dutch-auction sales (`sellingMethod` `basicSell-dutch`) through
//! the HTTP API: the Organizer publishes (`broker`, owner token), the
//! participants' broker places applications (`other`, each with its bid
//! token; applications carry no price), the CDB sets the auction's date
//! and runs the Dutch auction itself, and participants act on it through
//! their participation links (`/api/auctions/{id}`). The clock is the
//! test's: it is moved to a stage and the scheduler run. Shared by the
//! end-to-end and secrecy tests.

use chrono::{DateTime, TimeDelta, Utc};
use rust_decimal::Decimal;
use serde_json::{Value as Json, json};

use crate::http::{BROKER_KEY, OTHER_KEY, StatusCode, TestServer};
use crate::sale::{Sale, SaleBid, organization};

/// The starting price: round 1's first step.
pub const STARTING_PRICE: &str = "1500.00";
/// Round 3's least raise over the highest sealed bid.
pub const MINIMAL_STEP: &str = "100.00";
/// Round 1's steps (`auctionParameters.dutchStepQuantity`).
pub const STEPS: u32 = 30;

/// A decimal written as in the tests ("1200.00").
pub fn amount(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

/// A JSON number with exactly this text ("1500.00").
pub fn number(text: &str) -> Json {
    Json::Number(text.parse().expect("a JSON number"))
}

/// `POST /api/procedures` data of a Dutch sale: one lot (a lorry, CAV
/// `03211100-4`), [`STARTING_PRICE`], [`MINIMAL_STEP`] and `steps` steps in
/// round 1.
pub fn procedure_request(steps: u32) -> Json {
    json!({
        "data": {
            "sellingMethod": "basicSell-dutch",
            "sellingEntity": organization("00000001"),
            "lotId": "LOT-D1",
            "title": {"uk_UA": "Продаж пшениці за голландським аукціоном"},
            "description": {"uk_UA": "Пшениця 3 класу, не продана на англійських аукціонах"},
            "x_documentRequirements": {"uk_UA": "Витяг з ЄДР, довіреність представника"},
            "value": {"amount": number(STARTING_PRICE), "currency": "UAH"},
            "minimalStep": {"amount": number(MINIMAL_STEP), "currency": "UAH"},
            "auctionParameters": {"type": "dutch", "dutchStepQuantity": steps},
            "items": [{
                "description": {"uk_UA": "Пшениця", "en_US": "Wheat"},
                "classification": {"scheme": "CAV", "id": "03211100-4"},
                "quantity": 100,
                "unit": {"code": "TNE", "name": {"uk_UA": "тонна", "en_US": "tonne"}}
            }]
        }
    })
}

/// Publishes the default Dutch sale ([`procedure_request`] with
/// [`STEPS`]) as `broker`.
pub async fn publish(server: &TestServer) -> Sale {
    crate::sale::publish(server, procedure_request(STEPS)).await
}

/// An application for bidder `edr` (`status` `active` or `draft`).
pub fn bid_request(edr: &str, status: &str) -> Json {
    json!({"data": {"bidders": [organization(edr)], "status": status}})
}

/// Sends an application as `key`; the status and the body.
pub async fn try_bid_as(
    server: &TestServer,
    sale: &Sale,
    key: &str,
    request: Json,
) -> (StatusCode, Json) {
    let (status, _, body) = server
        .post(&format!("{}/bids", sale.path), Some(key), Some(request))
        .await;
    (status, body)
}

/// Places an active application for bidder `edr` as `key`.
pub async fn bid_as(server: &TestServer, sale: &Sale, key: &str, edr: &str) -> SaleBid {
    let (status, body) = try_bid_as(server, sale, key, bid_request(edr, "active")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["status"], "active", "{body}");
    assert!(body["data"].get("value").is_none(), "no price: {body}");
    SaleBid {
        id: body["data"]["id"].as_str().expect("bid id").to_owned(),
        token: body["access"]["token"]
            .as_str()
            .expect("bid token")
            .to_owned(),
        edr: edr.to_owned(),
    }
}

/// Places an active application for bidder `edr` as `other`.
pub async fn bid(server: &TestServer, sale: &Sale, edr: &str) -> SaleBid {
    bid_as(server, sale, OTHER_KEY, edr).await
}

/// `/api/procedures/{id}/bids/{bid_id}?acc_token={bid token}`.
pub fn owned_bid(sale: &Sale, bid: &SaleBid) -> String {
    format!("{}/bids/{}?acc_token={}", sale.path, bid.id, bid.token)
}

/// The bid as its owner reads it.
pub async fn own_bid(server: &TestServer, sale: &Sale, bid: &SaleBid) -> Json {
    let (status, _, body) = server
        .get(&owned_bid(sale, bid), Some(OTHER_KEY), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].clone()
}

/// The query of the bid's participation link (its credentials), as its
/// owner reads it on its bid.
pub async fn link(server: &TestServer, sale: &Sale, bid: &SaleBid) -> String {
    crate::sale::participation_link(server, sale, bid).await
}

/// The public procedure document (`GET /api/procedures/{id}`).
pub async fn document(server: &TestServer, sale: &Sale) -> Json {
    let (status, _, body) = server.get(&sale.path, None, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].clone()
}

/// The procedure's status.
pub async fn status(server: &TestServer, sale: &Sale) -> String {
    document(server, sale).await["status"]
        .as_str()
        .expect("status")
        .to_owned()
}

/// A time field of a JSON document.
pub fn time(value: &Json) -> DateTime<Utc> {
    domain::time::parse_timestamp(value.as_str().unwrap_or_else(|| panic!("no time: {value}")))
        .expect("a time")
}

/// `auctionPeriod.startDate`, as the CDB set it at publication.
pub async fn auction_start(server: &TestServer, sale: &Sale) -> DateTime<Utc> {
    time(&document(server, sale).await["auctionPeriod"]["startDate"])
}

/// Moves the clock to `at` and runs the scheduler as its loop would, pass
/// after pass until one finds nothing due (a commit wakes the live loop for
/// another pass); how many due commands appended events in all.
pub async fn run_at(server: &TestServer, at: DateTime<Utc>) -> usize {
    server.set_time(at);
    let mut total = 0;
    for _ in 0..10 {
        let fired = server.run_scheduler().await;
        if fired == 0 {
            return total;
        }
        total += fired;
    }
    panic!("the scheduler keeps finding work at {at}");
}

/// At `auctionPeriod.startDate` the scheduler starts the auction: the
/// procedure is `active_auction`. The document afterwards.
pub async fn start_auction(server: &TestServer, sale: &Sale) -> Json {
    let start = auction_start(server, sale).await;
    assert!(run_at(server, start).await >= 1, "the auction started");
    let document = document(server, sale).await;
    assert_eq!(document["status"], "active_auction", "{document}");
    document
}

/// The auction as the caller sees it (`GET /api/auctions/{id}?{query}`;
/// `query` empty for everyone's view): `{auction, participant?}`.
pub async fn view(server: &TestServer, sale: &Sale, query: &str) -> Json {
    let (status, _, body) = server
        .get(&format!("/api/auctions/{}?{query}", sale.id), None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].clone()
}

/// A participant's request on the auction (`what`: `terms` or `bids`)
/// through its link's `query`; the status and the body.
pub async fn act(
    server: &TestServer,
    sale: &Sale,
    what: &str,
    query: &str,
    data: Json,
) -> (StatusCode, Json) {
    let (status, _, body) = server
        .post(
            &format!("/api/auctions/{}/{what}?{query}", sale.id),
            None,
            Some(json!({ "data": data })),
        )
        .await;
    (status, body)
}

/// The participant accepts the auction's terms ("Погоджуюсь").
pub async fn accept_terms(server: &TestServer, sale: &Sale, query: &str) {
    let (status, body) = act(server, sale, "terms", query, json!({"accepted": true})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["participant"]["terms"], "accepted", "{body}");
}

/// The participant stops round 1 at the running step's price.
pub async fn stop(server: &TestServer, sale: &Sale, query: &str) -> Json {
    let (status, body) = act(server, sale, "bids", query, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].clone()
}

/// The participant bids `amount` (round 2 or 3).
pub async fn place(server: &TestServer, sale: &Sale, query: &str, amount: &str) -> Json {
    let (status, body) = act(server, sale, "bids", query, json!({ "amount": amount })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].clone()
}

/// The start of the auction's first stage of `kind` (`pause`, `step`,
/// `sealedBids`, `finalBid`), and of `number` if given (a step's).
pub async fn stage_start(
    server: &TestServer,
    sale: &Sale,
    kind: &str,
    number: Option<u64>,
) -> DateTime<Utc> {
    let view = view(server, sale, "").await;
    let stage = view["auction"]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .find(|s| s["kind"] == kind && number.is_none_or(|n| s["number"] == json!(n)))
        .cloned()
        .unwrap_or_else(|| panic!("no {kind} stage: {view}"));
    time(&stage["start"])
}

/// The end of round 1 (and of bidding, `tenderPeriod.endDate`): the last
/// step's end, as the auction's public view lists its stages.
pub async fn round1_end(server: &TestServer, sale: &Sale) -> DateTime<Utc> {
    let view = view(server, sale, "").await;
    let last = view["auction"]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .rfind(|s| s["kind"] == "step")
        .cloned()
        .unwrap_or_else(|| panic!("no step: {view}"));
    time(&last["end"])
}

/// Moves the clock to the end of the auction's last stage shown and runs
/// the scheduler, which records the auction's outcome. The document
/// afterwards.
pub async fn end_auction(server: &TestServer, sale: &Sale) -> Json {
    let end = crate::sale::auction_end(server, sale).await;
    assert!(run_at(server, end).await >= 1, "the auction ended");
    document(server, sale).await
}

/// The award of `bid`, if any, from `GET …/awards`.
pub async fn award_of(server: &TestServer, sale: &Sale, bid: &SaleBid) -> Option<Json> {
    let (status, _, body) = server
        .get(&format!("{}/awards", sale.path), None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"]
        .as_array()
        .expect("awards")
        .iter()
        .find(|award| award["bidId"] == json!(bid.id))
        .cloned()
}

/// The award statuses of `bids` (`-` for none), in their order.
pub async fn award_statuses(server: &TestServer, sale: &Sale, bids: &[&SaleBid]) -> Vec<String> {
    let mut statuses = Vec::new();
    for bid in bids {
        statuses.push(award_of(server, sale, bid).await.map_or_else(
            || "-".to_owned(),
            |award| award["status"].as_str().expect("status").to_owned(),
        ));
    }
    statuses
}

/// The id of `bid`'s award.
pub async fn award_id(server: &TestServer, sale: &Sale, bid: &SaleBid) -> String {
    award_of(server, sale, bid)
        .await
        .unwrap_or_else(|| panic!("no award for bid {}", bid.id))["id"]
        .as_str()
        .expect("award id")
        .to_owned()
}

/// The contract of the award `award_id`, if any, from `GET …/contracts`.
pub async fn contract_of(server: &TestServer, sale: &Sale, award_id: &str) -> Option<Json> {
    let (status, _, body) = server
        .get(&format!("{}/contracts", sale.path), None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"]
        .as_array()
        .expect("contracts")
        .iter()
        .find(|contract| contract["awardId"] == json!(award_id))
        .cloned()
}

/// An uploaded document body's metadata, typed `document_type`, ready to
/// attach.
pub async fn uploaded(server: &TestServer, document_type: &str) -> Json {
    let mut document = server
        .upload(
            &format!("{document_type}.pdf"),
            "application/pdf",
            format!("%PDF-1.4 {document_type}").as_bytes(),
        )
        .await;
    document["documentType"] = json!(document_type);
    document
}

/// Uploads a document and attaches it, typed `document_type`, to `target`
/// (`/awards/{id}` or `/contracts/{id}`) as the Organizer.
pub async fn attach(server: &TestServer, sale: &Sale, target: &str, document_type: &str) -> Json {
    let document = uploaded(server, document_type).await;
    let (status, _, body) = server
        .post(
            &sale.owned(&format!("{target}/documents")),
            Some(BROKER_KEY),
            Some(json!({ "data": document })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["data"].clone()
}

/// `PATCH …/awards/{award_id}?acc_token={token}` as `key`.
pub async fn patch_award(
    server: &TestServer,
    sale: &Sale,
    award_id: &str,
    (key, token): (&str, &str),
    data: Json,
) -> (StatusCode, Json) {
    let (status, _, body) = server
        .patch(
            &format!("{}/awards/{award_id}?acc_token={token}", sale.path),
            Some(key),
            Some(json!({ "data": data })),
        )
        .await;
    (status, body)
}

/// The Organizer qualifies the award: the `auctionProtocol`, then
/// `pending → active`. The award afterwards.
pub async fn qualify(server: &TestServer, sale: &Sale, award_id: &str) -> Json {
    attach(
        server,
        sale,
        &format!("/awards/{award_id}"),
        "auctionProtocol",
    )
    .await;
    let (status, body) = patch_award(
        server,
        sale,
        award_id,
        (BROKER_KEY, &sale.token),
        json!({"status": "active"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "qualify {award_id}: {body}");
    body["data"].clone()
}

/// The Organizer disqualifies the award: a `rejectionProtocol`, then
/// `unsuccessful` for `requirementsNotMet`.
pub async fn disqualify(server: &TestServer, sale: &Sale, award_id: &str) -> Json {
    attach(
        server,
        sale,
        &format!("/awards/{award_id}"),
        "rejectionProtocol",
    )
    .await;
    let (status, body) = patch_award(
        server,
        sale,
        award_id,
        (BROKER_KEY, &sale.token),
        json!({"status": "unsuccessful", "terminationReason": "requirementsNotMet"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "disqualify {award_id}: {body}");
    body["data"].clone()
}

/// The winner refuses its award, with its bid's token.
pub async fn refuse(server: &TestServer, sale: &Sale, award_id: &str, bid: &SaleBid) -> Json {
    let (status, body) = patch_award(
        server,
        sale,
        award_id,
        (OTHER_KEY, &bid.token),
        json!({"status": "cancelled"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "refuse {award_id}: {body}");
    body["data"].clone()
}

/// The Organizer signs the contract: the `contractSigned` document, then
/// `pending → active`. The contract afterwards.
pub async fn sign(server: &TestServer, sale: &Sale, contract_id: &str) -> Json {
    attach(
        server,
        sale,
        &format!("/contracts/{contract_id}"),
        "contractSigned",
    )
    .await;
    let (status, _, body) = server
        .patch(
            &sale.owned(&format!("/contracts/{contract_id}")),
            Some(BROKER_KEY),
            Some(json!({"data": {"status": "active"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "sign {contract_id}: {body}");
    body["data"].clone()
}

/// The Organizer's cancellation request, with an uploaded
/// `cancellationDetails` document.
pub async fn cancellation_request(server: &TestServer) -> Json {
    json!({"data": {
        "reason": {"uk_UA": "Рішення організатора"},
        "documents": [uploaded(server, "cancellationDetails").await]
    }})
}

/// The Organizer cancels the sale; the status and the body.
pub async fn try_cancel(server: &TestServer, sale: &Sale) -> (StatusCode, Json) {
    let request = cancellation_request(server).await;
    let (status, _, body) = server
        .post(
            &sale.owned("/cancellations"),
            Some(BROKER_KEY),
            Some(request),
        )
        .await;
    (status, body)
}

/// The names the errors of a refusal give.
pub fn error_names(body: &Json) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Checks a refusal: `status`, its first error naming `name` and, if
/// given, described as `description`.
pub fn refused(answer: &(StatusCode, Json), status: StatusCode, name: &str, description: &str) {
    let (got, body) = answer;
    assert_eq!(*got, status, "{body}");
    assert_eq!(body["status"], "error", "{body}");
    assert_eq!(body["errors"][0]["name"], name, "{body}");
    if !description.is_empty() {
        assert_eq!(body["errors"][0]["description"], description, "{body}");
    }
}

/// A step's start plus a few seconds: a moment inside the step.
pub fn inside(start: DateTime<Utc>) -> DateTime<Utc> {
    start + TimeDelta::seconds(10)
}
