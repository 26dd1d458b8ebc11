//! `cdb bench --only feed`: catching up on the public event log over HTTP
//! (`GET /api/2.5/events?limit=1000`, following `next_page`) against
//! reading the same events in process with `EventStore::read_all` (pages of
//! 1000), on both backends, on a corpus seeded through the server's own
//! command path (`cdb bench seed`). Every event of the log must come
//! through the HTTP side once, in order.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use commands::store::{StoreLocation, open_store};
use serde_json::Value as Json;

use super::Settings;
use super::load;
use super::report::{Goal, Report, Row, rate};
use super::server::{self, Server};

const PAGE: usize = 1000;
const GOAL: f64 = 0.5;

pub async fn run(settings: &Settings, report: &mut Report) {
    for backend in ["embedded", "PostgreSQL"] {
        let store = if backend == "embedded" {
            "embedded".to_owned()
        } else {
            match super::postgres_database(report, "feed").await {
                Some(url) => url,
                None => continue,
            }
        };
        let dir = settings.scratch.join(format!("feed-{backend}"));
        if let Err(problem) = on(settings, report, backend, &store, &dir).await {
            report.problem(format!("feed, {backend}: {problem}"));
        }
    }
}

async fn on(
    settings: &Settings,
    report: &mut Report,
    backend: &str,
    store: &str,
    dir: &Path,
) -> Result<(), String> {
    let procedures = if settings.quick { 20 } else { 400 };
    eprintln!("  feed, {backend}: seeding {procedures} procedures");
    seed(store, dir, procedures)?;
    let location = StoreLocation::parse(store, dir).map_err(|e| e.to_string())?;
    let events = open_store(&location, false)
        .await
        .map_err(|e| format!("cannot open the store: {e}"))?;
    let server = Server::start(dir, store).await?;
    // The scheduler may move seeded procedures on as the server starts:
    // each round reads up to the head it finds first.
    let head = events.head().await.map_err(|e| e.to_string())?;
    let (mut http, mut direct) = (Vec::new(), Vec::new());
    let started = Instant::now();
    let mut round = 0;
    while round < 2 || started.elapsed() < settings.duration * 2 {
        // Alternate which side goes first, so neither always runs warmer.
        for side in [round % 2, 1 - round % 2] {
            if side == 0 {
                http.push(over_http(&server, head).await?);
            } else {
                direct.push(in_process(events.as_ref(), head).await?);
            }
        }
        round += 1;
    }
    let (http, direct) = (median(&mut http), median(&mut direct));
    report.push(Row {
        benchmark: format!("feed catch-up over HTTP, {backend}, {head} events"),
        figure: rate(head as f64 / http.as_secs_f64(), "events"),
        baseline: format!(
            "in-process read_all: {}",
            rate(head as f64 / direct.as_secs_f64(), "events")
        ),
        ratio: direct.as_secs_f64() / http.as_secs_f64().max(1e-9),
        goal: Some(Goal::AtLeast(GOAL)),
    });
    Ok(())
}

/// `cdb bench seed` as a child process, into the store the server will use.
fn seed(store: &str, dir: &Path, procedures: usize) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find cdb itself: {e}"))?;
    let out = Command::new(exe)
        .args([
            "bench",
            "seed",
            "--procedures",
            &procedures.to_string(),
            "--store",
            store,
        ])
        .arg("--data-dir")
        .arg(dir)
        .env("RUST_LOG", "warn")
        .output()
        .map_err(|e| format!("cannot run cdb bench seed: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "cdb bench seed failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Reads the public log up to `head` at least; checks every position comes
/// once, in order.
async fn over_http(server: &Server, head: u64) -> Result<Duration, String> {
    let started = Instant::now();
    let mut offset = 0u64;
    let mut seen = 0u64;
    loop {
        let uri = format!("/api/2.5/events?limit={PAGE}&offset={offset}");
        let (status, _, body) = load::once(server.addr, server::get(&uri)).await?;
        if !status.is_success() {
            return Err(format!("{uri} answered {status}"));
        }
        let page: Json = serde_json::from_slice(&body).map_err(|e| format!("{uri}: {e}"))?;
        let data = page["data"].as_array().ok_or(format!("{uri}: no data"))?;
        if data.is_empty() {
            break;
        }
        for event in data {
            let position: u64 = event["offset"]
                .as_str()
                .and_then(|p| p.parse().ok())
                .ok_or(format!("{uri}: an event without its offset"))?;
            if position != seen + 1 {
                return Err(format!("{uri}: position {position} follows {seen}"));
            }
            seen = position;
        }
        if seen >= head {
            break;
        }
        offset = seen;
    }
    if seen < head {
        return Err(format!(
            "the public log ended at {seen}, the store's head is {head}"
        ));
    }
    Ok(started.elapsed())
}

async fn in_process(
    events: &dyn commands::store::EventStore,
    head: u64,
) -> Result<Duration, String> {
    let started = Instant::now();
    let mut after = 0;
    loop {
        let page = events
            .read_all(after, PAGE)
            .await
            .map_err(|e| e.to_string())?;
        let Some(last) = page.last() else { break };
        after = last.position;
        if after >= head {
            break;
        }
    }
    if after < head {
        return Err(format!("read_all ended at {after}, the head is {head}"));
    }
    Ok(started.elapsed())
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times.get(times.len() / 2).copied().unwrap_or_default()
}
