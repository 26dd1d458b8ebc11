//! Feed benchmark, on both store backends, through the real HTTP server:
//!
//! 1. catching up from offset zero: public events per second over
//!    `GET /api/2.5/events` pages, and public documents per second over
//!    change-feed pages plus one `GET /api/2.5/tenders/{id}` per document
//!    (8 concurrent clients); each against a baseline measured in the same
//!    run: the same events read in-process with `EventStore::read_all`, and
//!    the same documents read in-process from the read store;
//! 2. live delay: while 8 writers create tenders flat out, an SSE client
//!    follows `GET /api/2.5/events?mode=stream`; the delay of each event is
//!    from the moment its writer got the store's commit acknowledgement to
//!    the moment the client received it (median, p99, max).
//!
//!     cargo bench -p e2e --bench feed
//!
//! Environment: `BENCH_TENDERS` (tenders for the catch-up, default 2000),
//! `BENCH_SECONDS` (length of the live phase, default 10), `DATABASE_URL`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use commands::store::Metadata;
use domain::procedures::price_quotation::{self as pq, PriceQuotation};
use e2e::http::TestServer;
use e2e::pq::fixture_request;
use serde_json::Value as Json;

const CLIENTS: usize = 8;
const WRITERS: usize = 8;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Creates one tender through the command handler (no HTTP, no wait for
/// the read models); answers the last position it committed.
async fn create_tender(server: &TestServer, number: usize) -> u64 {
    let fixture = fixture_request();
    let input: pq::TenderInput =
        serde_json::from_value(fixture["data"].clone()).expect("fixture tender");
    let config: pq::Config =
        serde_json::from_value(fixture["config"].clone()).expect("fixture config");
    let id = server.handler.next_id().to_string();
    let command = pq::Command::Create {
        actor: pq::Actor {
            broker: "broker".into(),
            token_hash: None,
        },
        id: id.clone(),
        tender: Box::new(input),
        config,
        tender_id: format!("UA-2023-09-20-{number:06}-a"),
        owner_token_hash: "0".repeat(64),
        transfer_token_hash: "1".repeat(64),
    };
    let executed = server
        .handler
        .execute::<PriceQuotation>(&id, &command, &Metadata::default())
        .await
        .expect("create a tender");
    executed.appended.expect("appended").last_position
}

async fn get_json(client: &reqwest::Client, url: &str) -> Json {
    let response = client.get(url).send().await.expect("GET");
    assert!(response.status().is_success(), "GET {url}");
    response.json().await.expect("JSON body")
}

async fn catch_up(server: &TestServer, tenders: usize) {
    let created = Instant::now();
    let mut writers = Vec::new();
    let server = Arc::new(server);
    for writer in 0..WRITERS {
        let share = tenders / WRITERS + usize::from(writer < tenders % WRITERS);
        let server = Arc::clone(&server);
        writers.push(async move {
            for i in 0..share {
                create_tender(&server, writer * tenders + i).await;
            }
        });
    }
    futures_join(writers).await;
    server.settle().await;
    let head = server.head().await;
    println!(
        "  created {tenders} tenders ({head} events) in {:.1} s",
        created.elapsed().as_secs_f64()
    );

    // Events: in-process baseline, then over HTTP.
    let started = Instant::now();
    let mut after = 0;
    let mut events = 0;
    loop {
        let page = server.store.read_all(after, 1000).await.expect("read_all");
        let Some(last) = page.last() else { break };
        after = last.position;
        events += page.len();
    }
    let baseline = events as f64 / started.elapsed().as_secs_f64();
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut url = format!("{}/api/2.5/events?limit=1000", server.base);
    let mut seen = 0;
    loop {
        let page = get_json(&client, &url).await;
        let items = page["data"].as_array().map_or(0, Vec::len);
        if items == 0 {
            break;
        }
        seen += items;
        url = page["next_page"]["uri"]
            .as_str()
            .expect("next uri")
            .to_owned();
    }
    assert_eq!(seen, events, "the event log returned every event");
    let http = seen as f64 / started.elapsed().as_secs_f64();
    println!(
        "  events:    {http:>9.0}/s over HTTP, baseline read_all {baseline:>9.0}/s, ratio {:.2}",
        http / baseline
    );

    // Documents: feed pages, then one GET per document, 8 clients.
    let started = Instant::now();
    let mut ids = Vec::new();
    let mut url = format!("{}/api/2.5/tenders?feed=changes&limit=1000", server.base);
    loop {
        let page = get_json(&client, &url).await;
        let items = page["data"].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            break;
        }
        ids.extend(
            items
                .iter()
                .map(|i| i["id"].as_str().expect("id").to_owned()),
        );
        url = page["next_page"]["uri"]
            .as_str()
            .expect("next uri")
            .to_owned();
    }
    assert_eq!(ids.len(), tenders, "the feed listed every tender");
    let ids = Arc::new(ids);
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let ids = Arc::clone(&ids);
        let client = client.clone();
        let base = server.base.clone();
        clients.push(async move {
            for id in ids.iter().skip(c).step_by(CLIENTS) {
                let document = get_json(&client, &format!("{base}/api/2.5/tenders/{id}")).await;
                assert_eq!(document["data"]["id"], id.as_str());
            }
        });
    }
    futures_join(clients).await;
    let http = ids.len() as f64 / started.elapsed().as_secs_f64();
    let read = Arc::clone(server.projector.read_store());
    let started = Instant::now();
    let mut readers = Vec::new();
    for c in 0..CLIENTS {
        let ids = Arc::clone(&ids);
        let read = Arc::clone(&read);
        readers.push(async move {
            for id in ids.iter().skip(c).step_by(CLIENTS) {
                read.document(id).await.expect("document").expect("exists");
            }
        });
    }
    futures_join(readers).await;
    let baseline = ids.len() as f64 / started.elapsed().as_secs_f64();
    println!(
        "  documents: {http:>9.0}/s over HTTP, baseline read store {baseline:>9.0}/s, ratio {:.2}",
        http / baseline
    );
}

