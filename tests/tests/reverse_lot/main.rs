//! The descending turn-based auction (the one the open tender will run)
//! end to end through a test-only procurement type, `reverseLot` (this
//! folder: `reverse_lot.rs` its rulebook, `adapter.rs` its HTTP adapter),
//! registered as `LiveAuction::<_, TurnBased>::new(ReverseLotAdapter)`.
//! Through HTTP on both backends: three sealed prices, turns in which
//! prices only go down by at least the step ("Too high value" otherwise),
//! and the lowest final price winning.

mod adapter;
mod reverse_lot;

use std::collections::BTreeMap;

use api::kinds::live_auction::LiveAuction;
use api::registry::Registry;
use chrono::{DateTime, TimeDelta, Utc};
use domain::auction::TurnBased;
use e2e::http::{BROKER_KEY, OTHER_KEY, StatusCode, TestServer};
use serde_json::{Value as Json, json};

use adapter::ReverseLotAdapter;

fn registry() -> Registry {
    Registry::builtin(Default::default()).with(LiveAuction::<_, TurnBased>::new(ReverseLotAdapter))
}

async fn start(postgres: bool) -> Option<TestServer> {
    let backend = if postgres {
        let url = e2e::backends::postgres_database("reverse_lot::postgres").await?;
        e2e::http::Backend::Postgres(url)
    } else {
        e2e::http::Backend::Embedded
    };
    Some(TestServer::with_registry(backend, registry()).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_lowest_price_wins_the_reverse_auction_embedded() {
    if let Some(server) = start(false).await {
        the_lowest_price_wins_the_reverse_auction(server).await;
        e2e::backends::ran("embedded", "reverse_lot::the_lowest_price_wins");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_lowest_price_wins_the_reverse_auction_postgres() {
    if let Some(server) = start(true).await {
        the_lowest_price_wins_the_reverse_auction(server).await;
        e2e::backends::ran("postgres", "reverse_lot::the_lowest_price_wins");
    }
}

struct Offer {
    id: String,
    token: String,
}

async fn offer(server: &TestServer, path: &str, amount: i64) -> Offer {
    let (status, _, body) = server
        .post(
            &format!("{path}/bids"),
            Some(OTHER_KEY),
            Some(json!({"data": {"value": {"amount": amount}}})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    Offer {
        id: body["data"]["id"].as_str().expect("bid id").to_owned(),
        token: body["access"]["token"].as_str().expect("token").to_owned(),
    }
}

async fn link(server: &TestServer, path: &str, offer: &Offer) -> String {
    e2e::sale::link_query(server, &format!("{path}/bids/{}", offer.id), &offer.token).await
}

fn time(value: &Json) -> DateTime<Utc> {
    domain::time::parse_timestamp(value.as_str().expect("a time")).expect("a timestamp")
}

async fn the_lowest_price_wins_the_reverse_auction(server: TestServer) {
    let end = server.now() + TimeDelta::days(1);
    let (status, _, body) = server
        .post(
            "/api/2.5/tenders",
            Some(BROKER_KEY),
            Some(json!({"data": {
                "procurementMethodType": "reverseLot",
                "title": "Папір офісний А4",
                "minimalStep": {"amount": 10},
                "tenderPeriod": {"endDate": domain::time::format_kyiv(end)},
            }})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["data"]["id"].as_str().expect("id").to_owned();
    let path = format!("/api/2.5/tenders/{id}");
    let a = offer(&server, &path, 1000).await;
    let b = offer(&server, &path, 1100).await;
    let c = offer(&server, &path, 1200).await;
    server.set_time(end);
    assert!(server.run_scheduler().await >= 1);
    let (_, _, document) = server.get(&path, None, None).await;
    assert_eq!(document["data"]["status"], "active.auction", "{document}");
    let links: Vec<String> = [
        link(&server, &path, &a).await,
        link(&server, &path, &b).await,
        link(&server, &path, &c).await,
    ]
    .into();

    // Who bids what in which round: C down to 950 then 920, B to 930.
    let plans: BTreeMap<(usize, u64), &str> =
        [((2, 1), "950"), ((1, 2), "930"), ((2, 3), "920")].into();
    let (_, _, view) = server.get(&format!("/api/auctions/{id}"), None, None).await;
    let turns: Vec<(DateTime<Utc>, u64)> = view["data"]["auction"]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .filter(|stage| stage["kind"] == "turn")
        .map(|stage| {
            (
                time(&stage["start"]),
                stage["round"].as_u64().expect("round"),
            )
        })
        .collect();
    let mut refused_once = false;
    for (at, round) in turns {
        server.set_time(at + TimeDelta::seconds(10));
        for (bidder, query) in links.iter().enumerate() {
            let (_, _, mine) = server
                .get(&format!("/api/auctions/{id}?{query}"), None, None)
                .await;
            let allowed = &mine["data"]["participant"]["allowed"];
            if allowed.is_null() {
                continue;
            }
            // Prices only go down, by at least the step.
            assert_eq!(allowed["action"], "bid", "{mine}");
            if !refused_once {
                let (status, _, answer) = server
                    .post(
                        &format!("/api/auctions/{id}/bids?{query}"),
                        None,
                        Some(json!({"data": {"amount": "5000"}})),
                    )
                    .await;
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
                assert_eq!(answer["errors"][0]["description"], "Too high value");
                refused_once = true;
            }
            if let Some(amount) = plans.get(&(bidder, round)) {
                let (status, _, answer) = server
                    .post(
                        &format!("/api/auctions/{id}/bids?{query}"),
                        None,
                        Some(json!({"data": {"amount": amount}})),
                    )
                    .await;
                assert_eq!(status, StatusCode::OK, "{answer}");
            }
        }
        server.run_scheduler().await;
    }
    let last = view["data"]["auction"]["stages"]
        .as_array()
        .and_then(|stages| stages.last())
        .map(|stage| time(&stage["end"]))
        .expect("the last stage");
    server.set_time(last);
    assert!(server.run_scheduler().await >= 1, "the auction ended");
    server.settle().await;

    let (_, _, document) = server.get(&path, None, None).await;
    let data = &document["data"];
    assert_eq!(data["status"], "complete", "{document}");
    assert_eq!(data["winner"]["id"], json!(c.id), "{document}");
    let ranked: Vec<(String, String)> = data["bids"]
        .as_array()
        .expect("bids")
        .iter()
        .map(|bid| {
            (
                bid["id"].as_str().expect("id").to_owned(),
                bid["value"]["amount"].to_string(),
            )
        })
        .collect();
    assert_eq!(
        ranked,
        [
            (c.id.clone(), "920.0".to_owned()),
            (b.id.clone(), "930.0".to_owned()),
            (a.id.clone(), "1000.0".to_owned()),
        ]
    );
    server.assert_replays().await;
}
