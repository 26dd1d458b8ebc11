//! A Dutch sale from publication to `complete` on a running clock 20 times
//! faster than real time, on both store backends: nothing moves the clock
//! but time itself, so the server's scheduler alone starts the auction on
//! the date the CDB set, closes each round and records the results. Three
//! bidders: P1 stops round 1 at step 3, P2 bids sealed in round 2, P1
//! outbids it by the minimal step in round 3; then the Organizer's protocol,
//! qualification and the signed contract complete the sale, and the waiting
//! award is cancelled. The lengths are the operator's for the test variant
//! `basicSell-dutch-fast`.

use std::path::Path;
use std::time::{Duration, Instant};

use api::registry::{Builtin, Registry};
use api::sale_periods::SalePeriods;
use chrono::{DateTime, TimeDelta, Utc};
use e2e::dutch::{self, accept_terms, award_of, contract_of, link, place, stop, time, view};
use e2e::http::{Backend, TestServer};
use e2e::sale::Sale;
use serde_json::Value as Json;

/// 1 clock minute is 3 real seconds.
const CLOCK_RATE: f64 = 20.0;

const LENGTHS: &str = r#"["basicSell-dutch-fast"]
tenderingWorkingDays = 1
familiarisationPauseSeconds = 60
dutchRoundSeconds = 600
sealedRoundSeconds = 180
finalRoundSeconds = 120
"#;

async fn start(postgres: bool) -> Option<TestServer> {
    let periods = SalePeriods::parse(LENGTHS, Path::new("sale-periods.toml")).expect("lengths");
    let registry = Registry::builtin(Builtin {
        sale_periods: periods,
        ..Builtin::default()
    });
    let backend = if postgres {
        Backend::Postgres(e2e::backends::postgres_database("dutch_sale_live::postgres").await?)
    } else {
        Backend::Embedded
    };
    Some(TestServer::with_registry(backend, registry).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn embedded() {
    if let Some(server) = start(false).await {
        a_dutch_sale_runs_to_complete_on_a_running_clock(server).await;
        e2e::backends::ran("embedded", "dutch_sale_live::embedded");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres() {
    if let Some(server) = start(true).await {
        a_dutch_sale_runs_to_complete_on_a_running_clock(server).await;
        e2e::backends::ran("postgres", "dutch_sale_live::postgres");
    }
}

/// Waits (in real time) until the server's clock has passed `at`.
async fn until(server: &TestServer, at: DateTime<Utc>) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while server.now() < at {
        assert!(Instant::now() < deadline, "the clock never reached {at}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the sale is in `status`; its document then.
async fn status(server: &TestServer, sale: &Sale, status: &str) -> Json {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let document = dutch::document(server, sale).await;
        if document["status"] == status {
            return document;
        }
        assert!(
            Instant::now() < deadline,
            "the sale never became {status}: {document}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn a_dutch_sale_runs_to_complete_on_a_running_clock(server: TestServer) {
    let mut request = dutch::procedure_request(10);
    request["data"]["sellingMethod"] = "basicSell-dutch-fast".into();
    let sale = e2e::sale::publish(&server, request).await;
    let mut bids = Vec::new();
    for edr in ["20000001", "20000002", "20000003"] {
        bids.push(dutch::bid(&server, &sale, edr).await);
    }
    let planned = dutch::auction_start(&server, &sale).await;
    // The clock runs from just before the auction's date.
    server.set_time(planned - TimeDelta::seconds(20));
    server.run_live(CLOCK_RATE);
    status(&server, &sale, "active_auction").await;
    let mut links = Vec::new();
    for bid in &bids {
        let query = link(&server, &sale, bid).await;
        accept_terms(&server, &sale, &query).await;
        links.push(query);
    }
    // Round 1, step 3: 1500 × 0.98 = 1470.00.
    let step3 = dutch::stage_start(&server, &sale, "step", Some(3)).await;
    until(&server, step3 + TimeDelta::seconds(5)).await;
    let stopped = stop(&server, &sale, &links[0]).await;
    assert_eq!(
        stopped["auction"]["stop"]["amount"].to_string(),
        "1470.0",
        "{stopped}"
    );
    // Round 2: P2's sealed bid, seen by nobody else while the round runs.
    let round2 = dutch::stage_start(&server, &sale, "sealedBids", None).await;
    until(&server, round2 + TimeDelta::seconds(5)).await;
    place(&server, &sale, &links[1], "1555.55").await;
    for query in ["", links[0].as_str(), links[2].as_str()] {
        let seen = view(&server, &sale, query).await.to_string();
        assert!(!seen.contains("1555.55"), "{query}: {seen}");
    }
    // Round 3: P1 adds the minimal step (100.00).
    let round3 = dutch::stage_start(&server, &sale, "finalBid", None).await;
    until(&server, round3 + TimeDelta::seconds(5)).await;
    place(&server, &sale, &links[0], "1655.55").await;
    // The scheduler ends round 3 and records the results by itself.
    let document = status(&server, &sale, "active_qualification").await;
    let winner = award_of(&server, &sale, &bids[0])
        .await
        .expect("P1's award");
    assert_eq!(winner["status"], "pending", "{winner}");
    assert_eq!(winner["value"]["amount"].to_string(), "1655.55");
    let waiting = award_of(&server, &sale, &bids[1])
        .await
        .expect("P2's award");
    assert_eq!(waiting["status"], "pending_waiting", "{waiting}");
    assert!(award_of(&server, &sale, &bids[2]).await.is_none());
    assert!(
        time(&document["auctionPeriod"]["endDate"]) >= round3,
        "{document}"
    );
    // Protocol, qualification, contract: complete.
    let award_id = winner["id"].as_str().expect("award id").to_owned();
    dutch::qualify(&server, &sale, &award_id).await;
    status(&server, &sale, "active_awarded").await;
    let contract = contract_of(&server, &sale, &award_id)
        .await
        .expect("the winner's contract");
    let contract_id = contract["id"].as_str().expect("contract id").to_owned();
    dutch::sign(&server, &sale, &contract_id).await;
    status(&server, &sale, "complete").await;
    let waiting = award_of(&server, &sale, &bids[1])
        .await
        .expect("P2's award");
    assert_eq!(waiting["status"], "cancelled", "{waiting}");
    server.assert_replays().await;
}
