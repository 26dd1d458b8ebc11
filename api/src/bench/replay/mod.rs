//! `cdb bench --only replay`: `cdb replay verify`, `cdb replay rebuild` and
//! the projector's catch-up at start-up (from empty read models), at each
//! log size and on both backends, against a raw decode of the same rows
//! read with the same driver in the same run ([`raw`]).
//!
//! Each size's log is the previous size's, grown: a corpus seeded through
//! the real request path, then copies of its procedures ([`grow`]). Each
//! operation runs as a child process ([`child`]) so its peak memory is its
//! own; the table then compares the largest size with the smallest for
//! memory (flat: the log is streamed) and for speed (linear time).

mod child;
mod grow;
mod raw;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use commands::store::StoreLocation;

use super::Settings;
use super::pg;
use super::report::{Goal, Report, Row, rate, thousands};
use super::seed::{DEFAULT_SEED, SeedOptions, seed};
use crate::cli::StoreArgs;
pub use child::catch_up;

/// Goals from the issue: at least half the raw decode's speed; the same
/// peak memory (within noise) at every size; events/s that do not fall as
/// the log grows (time linear in its length).
const SPEED: Goal = Goal::AtLeast(0.5);
const FLAT_MEMORY: Goal = Goal::AtMost(1.5);
const LINEAR_TIME: Goal = Goal::AtLeast(0.7);

/// The operations measured, in the order they run at each size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    /// The projector's catch-up at start-up, from empty read models.
    CatchUp,
    Verify,
    Rebuild,
}

impl Operation {
    const ALL: [Operation; 3] = [Operation::CatchUp, Operation::Verify, Operation::Rebuild];

    fn name(self) -> &'static str {
        match self {
            Operation::CatchUp => "projector catch-up at start-up",
            Operation::Verify => "cdb replay verify",
            Operation::Rebuild => "cdb replay rebuild",
        }
    }

    fn args(self, store: &StoreArgs) -> Vec<OsString> {
        let words: &[&str] = match self {
            Operation::CatchUp => &["bench", "catch-up"],
            Operation::Verify => &["replay", "verify"],
            Operation::Rebuild => &["replay", "rebuild"],
        };
        let mut args: Vec<OsString> = words.iter().map(OsString::from).collect();
        args.extend([
            "--store".into(),
            store.store.clone().into(),
            "--data-dir".into(),
            store.data_dir.clone().into_os_string(),
        ]);
        args
    }
}

/// One size's figures on one backend.
struct Measured {
    events: u64,
    /// The raw decode, events/s.
    raw: f64,
    /// Per [`Operation::ALL`]: how each ran.
    runs: Vec<(Operation, child::Run)>,
}

pub async fn run(settings: &Settings, report: &mut Report) {
    pg::keep_fsync();
    let embedded = StoreArgs {
        store: "embedded".into(),
        data_dir: settings.scratch.join("replay-embedded"),
    };
    backend("embedded", embedded, settings, report).await;
    match pg::try_fresh_database().await {
        Ok(Some(url)) => {
            let postgres = StoreArgs {
                store: url,
                data_dir: settings.scratch.join("replay-postgres"),
            };
            backend("PostgreSQL", postgres, settings, report).await;
        }
        Ok(None) => report.problem(
            "replay: no PostgreSQL server binaries found (initdb, pg_ctl); measured the embedded store only",
        ),
        Err(error) => report.problem(format!("replay: cannot start PostgreSQL: {error}")),
    }
}

async fn backend(label: &str, store: StoreArgs, settings: &Settings, report: &mut Report) {
    let mut sizes = settings.sizes.clone();
    sizes.sort_unstable();
    sizes.dedup();
    // The sizes measured before a failure are still shown.
    let mut measured = Vec::new();
    let result = measure(label, &store, &sizes, settings.quick, &mut measured).await;
    push_rows(label, &measured, report);
    if let Err(error) = result {
        report.problem(format!("replay, {label}: {error}"));
    }
}

/// Procedures seeded through the request path before the log is grown by
/// copies: enough for every type and outcome to appear many times.
fn corpus_procedures(smallest: usize, quick: bool) -> usize {
    if quick {
        // About 400 events of every type: a few seconds even in a debug
        // build.
        12
    } else {
        (smallest / 16).clamp(40, 600)
    }
}

async fn measure(
    label: &str,
    args: &StoreArgs,
    sizes: &[usize],
    quick: bool,
    measured: &mut Vec<Measured>,
) -> Result<(), String> {
    let (location, store) = crate::serve::open(args, true)
        .await
        .map_err(|e| e.to_string())?;
    let smallest = sizes.first().copied().unwrap_or(0);
    let options = SeedOptions {
        procedures: corpus_procedures(smallest, quick),
        seed: DEFAULT_SEED,
    };
    eprintln!(
        "  replay, {label}: seeding {} procedures through the request path",
        options.procedures
    );
    let seeded = seed(
        &location,
        Arc::clone(&store),
        &args.data_dir,
        &options,
        |_, _| {},
    )
    .await
    .map_err(|e| format!("seeding failed: {e}"))?;
    eprintln!("  {}", seeded.summary());
    let templates = grow::templates(store.as_ref()).await?;
    let mut copies = 0;
    for &size in sizes {
        let started = Instant::now();
        let mut last = Instant::now();
        let head = grow::grow(
            Arc::clone(&store),
            &templates,
            size as u64,
            &mut copies,
            |head| {
                if last.elapsed() >= Duration::from_secs(5) {
                    last = Instant::now();
                    eprintln!("  replay, {label}: grown to {head}/{size} events");
                }
            },
        )
        .await?;
        eprintln!(
            "  replay, {label}: log of {head} events ready ({:.1} s)",
            started.elapsed().as_secs_f64()
        );
        measured.push(measure_size(label, args, &location, head).await?);
    }
    Ok(())
}

