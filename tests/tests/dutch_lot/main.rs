//! A new kind of auction in a procedure is cheap: the test-only type
//! `dutchLot` (this folder: `dutch_lot.rs` its rulebook, `adapter.rs` its
//! HTTP adapter) runs the Dutch 3-stage auction in the server by being
//! registered as `LiveAuction::<_, Dutch>::new(DutchLotAdapter)`. Through
//! HTTP on both backends: the terms disclaimer (a decline makes an
//! observer), round 1's stop at the running step's price, a sealed bid in
//! round 2 that nobody sees before the round ends, the stopper's last word
//! in round 3, and the result selling the lot; and a lot nobody stops
//! left unsold. The same engine through its page in a real browser is
//! `dutch_sale_browser.rs`, with the Dutch sale the server ships.

mod adapter;
mod dutch_lot;

use api::kinds::live_auction::LiveAuction;
use api::registry::Registry;
use chrono::{DateTime, TimeDelta, Utc};
use domain::auction::Dutch;
use e2e::http::{BROKER_KEY, OTHER_KEY, StatusCode, TestServer};
use serde_json::{Value as Json, json};

use adapter::DutchLotAdapter;

fn registry() -> Registry {
    Registry::builtin(Default::default()).with(LiveAuction::<_, Dutch>::new(DutchLotAdapter))
}

