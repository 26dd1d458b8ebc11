//! One Dutch sale (`basicSell-dutch-fast`, the sale opencdb ships) run
//! from its auction page in a real browser: the test server, on a clock 20
//! times faster, holds the auction on the date it set at publication, and
//! `tests/browser/dutch.mjs` drives Debian's Chromium through the page as
//! an observer and three participants: C declines the terms and only
//! watches, A stops round 1 at step 3, B bids sealed in round 2 (1600.55,
//! seen by nobody before the round ends), A is refused below the minimum in
//! round 3 and then wins at 1610.55. Then the sale is in qualification
//! with A's award `pending` and B's `pending_waiting`. Screenshots of every
//! stage go to `target/browser-screenshots/dutch/`.
//!
//! Needs what `e2e::browser` looks for; without it the test says so and
//! passes, unless `CDB_REQUIRE_BROWSER=1`.

use std::path::Path;
use std::time::{Duration, Instant};

use api::registry::{Builtin, Registry};
use api::sale_periods::SalePeriods;
use e2e::http::{BROKER_KEY, Backend, OTHER_KEY, StatusCode, TestServer};
use e2e::sale::organization;
use serde_json::{Value as Json, json};

/// How many times faster than real time the clock runs: a step of round 1
/// (1 minute) lasts 3 real seconds, time enough for a page to show it and
/// a participant to click, while the whole auction (21 minutes with its
/// familiarisation pause) takes about a minute.
const CLOCK_RATE: f64 = 20.0;

/// The operator's lengths for the test variant: the auction on the next
/// working day, a 3-minute pause (9 real seconds to open the pages and
/// answer the terms), 10 steps of a minute, 5 and 3 minutes for rounds 2
/// and 3.
const LENGTHS: &str = r#"["basicSell-dutch-fast"]
tenderingWorkingDays = 1
familiarisationPauseSeconds = 180
dutchRoundSeconds = 600
sealedRoundSeconds = 300
finalRoundSeconds = 180
"#;

async fn server() -> TestServer {
    let periods = SalePeriods::parse(LENGTHS, Path::new("sale-periods.toml")).expect("lengths");
    let registry = Registry::builtin(Builtin {
        sale_periods: periods,
        ..Builtin::default()
    });
    TestServer::with_registry(Backend::Embedded, registry).await
}

async fn created(server: &TestServer, path: &str, key: &str, data: Json) -> Json {
    let (status, _, body) = server
        .post(path, Some(key), Some(json!({ "data": data })))
        .await;
    assert_eq!(status, StatusCode::CREATED, "POST {path}: {body}");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_participants_run_a_dutch_sale_through_its_page() {
    let Some(browser) = e2e::browser::browser("dutch_sale_browser") else {
        return;
    };
    let began = Instant::now();
    let server = server().await;
    let sale = created(
        &server,
        "/api/procedures",
        BROKER_KEY,
        json!({
            "sellingMethod": "basicSell-dutch-fast",
            "sellingEntity": organization("00000001"),
            "lotId": "LOT-D1",
            "title": {"uk_UA": "Пшениця 3 класу, 100 т"},
            "description": {"uk_UA": "Пшениця 3 класу врожаю 2025 року, 100 тонн"},
            "x_documentRequirements": {"uk_UA": "Витяг з ЄДР"},
            "value": {"amount": 1500, "currency": "UAH"},
            "minimalStep": {"amount": 10, "currency": "UAH"},
            "auctionParameters": {"dutchStepQuantity": 10},
            "items": [{
                "description": {"uk_UA": "Пшениця"},
                "classification": {"scheme": "CAV", "id": "03211100-4"},
                "quantity": 100,
                "unit": {"code": "TNE", "name": {"uk_UA": "тонна"}}
            }]
        }),
    )
    .await;
    let id = sale["data"]["id"].as_str().expect("id").to_owned();
    let path = format!("/api/procedures/{id}");
    let start = sale["data"]["auctionPeriod"]["startDate"]
        .as_str()
        .and_then(|t| domain::time::parse_timestamp(t).ok())
        .expect("the auction's date, set at publication");
    let mut bids = Vec::new();
    for edr in ["00000010", "00000011", "00000012"] {
        let body = created(
            &server,
            &format!("{path}/bids"),
            OTHER_KEY,
            json!({"bidders": [organization(edr)]}),
        )
        .await;
        let bid = body["data"]["id"].as_str().expect("bid id").to_owned();
        let token = body["access"]["token"].as_str().expect("token").to_owned();
        bids.push((bid, token));
    }
    server.set_time(start);
    assert!(server.run_scheduler().await >= 1, "the auction starts");
    let mut links = Vec::new();
    for (bid, token) in &bids {
        let (status, _, body) = server
            .get(&format!("{path}/bids/{bid}?acc_token={token}"), None, None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        links.push(
            body["data"]["participationUrl"]
                .as_str()
                .unwrap_or_else(|| panic!("no participationUrl: {body}"))
                .to_owned(),
        );
    }

    server.run_live(CLOCK_RATE);
    let shots = e2e::browser::screenshot_dir(env!("CARGO_TARGET_TMPDIR"), "dutch");
    // Step 3 offers 1500 × (1 − 0.02); B's sealed bid must be above it,
    // and A's last word at least B's bid plus the minimal step (10).
    let config = json!({
        "auctionPage": format!("{}/auctions/{id}", server.base),
        "screenshots": shots,
        "timeoutSeconds": 120,
        "participants": {"a": links[0], "b": links[1], "c": links[2]},
        "stopAt": {"step": 3, "price": "1470"},
        "sealedBid": "1600.55",
        "finalBids": {"refused": "1605", "refusal": "Замала сума", "accepted": "1610.55"},
    });
    browser
        .drive("dutch.mjs", config, Duration::from_secs(150))
        .await;

    // The auction's end records the results: A's award first.
    let deadline = Instant::now() + Duration::from_secs(20);
    let document = loop {
        let (_, _, document) = server.get(&path, None, None).await;
        if document["data"]["status"] == "active_qualification" {
            break document;
        }
        assert!(
            Instant::now() < deadline,
            "the sale is not in qualification: {document}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let awards: Vec<(Json, Json, String)> = document["data"]["awards"]
        .as_array()
        .expect("awards")
        .iter()
        .map(|award| {
            (
                award["bidId"].clone(),
                award["status"].clone(),
                award["value"]["amount"].to_string(),
            )
        })
        .collect();
    assert_eq!(
        awards,
        [
            (json!(bids[0].0), json!("pending"), "1610.55".to_owned()),
            (
                json!(bids[1].0),
                json!("pending_waiting"),
                "1600.55".to_owned()
            ),
        ],
        "{document}"
    );
    e2e::browser::screenshots("dutch_sale_browser", &shots, began, 17);
}
