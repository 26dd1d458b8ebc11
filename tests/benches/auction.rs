//! Auction load benchmark, through the real HTTP server (embedded store):
//! many multi-award sales run their auctions at once, on the server's clock
//! running 60 times faster than real time (a 2-minute turn lasts 2 s), each
//! with 5 bidders who bid once in every turn of theirs, 40 % into the turn,
//! as the real rules would have them, and one observer following the live
//! channel (`GET /api/auctions/{id}/events`).
//!
//! Measured, from this process's monotonic clock:
//! - bid acknowledgement: the round trip of `POST /api/auctions/{id}/bids`;
//! - delivery delay: from the moment a stage begins (its start on the
//!   server's clock, mapped to real time) to the moment the observer
//!   receives the first view showing that stage (for a turn's end: its
//!   published amount).
//!
//! The baseline, in the same run on the same server: one auction alone,
//! driven the same way. Ratios are loaded ÷ baseline.
//!
//!     cargo bench -p e2e --bench auction
//!
//! Environment: `BENCH_AUCTIONS` (default 200), `BENCH_BIDDERS` (default 5),
//! `BENCH_RATE` (default 60).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use api::auctions::ParticipationKey;
use chrono::{DateTime, TimeDelta, Utc};
use e2e::http::{OTHER_KEY, PARTICIPATION_SECRET, StatusCode, TestServer};
use e2e::sale::{Sale, bid_request, procedure_request, publish};
use reqwest::Client;
use serde_json::{Value as Json, json};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Maps the server's clock to this process's: the server's `at` happened
/// at `since + (at − origin) / rate`.
#[derive(Clone, Copy)]
struct Timeline {
    origin: DateTime<Utc>,
    since: Instant,
    rate: f64,
}

impl Timeline {
    fn real(&self, at: DateTime<Utc>) -> Instant {
        let span = (at - self.origin).to_std().unwrap_or(Duration::ZERO);
        self.since + span.div_f64(self.rate)
    }
}

#[derive(Default)]
struct Figures {
    /// Bid acknowledgements, ms.
    acks: Vec<f64>,
    /// Stage deliveries to observers, ms.
    deliveries: Vec<f64>,
    refused: usize,
    missed_turns: usize,
}

struct Auction {
    sale: Sale,
    /// Bid ids in the sale's order, with their price per unit.
    bidders: Vec<(String, i64)>,
}

