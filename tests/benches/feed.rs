//! Feed benchmark, on both store backends, through the real HTTP server:
//!
//! 1. catching up from offset zero: public events per second over
//!    `GET /api/2.5/events` pages, and public documents per second over
//!    change-feed pages plus one `GET /api/2.5/tenders/{id}` per document
//!    (8 concurrent clients); each against a baseline measured in the same
//!    run: the same events read in-process with `EventStore::read_all`, and
//!    the same documents read in-process from the read store;
//!    Measured and baseline sides alternate over `BENCH_ROUNDS` rounds (the
//!    HTTP side first in even rounds, the baseline first in odd ones); the
//!    medians are reported;
//! 2. live delay: while 8 writers create tenders flat out, an SSE client
//!    follows `GET /api/2.5/events?mode=stream`; the delay of each event is
//!    from the moment its writer got the store's commit acknowledgement to
//!    the moment the client received it (median, p99, max), both read from
//!    the one monotonic clock of this process (`Instant`). The writer reads
//!    the clock when its append returns, so an event can reach the client
//!    before its writer has looked at the clock: such delays are negative,
//!    kept as they are in the figures, and counted.
//!
//! The throw-away PostgreSQL server runs with fsync on, as in the store
//! benchmark and in production.
//!
//!     cargo bench -p e2e --bench feed
//!
//! Environment: `BENCH_TENDERS` (tenders for the catch-up, default 2000),
//! `BENCH_SECONDS` (length of the live phase, default 10), `BENCH_ROUNDS`
//! (default 3), `DATABASE_URL`.

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

/// Creates one draft tender through the command handler (no HTTP, no wait
/// for the read models); answers its id and the last position it committed.
async fn create_tender(server: &TestServer, number: usize) -> (String, u64) {
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
    (id, executed.appended.expect("appended").last_position)
}

