//! The auction page in a real browser: the real `cdb serve` on a fast
//! clock runs a multi-award sale's auction, and `tests/browser/auction.mjs`
//! drives Debian's Chromium through the page as an observer and three
//! bidders (one on a phone-sized screen, in English) until TV-B1's prices
//! (120, 110, 100 per unit) are reached; then the sale is in qualification
//! with its awards in that order. Screenshots of every stage go to
//! `target/browser-screenshots/turn-based/`.
//!
//! Needs node (`CDB_NODE` or `node` on PATH), Chromium (`CDB_CHROMIUM` or
//! `/usr/bin/chromium`) and `npm ci` run in `tests/browser`. Without them
//! the test says so and passes, unless `CDB_REQUIRE_BROWSER=1` (set by
//! `.ci/run`) makes the absence a failure.

use std::process::Child;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use e2e::sale::{bid_request, procedure_request};
use serde_json::{Value as Json, json};

mod common;

/// How many times faster than real time the server's clock runs. A turn
/// (2 minutes) then lasts 4 real seconds: time enough for a browser to see
/// it open, type, click and read the answer on a busy two-core machine,
/// while the whole auction (27 minutes with three bidders) takes under a
/// minute.
const CLOCK_RATE: f64 = 30.0;
const SECRET: &str = "browser-test-secret-0123456789abcdef";
const BROKER_KEY: &str = "broker-key-0123456789";
const OTHER_KEY: &str = "other-key-0123456789";
/// How long the tender period runs after publication, on the server's
/// clock: enough to place three bids over HTTP.
const TENDERING: TimeDelta = TimeDelta::minutes(3);

/// The server child, killed when the test ends however it ends.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn get(client: &reqwest::Client, url: &str) -> Json {
    let response = client.get(url).send().await.expect("GET");
    assert!(response.status().is_success(), "GET {url}: {response:?}");
    response.json().await.expect("JSON")
}

async fn post(client: &reqwest::Client, url: &str, key: &str, body: Json) -> Json {
    let response = client
        .post(url)
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .expect("POST");
    let status = response.status();
    let body: Json = response.json().await.expect("JSON");
    assert_eq!(status, 201, "POST {url}: {body}");
    body
}

