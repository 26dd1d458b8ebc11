//! `cdb bench --only http`: the command path and reads over HTTP, on both
//! backends, each against nginx serving a file of the same size as the
//! answer, measured with the same client in the same run.
//!
//! Per backend: priceQuotation drafts are created from the spec's fixture
//! body (`POST /api/2.5/tenders`); every acknowledged draft is then read
//! back (none may be missing); drafts are edited by their owner (`PATCH`);
//! bids are submitted to active tenders (`POST …/bids`, each supplier once
//! per tender, spread so no two connections write the same tender); and
//! the drafts are read (`GET /api/2.5/tenders/{id}`).

mod scripts;

use std::sync::Arc;

use super::Settings;
use super::load::{self, Measured};
use super::nginx::Nginx;
use super::report::{Goal, Report, Row};
use super::server::Server;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Embedded,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Embedded => "embedded",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// The goals, as ratios to nginx at 32 connections.
struct Goals {
    create: f64,
    bid: f64,
}

fn goals(backend: Backend) -> Goals {
    match backend {
        Backend::Embedded => Goals {
            create: 0.10,
            bid: 0.15,
        },
        Backend::Postgres => Goals {
            create: 0.08,
            bid: 0.12,
        },
    }
}

/// How far p99 may be from p50.
const TAIL: f64 = 4.0;
/// GET of a procedure against nginx.
const READ_GOAL: f64 = 0.7;

pub async fn run(settings: &Settings, report: &mut Report) {
    let nginx = match Nginx::start(&settings.scratch.join("nginx")) {
        Ok(nginx) => nginx,
        Err(problem) => return report.problem(format!("http: {problem}")),
    };
    for backend in [Backend::Embedded, Backend::Postgres] {
        let store = match backend {
            Backend::Embedded => "embedded".to_owned(),
            Backend::Postgres => match super::postgres_database(report, "http").await {
                Some(url) => url,
                None => continue,
            },
        };
        let dir = settings.scratch.join(format!("serve-{}", backend.name()));
        let server = match Server::start(&dir, &store).await {
            Ok(server) => server,
            Err(problem) => {
                report.problem(format!("http, {}: {problem}", backend.name()));
                continue;
            }
        };
        if let Err(problem) = on(settings, report, &nginx, &server, backend).await {
            report.problem(format!(
                "http, {}: {problem}\n--- server log ---\n{}",
                backend.name(),
                server.log_tail()
            ));
        }
    }
}

async fn on(
    settings: &Settings,
    report: &mut Report,
    nginx: &Nginx,
    server: &Server,
    backend: Backend,
) -> Result<(), String> {
    let connections = settings.connections;
    let goals = goals(backend);
    let label = |what: &str| format!("{what}, {}, {connections} connections", backend.name());

    eprintln!("  http, {}: creating drafts", backend.name());
    let create = Arc::new(scripts::Create::new(connections));
    let created = load::run(server.addr, connections, settings.duration, create.clone()).await?;
    failures("POST /api/2.5/tenders", &created)?;
    let drafts = create.drafts();
    let sample = create.sample().ok_or("no draft was created")?;
    let nginx_figure = nginx_baseline(nginx, settings, "create.json", &sample).await?;
    throughput(
        report,
        label("POST /api/2.5/tenders (create)"),
        &created,
        &nginx_figure,
        goals.create,
    );

    eprintln!(
        "  http, {}: reading back {} drafts",
        backend.name(),
        drafts.len()
    );
    let missing = scripts::read_every(server.addr, connections, &drafts).await?;
    if missing > 0 {
        report.problem(format!(
            "http, {}: {missing} of {} acknowledged drafts cannot be read back",
            backend.name(),
            drafts.len()
        ));
    }

    eprintln!("  http, {}: editing drafts", backend.name());
    let patch = Arc::new(scripts::Patch::new(&drafts, connections));
    let patched = load::run(server.addr, connections, settings.duration, patch.clone()).await?;
    failures("PATCH /api/2.5/tenders/{id}", &patched)?;
    let sample = patch.sample().ok_or("no draft was edited")?;
    let nginx_figure = nginx_baseline(nginx, settings, "patch.json", &sample).await?;
    throughput(
        report,
        label("PATCH /api/2.5/tenders/{id} (draft)"),
        &patched,
        &nginx_figure,
        0.0,
    );

    eprintln!("  http, {}: activating tenders for bids", backend.name());
    let per_connection = if settings.quick { 1 } else { 8 };
    let tenders =
        scripts::active_tenders(server.addr, connections, connections * per_connection).await?;
    let bid = Arc::new(scripts::Bid::new(tenders, connections));
    let bids = load::run(server.addr, connections, settings.duration, bid.clone()).await?;
    failures("POST /api/2.5/tenders/{id}/bids", &bids)?;
    let sample = bid.sample().ok_or("no bid was submitted")?;
    let nginx_figure = nginx_baseline(nginx, settings, "bid.json", &sample).await?;
    throughput(
        report,
        label("POST /api/2.5/tenders/{id}/bids"),
        &bids,
        &nginx_figure,
        goals.bid,
    );
    if bid.exhausted() {
        eprintln!("  (every supplier bid on every tender before the time was up)");
    }

    eprintln!("  http, {}: reading", backend.name());
    let get = Arc::new(scripts::Get::new(&drafts));
    let read = load::run(server.addr, connections, settings.duration, get.clone()).await?;
    failures("GET /api/2.5/tenders/{id}", &read)?;
    let sample = get.sample().ok_or("no draft was read")?;
    let nginx_figure = nginx_baseline(nginx, settings, "tender.json", &sample).await?;
    throughput(
        report,
        label("GET /api/2.5/tenders/{id}"),
        &read,
        &nginx_figure,
        READ_GOAL,
    );
    Ok(())
}

fn failures(what: &str, measured: &Measured) -> Result<(), String> {
    match &measured.first_failure {
        None => Ok(()),
        Some(first) => Err(format!(
            "{what}: {} of {} requests failed; the first: {first}",
            measured.failed,
            measured.failed + measured.ok
        )),
    }
}

/// nginx serving `bytes` (an answer of the server) as a static file, with
/// the same client, connections and duration.
async fn nginx_baseline(
    nginx: &Nginx,
    settings: &Settings,
    name: &str,
    bytes: &[u8],
) -> Result<Measured, String> {
    let path = nginx.serve(name, bytes)?;
    let script = Arc::new(scripts::Static {
        path,
        size: bytes.len(),
    });
    let measured = load::run(nginx.addr, settings.connections, settings.duration, script).await?;
    failures("nginx", &measured)?;
    Ok(measured)
}

fn throughput(
    report: &mut Report,
    benchmark: String,
    ours: &Measured,
    nginx: &Measured,
    goal: f64,
) {
    report.push(Row {
        benchmark: benchmark.clone(),
        figure: ours.summary(),
        baseline: format!("nginx, same bytes: {}", nginx.summary()),
        ratio: ours.per_second() / nginx.per_second().max(1e-9),
        goal: (goal > 0.0).then_some(Goal::AtLeast(goal)),
    });
    report.push(Row {
        benchmark: format!("{benchmark}: p99 ÷ p50"),
        figure: format!(
            "p50 {:.1} ms, p99 {:.1} ms",
            ours.quantile(0.5).as_secs_f64() * 1e3,
            ours.quantile(0.99).as_secs_f64() * 1e3
        ),
        baseline: "its own p50".into(),
        ratio: ours.tail(),
        goal: Some(Goal::AtMost(TAIL)),
    });
}