/// The e-catalogue facts of the fixture tender, fetched once from the test
/// server's fake catalogue (every bench tender is the fixture).
async fn catalogue_facts(server: &TestServer) -> pq::catalogue::CatalogueSnapshot {
    let fixture = fixture_request();
    let profiles: Vec<String> = fixture["data"]["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item["profile"].as_str().map(str::to_owned))
        .collect();
    let agreement = fixture["data"]["agreement"]["id"]
        .as_str()
        .expect("fixture agreement");
    let catalogue = commands::ports::catalogue::HttpCatalogue::new(
        &server.catalogue.url,
        Duration::from_secs(5),
    )
    .expect("catalogue adapter");
    commands::ports::catalogue::snapshot(&catalogue, &profiles, agreement)
        .await
        .expect("catalogue facts")
}

/// Publishes a draft tender (`active.tendering`) through the command
/// handler: the change feed lists published tenders only.
async fn publish_tender(server: &TestServer, id: &str, facts: &pq::catalogue::CatalogueSnapshot) {
    let owner = pq::Actor {
        broker: "broker".into(),
        token_hash: Some("0".repeat(64)),
    };
    // Announcing a tender needs the buyer's notice signature.
    let signature = serde_json::from_value(serde_json::json!({
        "title": "sign.p7s", "url": "http://localhost/api/2.5/documents/sign",
        "hash": "md5:00000000000000000000000000000000",
        "format": "application/pkcs7-signature", "documentType": "notice"
    }))
    .expect("a signature document");
    let sign = pq::Command::AddDocument {
        actor: owner.clone(),
        target: domain::procurement::Target::Procedure,
        document: signature,
    };
    let activate = pq::Command::Activate {
        actor: owner,
        edit: Box::new(pq::TenderEdit::default()),
        catalogue: Some(facts.clone()),
    };
    for command in [sign, activate] {
        server
            .handler
            .execute::<PriceQuotation>(id, &command, &Metadata::default())
            .await
            .expect("publish a tender")
            .appended
            .expect("appended");
    }
}

async fn get_json(client: &reqwest::Client, url: &str) -> Json {
    let response = client.get(url).send().await.expect("GET");
    assert!(response.status().is_success(), "GET {url}");
    response.json().await.expect("JSON body")
}

async fn catch_up(server: &TestServer, tenders: usize, rounds: usize) {
    let created = Instant::now();
    let facts = &catalogue_facts(server).await;
    let mut writers = Vec::new();
    let server = Arc::new(server);
    for writer in 0..WRITERS {
        let share = tenders / WRITERS + usize::from(writer < tenders % WRITERS);
        let server = Arc::clone(&server);
        writers.push(async move {
            for i in 0..share {
                let (id, _) = create_tender(&server, writer * tenders + i).await;
                publish_tender(&server, &id, facts).await;
            }
        });
    }
    futures_join(writers).await;
    server.settle().await;
    let head = server.head().await;
    println!(
        "  created and published {tenders} tenders ({head} events) in {:.1} s",
        created.elapsed().as_secs_f64()
    );

    let client = reqwest::Client::new();
    let mut events = Paired::default();
    let mut documents = Paired::default();
    for round in 0..rounds {
        events
            .round(
                round,
                events_over_http(&server, &client, head),
                events_in_process(&server, head),
            )
            .await;
    }
    // The documents' ids, from the change feed.
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
    for round in 0..rounds {
        documents
            .round(
                round,
                documents_over_http(&server, &client, &ids),
                documents_in_process(&server, &ids),
            )
            .await;
    }
    let (http, baseline, ratio) = events.medians();
    println!(
        "  events:    {http:>9.0}/s over HTTP, baseline read_all {baseline:>9.0}/s, ratio {ratio:.2} (per round: {})",
        events.each()
    );
    let (http, baseline, ratio) = documents.medians();
    println!(
        "  documents: {http:>9.0}/s over HTTP, baseline read store {baseline:>9.0}/s, ratio {ratio:.2} (per round: {})",
        documents.each()
    );
}

/// Rates per second of the measured side and its baseline, paired by round.
#[derive(Default)]
struct Paired {
    measured: Vec<f64>,
    baseline: Vec<f64>,
}

impl Paired {
    /// The measured side first in even rounds, the baseline first in odd ones.
    async fn round<M, B>(&mut self, round: usize, measured: M, baseline: B)
    where
        M: std::future::Future<Output = f64>,
        B: std::future::Future<Output = f64>,
    {
        if round.is_multiple_of(2) {
            self.measured.push(measured.await);
            self.baseline.push(baseline.await);
        } else {
            self.baseline.push(baseline.await);
            self.measured.push(measured.await);
        }
    }

    fn ratios(&self) -> Vec<f64> {
        self.measured
            .iter()
            .zip(&self.baseline)
            .map(|(m, b)| m / b)
            .collect()
    }

    /// Median measured rate, median baseline rate, median of the per-round
    /// ratios.
    fn medians(&self) -> (f64, f64, f64) {
        (
            median(self.measured.clone()),
            median(self.baseline.clone()),
            median(self.ratios()),
        )
    }

    fn each(&self) -> String {
        self.ratios()
            .iter()
            .map(|r| format!("{r:.2}"))
            .collect::<Vec<_>>()
            .join(" / ")
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// The whole public event log over HTTP, pages of 1000: events per second.
async fn events_over_http(server: &TestServer, client: &reqwest::Client, head: u64) -> f64 {
    let started = Instant::now();
    let mut url = format!("{}/api/2.5/events?limit=1000", server.base);
    let mut seen = 0;
    loop {
        let page = get_json(client, &url).await;
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
    assert_eq!(seen as u64, head, "the event log returned every event");
    seen as f64 / started.elapsed().as_secs_f64()
}

/// Baseline: the same events in-process with `EventStore::read_all`.
async fn events_in_process(server: &TestServer, head: u64) -> f64 {
    let started = Instant::now();
    let mut after = 0;
    let mut events = 0;
    loop {
        let page = server.store.read_all(after, 1000).await.expect("read_all");
        let Some(last) = page.last() else { break };
        after = last.position;
        events += page.len();
    }
    assert_eq!(events as u64, head, "read_all returned every event");
    events as f64 / started.elapsed().as_secs_f64()
}

/// One `GET /api/2.5/tenders/{id}` per document, 8 clients: documents per
/// second.
async fn documents_over_http(
    server: &TestServer,
    client: &reqwest::Client,
    ids: &Arc<Vec<String>>,
) -> f64 {
    let started = Instant::now();
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let ids = Arc::clone(ids);
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
    ids.len() as f64 / started.elapsed().as_secs_f64()
}

/// Baseline: the same documents in-process from the read store, 8 tasks.
async fn documents_in_process(server: &TestServer, ids: &Arc<Vec<String>>) -> f64 {
    let read = Arc::clone(server.projector.read_store());
    let started = Instant::now();
    let mut readers = Vec::new();
    for c in 0..CLIENTS {
        let ids = Arc::clone(ids);
        let read = Arc::clone(&read);
        readers.push(async move {
            for id in ids.iter().skip(c).step_by(CLIENTS) {
                read.document(id).await.expect("document").expect("exists");
            }
        });
    }
    futures_join(readers).await;
    ids.len() as f64 / started.elapsed().as_secs_f64()
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
                let (_, position) = create_tender(&server, 900_000 + writer * 10_000 + i).await;
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
    // Signed delays in milliseconds, from the one monotonic clock: an
    // event the client got before its writer read the clock after the
    // append returned is negative, and stays so.
    let mut delays: Vec<f64> = received
        .iter()
        .filter_map(|(position, at)| {
            acknowledged.get(position).map(|acked| {
                if *at >= *acked {
                    at.duration_since(*acked).as_secs_f64() * 1000.0
                } else {
                    -(acked.duration_since(*at).as_secs_f64() * 1000.0)
                }
            })
        })
        .collect();
    assert_eq!(delays.len(), written, "every committed event was delivered");
    delays.sort_by(f64::total_cmp);
    let negative = delays.iter().filter(|d| **d < 0.0).count();
    let at = |q: f64| delays[((delays.len() as f64 * q) as usize).min(delays.len() - 1)];
    println!(
        "  live: {written} events in {seconds} s ({:.0}/s) by {WRITERS} writers; delay commit → SSE: median {:.1} ms, p99 {:.1} ms, max {:.1} ms; \
         {negative} negative (received before the writer read the clock; min {:.1} ms)",
        written as f64 / seconds as f64,
        at(0.5),
        at(0.99),
        at(1.0),
        at(0.0),
    );
}

async fn futures_join<F: std::future::Future<Output = ()>>(tasks: Vec<F>) {
    futures_util::future::join_all(tasks).await;
}

async fn run(server: TestServer, tenders: usize, seconds: u64, rounds: usize) {
    println!("{}:", server.backend.name());
    catch_up(&server, tenders, rounds).await;
    live_delay(&server, seconds).await;
}

fn main() {
    // fsync on in the throw-away PostgreSQL server, as in the store
    // benchmark. SAFETY: set before the runtime, or any other thread, exists.
    unsafe { std::env::set_var("CDB_TEST_PG_FSYNC", "on") };
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(bench());
}

async fn bench() {
    let tenders = env_number("BENCH_TENDERS", 2000);
    let seconds = env_number("BENCH_SECONDS", 10) as u64;
    let rounds = env_number("BENCH_ROUNDS", 3).max(1);
    println!(
        "feed benchmark: {tenders} tenders, {rounds} rounds (HTTP first in even rounds, baseline first in odd ones; medians), {seconds} s live"
    );
    run(TestServer::embedded().await, tenders, seconds, rounds).await;
    match TestServer::postgres().await {
        Some(server) => run(server, tenders, seconds, rounds).await,
        None => println!("postgres: skipped (no PostgreSQL available)"),
    }
}