/// A sale with `bidders` bids whose tender period ends at `end`.
async fn prepare(
    server: &TestServer,
    end: DateTime<Utc>,
    number: usize,
    bidders: usize,
) -> Auction {
    let mut request = procedure_request(json!(1000), json!(10), json!(100));
    request["data"]["tenderPeriod"]["endDate"] = json!(domain::time::format_kyiv(end));
    let sale = publish(server, request).await;
    let mut placed = Vec::new();
    for b in 0..bidders {
        let edr = format!("{:08}", 10_000_000 + number * 100 + b);
        let price = 100 + b as i64;
        let (status, _, body) = server
            .post(
                &format!("{}/bids", sale.path),
                Some(OTHER_KEY),
                Some(bid_request(&edr, json!(100), json!(price))),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        placed.push((
            body["data"]["id"].as_str().expect("bid id").to_owned(),
            price,
        ));
    }
    Auction {
        sale,
        bidders: placed,
    }
}

fn time(value: &Json) -> DateTime<Utc> {
    domain::time::parse_timestamp(value.as_str().expect("a time")).expect("a timestamp")
}

async fn sleep_until(at: Instant) {
    tokio::time::sleep_until(at.into()).await;
}

async fn public_view(client: &Client, base: &str, id: &str) -> Json {
    let response = client
        .get(format!("{base}/api/auctions/{id}"))
        .send()
        .await
        .expect("GET the auction");
    assert!(response.status().is_success(), "GET the auction");
    response.json::<Json>().await.expect("JSON")["data"]["auction"].clone()
}

/// Bids for each bidder in each of its turns, 40 % into the turn, one
/// minimal step over its own amount.
async fn bid_through(
    client: Client,
    base: String,
    auction: Arc<Auction>,
    links: Vec<String>,
    timeline: Timeline,
    figures: Arc<Mutex<Figures>>,
) {
    let id = &auction.sale.id;
    let mut amounts: Vec<f64> = auction.bidders.iter().map(|(_, p)| *p as f64).collect();
    let opening = public_view(&client, &base, id).await;
    // Round 1's order is set at the start; each later round's when its
    // pause begins, at the end of the round before.
    let mut known_at = time(&opening["stages"][0]["start"]);
    for round in 1..=3u64 {
        sleep_until(timeline.real(known_at) + Duration::from_millis(100)).await;
        let view = public_view(&client, &base, id).await;
        let turns: Vec<(DateTime<Utc>, DateTime<Utc>, usize)> = view["stages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| s["round"] == json!(round) && s["kind"] == "turn")
            .filter_map(|s| {
                let label = s["label"].as_str()?;
                let n: usize = label.strip_prefix("Bidder ")?.parse().ok()?;
                Some((time(&s["start"]), time(&s["end"]), n - 1))
            })
            .collect();
        if let Some((_, ends, _)) = turns.last() {
            known_at = *ends;
        }
        for (begins, ends, bidder) in turns {
            let at = begins + (ends - begins) * 2 / 5;
            if Instant::now() > timeline.real(ends) {
                figures.lock().expect("figures").missed_turns += 1;
                continue;
            }
            sleep_until(timeline.real(at)).await;
            amounts[bidder] += 1.0;
            let amount = format!("{:.2}", amounts[bidder]);
            let sent = Instant::now();
            let response = client
                .post(format!("{base}/api/auctions/{id}/bids?{}", links[bidder]))
                .json(&json!({"data": {"amount": amount}}))
                .send()
                .await
                .expect("POST a bid");
            let took = sent.elapsed().as_secs_f64() * 1000.0;
            let ok = response.status().is_success();
            let mut figures = figures.lock().expect("figures");
            figures.acks.push(took);
            if !ok {
                figures.refused += 1;
                amounts[bidder] -= 1.0;
            }
        }
    }
}

/// Follows the live channel until `until`, timing each stage's arrival.
async fn observe(
    client: Client,
    base: String,
    id: String,
    timeline: Timeline,
    until: Instant,
    figures: Arc<Mutex<Figures>>,
) {
    let mut response = client
        .get(format!("{base}/api/auctions/{id}/events"))
        .send()
        .await
        .expect("GET the live channel");
    assert!(response.status().is_success());
    let mut buffer = String::new();
    let mut seen: Option<i64> = None;
    let mut first = true;
    loop {
        let chunk = match tokio::time::timeout_at(until.into(), response.chunk()).await {
            Ok(Ok(Some(chunk))) => chunk,
            _ => return,
        };
        let received = Instant::now();
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let Some(data) = block.lines().find_map(|line| line.strip_prefix("data:")) else {
                continue;
            };
            let Ok(view) = serde_json::from_str::<Json>(data.trim()) else {
                continue;
            };
            let current = view["auction"]["currentStage"].as_i64();
            if let Some(index) = current.filter(|index| Some(*index) != seen) {
                seen = Some(index);
                // The view at connection time is no delivery.
                if !first {
                    let stage = &view["auction"]["stages"][index as usize];
                    let began = timeline.real(time(&stage["start"]));
                    let delay = received.saturating_duration_since(began).as_secs_f64() * 1000.0;
                    figures.lock().expect("figures").deliveries.push(delay);
                }
            }
            first = false;
        }
    }
}

/// Runs `auctions` (already scheduled to start at `start`) with the clock
/// running from `start`; the figures.
async fn run(server: &TestServer, auctions: Vec<Auction>, rate: f64) -> Figures {
    let key = ParticipationKey::new(PARTICIPATION_SECRET);
    let public = api::reply::PublicUrl::parse(&server.base).expect("base URL");
    let client = Client::builder()
        .pool_max_idle_per_host(2048)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let figures = Arc::new(Mutex::new(Figures::default()));
    let origin = server.now();
    server.run_live(rate);
    let timeline = Timeline {
        origin,
        since: Instant::now(),
        rate,
    };
    let mut last_end = origin;
    let mut tasks = Vec::new();
    for auction in auctions {
        let auction = Arc::new(auction);
        let stages = public_view(&client, &server.base, &auction.sale.id).await;
        let first_end = time(&stages["stages"][0]["end"]);
        // Pause, 3 rounds of turns, 2 pauses: 5 + 6n + 4 minutes.
        let n = auction.bidders.len() as i64;
        let end = first_end + TimeDelta::minutes(6 * n + 4);
        last_end = last_end.max(end);
        // Links as the bidders' brokers read them (signed like the server's).
        let links: Vec<String> = auction
            .bidders
            .iter()
            .map(|(bid, _)| {
                let url = key.url(&public, &auction.sale.id, bid, end + TimeDelta::days(1));
                url.split_once('?').expect("query").1.to_owned()
            })
            .collect();
        tasks.push(tokio::spawn(observe(
            client.clone(),
            server.base.clone(),
            auction.sale.id.clone(),
            timeline,
            timeline.real(end) + Duration::from_secs(2),
            Arc::clone(&figures),
        )));
        tasks.push(tokio::spawn(bid_through(
            client.clone(),
            server.base.clone(),
            auction,
            links,
            timeline,
            Arc::clone(&figures),
        )));
    }
    for task in tasks {
        task.await.expect("a driver");
    }
    sleep_until(timeline.real(last_end) + Duration::from_secs(1)).await;
    Arc::try_unwrap(figures)
        .ok()
        .expect("every driver is done")
        .into_inner()
        .expect("figures")
}

fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[index]
}