/// The raw decode, then every operation, on the log as it stands.
async fn measure_size(
    label: &str,
    args: &StoreArgs,
    location: &StoreLocation,
    head: u64,
) -> Result<Measured, String> {
    let started = Instant::now();
    let decoded = match location {
        StoreLocation::Sqlite(path) => {
            let path = path.clone();
            tokio::task::spawn_blocking(move || raw::sqlite(&path))
                .await
                .map_err(|e| e.to_string())??
        }
        StoreLocation::Postgres(url) => raw::postgres(url).await?,
    };
    let raw = decoded as f64 / started.elapsed().as_secs_f64().max(1e-9);
    if decoded != head {
        return Err(format!(
            "the raw decode read {decoded} events, the head is {head}"
        ));
    }
    let mut runs = Vec::new();
    for operation in Operation::ALL {
        if operation == Operation::CatchUp {
            // From nothing, as a server starting on a new read store.
            drop_read_models(location).await?;
        }
        eprintln!("  replay, {label}: {} over {head} events", operation.name());
        let run = child::run(operation.args(args)).await?;
        runs.push((operation, run));
        // Every event accounted for: the read models reached the head.
        if operation != Operation::Verify {
            let read = projections::read_store::open(location)
                .await
                .map_err(|e| e.to_string())?;
            let at = projections::projector::applied_position(read.as_ref())
                .await
                .map_err(|e| e.to_string())?;
            if at != head {
                return Err(format!(
                    "after {} the read models are at {at}, the log's head is {head}",
                    operation.name()
                ));
            }
        }
    }
    Ok(Measured {
        events: head,
        raw,
        runs,
    })
}

/// Removes the read models of `location`, so the next start-up builds them
/// from the log.
async fn drop_read_models(location: &StoreLocation) -> Result<(), String> {
    match location {
        StoreLocation::Sqlite(path) => {
            let read = projections::read_store::sqlite_read_path(path);
            for suffix in ["", "-wal", "-shm"] {
                let mut name = read.clone().into_os_string();
                name.push(suffix);
                remove_if_present(&PathBuf::from(name))?;
            }
            Ok(())
        }
        StoreLocation::Postgres(url) => {
            let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                .await
                .map_err(|e| e.to_string())?;
            let connection = tokio::spawn(connection);
            // Every read model's table starts with `read_` (see
            // projections::read_store::postgres); the log's tables do not.
            let tables: Vec<String> = client
                .query(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() \
                     AND tablename LIKE 'read\\_%'",
                    &[],
                )
                .await
                .map_err(|e| e.to_string())?
                .iter()
                .map(|row| row.get::<_, String>(0))
                .collect();
            if !tables.is_empty() {
                let list: Vec<String> = tables.iter().map(|t| format!("\"{t}\"")).collect();
                client
                    .batch_execute(&format!("DROP TABLE {} CASCADE", list.join(", ")))
                    .await
                    .map_err(|e| e.to_string())?;
            }
            drop(client);
            let _ = connection.await;
            Ok(())
        }
    }
}

fn remove_if_present(path: &Path) -> Result<(), String> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot remove {}: {e}", path.display())),
    }
}

fn megabytes(kib: u64) -> String {
    format!("{} MB", kib.div_ceil(1024))
}

fn push_rows(label: &str, measured: &[Measured], report: &mut Report) {
    for size in measured {
        for (operation, run) in &size.runs {
            let seconds = run.elapsed.as_secs_f64().max(1e-9);
            let per_second = size.events as f64 / seconds;
            report.push(Row {
                benchmark: format!(
                    "{}, {label}, {} events",
                    operation.name(),
                    thousands(size.events)
                ),
                figure: format!(
                    "{} ({seconds:.1} s, peak RSS {})",
                    rate(per_second, "events"),
                    megabytes(run.peak_kib)
                ),
                baseline: format!("raw decode {}", rate(size.raw, "events")),
                ratio: per_second / size.raw.max(1e-9),
                goal: Some(SPEED),
            });
        }
    }
    let (Some(small), Some(large)) = (measured.first(), measured.last()) else {
        return;
    };
    if measured.len() < 2 {
        return;
    }
    for (index, operation) in Operation::ALL.into_iter().enumerate() {
        let (Some((_, at_small)), Some((_, at_large))) =
            (small.runs.get(index), large.runs.get(index))
        else {
            continue;
        };
        report.push(Row {
            benchmark: format!(
                "{}, {label}: peak RSS at {} vs {} events",
                operation.name(),
                thousands(large.events),
                thousands(small.events)
            ),
            figure: megabytes(at_large.peak_kib),
            baseline: megabytes(at_small.peak_kib),
            ratio: at_large.peak_kib as f64 / at_small.peak_kib.max(1) as f64,
            goal: Some(FLAT_MEMORY),
        });
        let rate_of = |size: &Measured, run: &child::Run| {
            size.events as f64 / run.elapsed.as_secs_f64().max(1e-9)
        };
        report.push(Row {
            benchmark: format!(
                "{}, {label}: events/s at {} vs {} events",
                operation.name(),
                thousands(large.events),
                thousands(small.events)
            ),
            figure: rate(rate_of(large, at_large), "events"),
            baseline: rate(rate_of(small, at_small), "events"),
            ratio: rate_of(large, at_large) / rate_of(small, at_small).max(1e-9),
            goal: Some(LINEAR_TIME),
        });
    }
}