/// Polls the sale until its status is `status`, for at most `within`.
async fn wait_for_status(
    client: &reqwest::Client,
    sale: &str,
    status: &str,
    within: Duration,
) -> Json {
    let deadline = Instant::now() + within;
    loop {
        let document = get(client, sale).await;
        if document["data"]["status"] == status {
            return document;
        }
        assert!(
            Instant::now() < deadline,
            "the sale is not {status} after {within:?}: {document}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// An amount as its shortest decimal text ("120" for 120.00).
fn amount(value: &Json) -> String {
    e2e::sale::decimal(value).normalize().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bidders_reach_tv_b1_through_the_auction_page() {
    let Some(browser) = e2e::browser::browser("auction_page") else {
        return;
    };
    let began = Instant::now();
    let dir = tempfile::tempdir().expect("temporary directory");
    let brokers = dir.path().join("brokers.toml");
    std::fs::write(
        &brokers,
        format!(
            "[[broker]]\nname = \"broker\"\nkey = \"{BROKER_KEY}\"\nroles = [\"broker\"]\n\n\
             [[broker]]\nname = \"other\"\nkey = \"{OTHER_KEY}\"\nroles = [\"broker\"]\n"
        ),
    )
    .expect("write the brokers file");
    let (child, base) = common::spawn_serve(
        dir.path(),
        &[
            "--brokers",
            &brokers.display().to_string(),
            "--clock-rate",
            &CLOCK_RATE.to_string(),
            "--auction-secret",
            SECRET,
            "--scheduler-tick-ms",
            "200",
        ],
        "warn",
    );
    let server = Server { child, base };
    let client = reqwest::Client::new();

    // The tender period ends shortly on the server's (fast) clock.
    let health = get(&client, &format!("{}/health", server.base)).await;
    let now: DateTime<Utc> = health["clock"]["now"]
        .as_str()
        .and_then(|now| domain::time::parse_timestamp(now).ok())
        .unwrap_or_else(|| panic!("no fast clock in /health: {health}"));
    let mut request = procedure_request(json!(1000), json!(200), json!(100));
    request["data"]["tenderPeriod"]["endDate"] = json!(domain::time::format_kyiv(now + TENDERING));
    let created = post(
        &client,
        &format!("{}/api/procedures", server.base),
        BROKER_KEY,
        request,
    )
    .await;
    let id = created["data"]["id"].as_str().expect("id").to_owned();
    let sale = format!("{}/api/procedures/{id}", server.base);
    let mut bids = Vec::new();
    for (edr, quantity) in [("00000010", 200), ("00000011", 300), ("00000012", 400)] {
        let body = post(
            &client,
            &format!("{sale}/bids"),
            OTHER_KEY,
            bid_request(edr, json!(quantity), json!(100)),
        )
        .await;
        bids.push((
            body["data"]["id"].as_str().expect("bid id").to_owned(),
            body["access"]["token"]
                .as_str()
                .expect("bid token")
                .to_owned(),
        ));
    }

    let real = |span: TimeDelta| {
        Duration::from_secs_f64(span.as_seconds_f64() / CLOCK_RATE) + Duration::from_secs(10)
    };
    wait_for_status(&client, &sale, "active_auction", real(TENDERING)).await;
    let mut links = Vec::new();
    for (bid_id, token) in &bids {
        let bid = get(&client, &format!("{sale}/bids/{bid_id}?acc_token={token}")).await;
        let url = bid["data"]["participationUrl"]
            .as_str()
            .unwrap_or_else(|| panic!("no participationUrl: {bid}"));
        links.push(url.to_owned());
    }

    // U3 (the worst price, placed last) moves first in every round; it
    // tries its own price and is told it is too low. U2, on a phone and in
    // English, goes to 110; U1 to 115, then 120 in round 2.
    let shots = e2e::browser::screenshot_dir(env!("CARGO_TARGET_TMPDIR"), "turn-based");
    let config = json!({
        "auctionPage": format!("{}/auctions/{id}", server.base),
        "screenshots": shots,
        "timeoutSeconds": 150,
        "finalAmounts": ["120", "110", "100"],
        "bidders": [
            {"name": "u1", "url": links[0], "photographed": true,
             "bids": [{"round": 1, "amount": "115"}, {"round": 2, "amount": "120"}]},
            {"name": "u2", "url": links[1], "phone": true, "english": true,
             "bids": [{"round": 1, "amount": "110"}]},
            {"name": "u3", "url": links[2],
             "bids": [{"round": 1, "amount": "100", "refused": "Замала сума"}]},
        ],
    });
    browser
        .drive("auction.mjs", config, Duration::from_secs(180))
        .await;

    // The auction's end is recorded by the scheduler, then qualification
    // starts with the awards best price first (TV-B1).
    let document = wait_for_status(
        &client,
        &sale,
        "active_qualification",
        Duration::from_secs(20),
    )
    .await;
    let data = &document["data"];
    let awarded: Vec<(String, String, String)> = data["awards"]
        .as_array()
        .expect("awards")
        .iter()
        .map(|award| {
            let bid = data["bids"]
                .as_array()
                .and_then(|bids| bids.iter().find(|b| b["id"] == award["bidId"]))
                .expect("the award's bid");
            (
                award["bidId"].as_str().expect("bidId").to_owned(),
                award["status"].as_str().expect("status").to_owned(),
                amount(&bid["value"]["amount"]),
            )
        })
        .collect();
    let expected: Vec<(String, String, String)> = bids
        .iter()
        .zip(["120", "110", "100"])
        .map(|((bid_id, _), price)| (bid_id.clone(), "pending".to_owned(), price.to_owned()))
        .collect();
    assert_eq!(awarded, expected, "{document}");
    let protocol = get(
        &client,
        &format!("{}/api/auctions/{id}/protocol", server.base),
    )
    .await;
    assert_eq!(
        protocol["data"]["result"]["ranking"][0]["bidId"],
        json!(bids[0].0)
    );

    e2e::browser::screenshots("auction_page", &shots, began, 10);
}