fn line(name: &str, values: &[f64]) -> (f64, f64) {
    let (p50, p99) = (quantile(values, 0.5), quantile(values, 0.99));
    println!(
        "  {name:<22} n {:>6}  median {p50:>8.1} ms  p99 {p99:>8.1} ms  max {:>8.1} ms",
        values.len(),
        quantile(values, 1.0)
    );
    (p50, p99)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let count = env_number("BENCH_AUCTIONS", 200);
    let bidders = env_number("BENCH_BIDDERS", 5);
    let rate = env_number("BENCH_RATE", 60) as f64;
    let server = TestServer::embedded().await;
    let base_end = server.now() + TimeDelta::days(2);
    let load_end = base_end + TimeDelta::days(1);
    eprintln!("preparing 1 + {count} sales of {bidders} bids each…");
    let baseline = vec![prepare(&server, base_end, 0, bidders).await];
    let mut loaded = Vec::new();
    for number in 1..=count {
        loaded.push(prepare(&server, load_end, number, bidders).await);
    }

    server.set_time(base_end);
    server.run_scheduler().await;
    eprintln!("baseline: one auction, ×{rate}…");
    let alone = run(&server, baseline, rate).await;

    server.clock.freeze();
    server.set_time(load_end);
    let started = Instant::now();
    server.run_scheduler().await;
    eprintln!(
        "{count} auctions set up in {:.1} s; running them at once, ×{rate}…",
        started.elapsed().as_secs_f64()
    );
    let many = run(&server, loaded, rate).await;

    println!("auction load, embedded store, clock ×{rate}, {bidders} bidders per auction");
    println!("baseline: 1 auction");
    let (ack1, ack99_1) = line("bid acknowledgement", &alone.acks);
    let (del1, del99_1) = line("stage delivery", &alone.deliveries);
    println!("load: {count} auctions at once, {count} observers");
    let (ack, ack99) = line("bid acknowledgement", &many.acks);
    let (del, del99) = line("stage delivery", &many.deliveries);
    println!(
        "  refused bids {}, missed turns {} (baseline: {}, {})",
        many.refused, many.missed_turns, alone.refused, alone.missed_turns
    );
    println!(
        "ratios load ÷ baseline: acknowledgement median {:.2}, p99 {:.2}; delivery median {:.2}, p99 {:.2}",
        ack / ack1,
        ack99 / ack99_1,
        del / del1,
        del99 / del99_1
    );
}