async fn start(postgres: bool) -> Option<TestServer> {
    let backend = if postgres {
        let url = e2e::backends::postgres_database("dutch_lot::postgres").await?;
        e2e::http::Backend::Postgres(url)
    } else {
        e2e::http::Backend::Embedded
    };
    Some(TestServer::with_registry(backend, registry()).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dutch_auction_sells_the_lot_embedded() {
    if let Some(server) = start(false).await {
        a_dutch_auction_sells_the_lot(server).await;
        e2e::backends::ran("embedded", "dutch_lot::a_dutch_auction_sells_the_lot");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dutch_auction_sells_the_lot_postgres() {
    if let Some(server) = start(true).await {
        a_dutch_auction_sells_the_lot(server).await;
        e2e::backends::ran("postgres", "dutch_lot::a_dutch_auction_sells_the_lot");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_lot_nobody_stops_is_unsold_embedded() {
    if let Some(server) = start(false).await {
        a_lot_nobody_stops_is_unsold(server).await;
        e2e::backends::ran("embedded", "dutch_lot::a_lot_nobody_stops_is_unsold");
    }
}

struct Lot {
    id: String,
    path: String,
}

struct Applicant {
    id: String,
    token: String,
}

async fn publish(server: &TestServer) -> (Lot, DateTime<Utc>) {
    let end = server.now() + TimeDelta::days(1);
    let (status, _, body) = server
        .post(
            "/api/2.5/tenders",
            Some(BROKER_KEY),
            Some(json!({"data": {
                "procurementMethodType": "dutchLot",
                "title": "Вантажівка МАЗ, 2004",
                "value": {"amount": 1500},
                "minimalStep": {"amount": 10},
                "tenderPeriod": {"endDate": domain::time::format_kyiv(end)},
            }})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["data"]["id"].as_str().expect("id").to_owned();
    let path = format!("/api/2.5/tenders/{id}");
    (Lot { id, path }, end)
}

async fn apply(server: &TestServer, lot: &Lot, name: &str) -> Applicant {
    let (status, _, body) = server
        .post(
            &format!("{}/bids", lot.path),
            Some(OTHER_KEY),
            Some(json!({"data": {"name": name}})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    Applicant {
        id: body["data"]["id"].as_str().expect("bid id").to_owned(),
        token: body["access"]["token"].as_str().expect("token").to_owned(),
    }
}

/// The query of the applicant's participation link: its credentials.
async fn link(server: &TestServer, lot: &Lot, applicant: &Applicant) -> String {
    let bid = format!("{}/bids/{}", lot.path, applicant.id);
    e2e::sale::link_query(server, &bid, &applicant.token).await
}

/// Sends a participant's request; the status and the body.
async fn act(
    server: &TestServer,
    lot: &Lot,
    what: &str,
    query: &str,
    data: Json,
) -> (StatusCode, Json) {
    let (status, _, body) = server
        .post(
            &format!("/api/auctions/{}/{what}?{query}", lot.id),
            None,
            Some(json!({ "data": data })),
        )
        .await;
    (status, body)
}

fn refused(answer: &(StatusCode, Json), status: StatusCode, description: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    assert_eq!(
        answer.1["errors"][0]["description"], description,
        "{}",
        answer.1
    );
}

async fn view(server: &TestServer, lot: &Lot, query: &str) -> Json {
    let (status, _, body) = server
        .get(&format!("/api/auctions/{}?{query}", lot.id), None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].clone()
}

/// The start of the first stage of `kind` (and `number`, if given).
async fn stage_start(
    server: &TestServer,
    lot: &Lot,
    kind: &str,
    number: Option<u64>,
) -> DateTime<Utc> {
    let view = view(server, lot, "").await;
    let stage = view["auction"]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .find(|s| s["kind"] == kind && number.is_none_or(|n| s["number"] == json!(n)))
        .cloned()
        .unwrap_or_else(|| panic!("no {kind} stage: {view}"));
    domain::time::parse_timestamp(stage["start"].as_str().expect("start")).expect("a time")
}

async fn last_end(server: &TestServer, lot: &Lot) -> DateTime<Utc> {
    let view = view(server, lot, "").await;
    let end = view["auction"]["stages"]
        .as_array()
        .and_then(|stages| stages.last())
        .and_then(|stage| stage["end"].as_str())
        .expect("stages")
        .to_owned();
    domain::time::parse_timestamp(&end).expect("a time")
}

async fn a_dutch_auction_sells_the_lot(server: TestServer) {
    let (lot, end) = publish(&server).await;
    let a = apply(&server, &lot, "ТОВ Альфа").await;
    let b = apply(&server, &lot, "ТОВ Бета").await;
    let c = apply(&server, &lot, "ТОВ Гамма").await;
    server.set_time(end);
    assert!(server.run_scheduler().await >= 1);
    let (_, _, document) = server.get(&lot.path, None, None).await;
    assert_eq!(document["data"]["status"], "active.auction", "{document}");
    assert!(document["data"]["auctionUrl"].is_string(), "{document}");
    let (la, lb, lc) = (
        link(&server, &lot, &a).await,
        link(&server, &lot, &b).await,
        link(&server, &lot, &c).await,
    );

    // The terms first: nothing before them, a decline observes for good.
    let step3 = stage_start(&server, &lot, "step", Some(3)).await;
    server.set_time(step3 + TimeDelta::seconds(10));
    let early = act(&server, &lot, "bids", &lb, json!({})).await;
    refused(
        &early,
        StatusCode::FORBIDDEN,
        "Accept the auction's terms first",
    );
    assert_eq!(
        view(&server, &lot, &lb).await["participant"]["terms"],
        "pending"
    );
    let (status, declined) = act(&server, &lot, "terms", &lc, json!({"accepted": false})).await;
    assert_eq!(status, StatusCode::OK, "{declined}");
    assert_eq!(declined["data"]["participant"]["terms"], "declined");
    assert!(declined["data"]["participant"]["allowed"].is_null());
    let observer = act(&server, &lot, "bids", &lc, json!({})).await;
    refused(
        &observer,
        StatusCode::FORBIDDEN,
        "A participant who declined the auction's terms only observes it",
    );
    let again = act(&server, &lot, "terms", &lc, json!({"accepted": true})).await;
    refused(
        &again,
        StatusCode::FORBIDDEN,
        "The auction's terms have already been answered",
    );
    for query in [&la, &lb] {
        let (status, body) = act(&server, &lot, "terms", query, json!({"accepted": true})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    // Round 1, step 3: 1500 × (1 − 0.02) = 1470 on offer; A stops.
    let offer = view(&server, &lot, &la).await;
    let allowed = &offer["participant"]["allowed"];
    assert_eq!(allowed["action"], "accept", "{offer}");
    assert_eq!(allowed["min"].to_string(), "1470.0", "{offer}");
    let (status, body) = act(&server, &lot, "bids", &la, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let late = act(&server, &lot, "bids", &lb, json!({})).await;
    refused(
        &late,
        StatusCode::FORBIDDEN,
        "The auction has already been stopped",
    );

    // Round 2: B's sealed bid, unseen by anyone else until the round ends.
    let sealed = stage_start(&server, &lot, "sealedBids", None).await;
    server.set_time(sealed + TimeDelta::seconds(10));
    let (status, body) = act(&server, &lot, "bids", &lb, json!({"amount": "1600.55"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for query in ["", la.as_str(), lc.as_str()] {
        let seen = view(&server, &lot, query).await.to_string();
        assert!(!seen.contains("1600.55"), "{query}: {seen}");
    }
    let winner_now = act(&server, &lot, "bids", &la, json!({"amount": "1700"})).await;
    refused(&winner_now, StatusCode::FORBIDDEN, "Not valid bidder");

    // Round 3: the sealed bid is public; A must add the step to it.
    let last = stage_start(&server, &lot, "finalBid", None).await;
    server.set_time(last + TimeDelta::seconds(10));
    assert!(
        view(&server, &lot, "")
            .await
            .to_string()
            .contains("1600.55")
    );
    let short = act(&server, &lot, "bids", &la, json!({"amount": "1605"})).await;
    refused(&short, StatusCode::UNPROCESSABLE_ENTITY, "Too low value");
    let (status, body) = act(&server, &lot, "bids", &la, json!({"amount": "1610.55"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    server.set_time(last_end(&server, &lot).await);
    assert!(server.run_scheduler().await >= 1, "the auction ended");
    server.settle().await;
    let (_, _, document) = server.get(&lot.path, None, None).await;
    assert_eq!(document["data"]["status"], "complete", "{document}");
    assert_eq!(
        document["data"]["winner"]["bidId"],
        json!(a.id),
        "{document}"
    );
    assert_eq!(
        document["data"]["winner"]["value"]["amount"].to_string(),
        "1610.55"
    );
    let (status, _, protocol) = server
        .get(&format!("/api/auctions/{}/protocol", lot.id), None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{protocol}");
    let ranking = protocol["data"]["result"]["ranking"]
        .as_array()
        .expect("ranking");
    let ranked: Vec<(&Json, String)> = ranking
        .iter()
        .map(|row| (&row["bidId"], row["amount"].to_string()))
        .collect();
    assert_eq!(
        ranked,
        [
            (&json!(a.id), "1610.55".to_owned()),
            (&json!(b.id), "1600.55".to_owned())
        ]
    );
    server.assert_replays().await;
}

async fn a_lot_nobody_stops_is_unsold(server: TestServer) {
    let (lot, end) = publish(&server).await;
    let a = apply(&server, &lot, "ТОВ Альфа").await;
    apply(&server, &lot, "ТОВ Бета").await;
    server.set_time(end);
    assert!(server.run_scheduler().await >= 1);
    let query = link(&server, &lot, &a).await;
    let (status, body) = act(&server, &lot, "terms", &query, json!({"accepted": true})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sealed = stage_start(&server, &lot, "sealedBids", None).await;
    server.set_time(sealed);
    assert!(server.run_scheduler().await >= 1, "round 1 ended");
    server.settle().await;
    let (_, _, document) = server.get(&lot.path, None, None).await;
    assert_eq!(document["data"]["status"], "unsuccessful", "{document}");
    assert_eq!(
        view(&server, &lot, "").await["auction"]["status"],
        "unsuccessful"
    );
    server.assert_replays().await;
}
