//! The opencdb HTTP API and the `cdb` command-line tool.

pub mod access;
pub mod attachments;
pub mod auctions;
pub mod bench;
pub mod body;
pub mod brokers;
pub mod cli;
pub mod contracts;
pub mod documents;
pub mod error;
pub mod feed;
pub mod kinds;
pub mod ocds;
pub mod openapi;
pub mod procedure;
pub mod registry;
pub mod replay_cli;
pub mod reply;
pub mod routes;
pub mod sale_periods;
pub mod search;
pub mod serve;
pub mod server;
pub mod soak;
pub mod telemetry;
pub mod write;

use std::process::ExitCode;

use cli::{Cli, Command};

/// Why `cdb` stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Bad configuration or an environment that cannot work (exit code 2).
    #[error("{0}")]
    Config(String),
    /// A failure while running (exit code 1).
    #[error("{0}")]
    Runtime(String),
}

impl Failure {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Config(_) => ExitCode::from(2),
            Failure::Runtime(_) => ExitCode::from(1),
        }
    }
}

pub async fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Serve(args) => serve::serve(args).await,
        Command::Migrate(args) => migrate(args).await,
        Command::Replay(command) => replay_cli::run(command).await,
        Command::Bench(command) => bench::run(command).await,
        Command::Export(cli::ExportCommand::Ocds(args)) => ocds::export::run(args).await,
        Command::Soak(args) => soak::soak(args).await,
    }
}

async fn migrate(args: cli::StoreArgs) -> Result<(), Failure> {
    let (location, _store) = serve::open(&args, true).await?;
    eprintln!("cdb: schema is up to date ({})", location.describe());
    Ok(())
}
