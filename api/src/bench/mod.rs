//! `cdb bench`: every benchmark of the server, each against a baseline
//! measured in the same run, printed as one table ([`report`]). `cdb bench
//! seed` writes a realistic corpus of every registered procedure type
//! through the server's own command path ([`seed::seed`]).
//!
//! A benchmark needs nothing beyond the README's set-up: scratch stores go
//! under `--scratch`, PostgreSQL is a throw-away server ([`pg`]) unless
//! `DATABASE_URL` names one.

mod appends;
mod feed;
mod http;
mod load;
mod nginx;
pub mod pg;
mod replay;
pub mod report;
pub mod seed;
mod server;
pub mod words;

use std::path::PathBuf;
use std::time::Duration;

use crate::Failure;
use crate::cli::{BenchArgs, BenchCommand, BenchRunArgs};
use report::Report;

pub async fn run(args: BenchArgs) -> Result<(), Failure> {
    match args.command {
        Some(BenchCommand::Seed(seed)) => seed::run(seed).await,
        Some(BenchCommand::CatchUp(store)) => replay::catch_up(store).await,
        None => run_all(args.run).await,
    }
}

/// What every benchmark is given.
#[derive(Debug, Clone)]
pub struct Settings {
    pub quick: bool,
    /// How long each timed load runs.
    pub duration: Duration,
    pub connections: usize,
    /// Log sizes for the replay benchmarks.
    pub sizes: Vec<usize>,
    /// A directory of this run's own, removed at the end.
    pub scratch: PathBuf,
}

impl Settings {
    fn from_args(args: &BenchRunArgs, scratch: PathBuf) -> Self {
        let seconds = args.seconds.unwrap_or(if args.quick { 1 } else { 10 });
        let sizes = if !args.sizes.is_empty() {
            args.sizes.clone()
        } else if args.quick {
            vec![500]
        } else {
            vec![10_000, 100_000, 1_000_000]
        };
        Settings {
            quick: args.quick,
            duration: Duration::from_secs(seconds.max(1)),
            connections: args.connections.max(1),
            sizes,
            scratch,
        }
    }
}

/// A fresh database on the throw-away PostgreSQL server (`fsync` on), or
/// `None` after reporting why there is none.
pub async fn postgres_database(report: &mut Report, benchmark: &str) -> Option<String> {
    pg::keep_fsync();
    match pg::try_fresh_database().await {
        Ok(Some(url)) => Some(url),
        Ok(None) => {
            report.problem(format!(
                "{benchmark}: no PostgreSQL server binaries (initdb, pg_ctl) and no DATABASE_URL"
            ));
            None
        }
        Err(problem) => {
            report.problem(format!("{benchmark}: cannot start PostgreSQL: {problem}"));
            None
        }
    }
}

/// Every benchmark, in the order the table shows them: the name `--only`
/// matches.
pub const BENCHMARKS: [&str; 4] = ["http", "appends", "feed", "replay"];

/// Runs benchmark `name`; what goes wrong is a [`Report::problem`].
async fn run_one(name: &str, settings: &Settings, report: &mut Report) {
    match name {
        "http" => http::run(settings, report).await,
        "appends" => appends::run(settings, report).await,
        "feed" => feed::run(settings, report).await,
        "replay" => replay::run(settings, report).await,
        other => report.problem(format!("unknown benchmark {other}")),
    }
}

async fn run_all(args: BenchRunArgs) -> Result<(), Failure> {
    let scratch = tempfile::Builder::new()
        .prefix("cdb-bench-")
        .tempdir_in(&args.scratch)
        .map_err(|e| {
            Failure::Config(format!(
                "cannot make a scratch directory in {}: {e}",
                args.scratch.display()
            ))
        })?;
    let settings = Settings::from_args(&args, scratch.path().to_owned());
    let selected: Vec<&str> = BENCHMARKS
        .into_iter()
        .filter(|b| args.only.is_empty() || args.only.iter().any(|o| b.contains(o.as_str())))
        .collect();
    if selected.is_empty() {
        return Err(Failure::Config(format!(
            "--only {} matches no benchmark; the benchmarks are: {}",
            args.only.join(","),
            BENCHMARKS.join(", ")
        )));
    }
    let mut report = Report::default();
    let started = std::time::Instant::now();
    for name in selected {
        eprintln!("[{:>5.0} s] {name}", started.elapsed().as_secs_f64());
        run_one(name, &settings, &mut report).await;
    }
    let table = report.markdown();
    println!(
        "\n# cdb bench{} ({}; {} s)\n\n{table}",
        if settings.quick { " --quick" } else { "" },
        chrono::Utc::now().format("%Y-%m-%d"),
        started.elapsed().as_secs()
    );
    if let Some(path) = &args.markdown {
        std::fs::write(path, &table)
            .map_err(|e| Failure::Runtime(format!("cannot write {}: {e}", path.display())))?;
    }
    if report.problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::Runtime(format!(
            "{} problem(s): {}",
            report.problems.len(),
            report.problems.join("; ")
        )))
    }
}