async fn live_delay(server: &TestServer, seconds: u64) {
    let from = server.head().await;
    let acknowledged: Arc<Mutex<HashMap<u64, Instant>>> = Arc::default();
    let received: Arc<Mutex<Vec<(u64, Instant)>>> = Arc::default();
    let stop = Instant::now() + Duration::from_secs(seconds);

    let url = format!("{}/api/2.5/events?mode=stream&offset={from}", server.base);
    let listener = {
        let received = Arc::clone(&received);
        tokio::spawn(async move {
            let mut response = reqwest::Client::new()
                .get(&url)
                .send()
                .await
                .expect("connect the stream");
            let mut buffer = String::new();
            while let Ok(Some(chunk)) = response.chunk().await {
                let now = Instant::now();
                buffer.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buffer.find("\n\n") {
                    let block: String = buffer.drain(..end + 2).collect();
                    if let Some(id) = block
                        .lines()
                        .find_map(|l| l.strip_prefix("id:"))
                        .and_then(|id| id.trim().parse().ok())
                    {
                        received.lock().expect("lock").push((id, now));
                    }
                }
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let server = Arc::new(server);
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let server = Arc::clone(&server);
        let acknowledged = Arc::clone(&acknowledged);
        writers.push(async move {
            let mut i = 0;
            while Instant::now() < stop {
                let position = create_tender(&server, 900_000 + writer * 10_000 + i).await;
                acknowledged
                    .lock()
                    .expect("lock")
                    .insert(position, Instant::now());
                i += 1;
            }
        });
    }
    futures_join(writers).await;
    let written = acknowledged.lock().expect("lock").len();
    let deadline = Instant::now() + Duration::from_secs(30);
    while received.lock().expect("lock").len() < written && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    listener.abort();
    let acknowledged = acknowledged.lock().expect("lock");
    let received = received.lock().expect("lock");
    let mut delays: Vec<Duration> = received
        .iter()
        .filter_map(|(position, at)| {
            acknowledged
                .get(position)
                .map(|acked| at.saturating_duration_since(*acked))
        })
        .collect();
    assert_eq!(delays.len(), written, "every committed event was delivered");
    delays.sort_unstable();
    let at = |q: f64| delays[((delays.len() as f64 * q) as usize).min(delays.len() - 1)];
    println!(
        "  live: {written} events in {seconds} s ({:.0}/s) by {WRITERS} writers; delay commit → SSE: median {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        written as f64 / seconds as f64,
        at(0.5).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0,
        at(1.0).as_secs_f64() * 1000.0,
    );
}

async fn futures_join<F: std::future::Future<Output = ()>>(tasks: Vec<F>) {
    futures_util::future::join_all(tasks).await;
}

async fn run(server: TestServer, tenders: usize, seconds: u64) {
    println!("{}:", server.backend.name());
    catch_up(&server, tenders).await;
    live_delay(&server, seconds).await;
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let tenders = env_number("BENCH_TENDERS", 2000);
    let seconds = env_number("BENCH_SECONDS", 10) as u64;
    run(TestServer::embedded().await, tenders, seconds).await;
    match TestServer::postgres().await {
        Some(server) => run(server, tenders, seconds).await,
        None => println!("postgres: skipped (no PostgreSQL available)"),
    }
}
