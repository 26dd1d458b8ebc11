//! The `cdb` command line. Every flag has an environment variable twin.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::registry::AuctionRunner;
use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "cdb",
    version,
    about = "opencdb: an event-sourced Central Database for public procurement and public-asset e-auctions",
    long_about = "opencdb: an event-sourced Central Database for public procurement and public-asset \
                  e-auctions.\n\nStart a server on the embedded store with `cdb serve`; point it at \
                  PostgreSQL with `--store postgres://…` after `cdb migrate`."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once at start-up: the size of its largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API server.
    Serve(ServeArgs),
    /// Create or upgrade the PostgreSQL schema (the embedded store needs no migration).
    Migrate(StoreArgs),
    /// Auditor tools over the event log.
    #[command(subcommand)]
    Replay(ReplayCommand),
    /// Open-data exports: `cdb export ocds` writes every OCDS release and record.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Benchmarks, each against a baseline measured in the same run, printed
    /// as one table; `cdb bench seed` writes a realistic corpus.
    Bench(BenchArgs),
    /// Append synthetic events and print each acknowledged one (store smoke test; used by the crash test).
    #[command(hide = true)]
    Soak(SoakArgs),
}

#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// Where events are stored: `embedded` (an SQLite file in the data directory),
    /// `sqlite:PATH`, or `postgres://user:password@host:port/database`.
    #[arg(long, env = "CDB_STORE", default_value = "embedded")]
    pub store: String,

    /// Directory for the embedded store, the generated brokers file and document bodies.
    #[arg(long, env = "CDB_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "CDB_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// The server's public base URL (http or https, optionally with a path
    /// prefix), on which every absolute link it answers with is built
    /// (`Location`, document URLs, `next_page.uri`). Default: `http://` and
    /// the address the server listens on.
    #[arg(long, env = "CDB_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// How long a client has to send a request's headers, in milliseconds;
    /// also how long an idle connection is kept open between requests.
    #[arg(long, env = "CDB_HEADER_READ_TIMEOUT_MS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub header_read_timeout_ms: u64,

    /// How long a request may take once its headers are in (reading the body
    /// and answering), in milliseconds; then it is answered 408. Streams
    /// (`mode=stream`) are not cut: their answer starts at once.
    #[arg(long, env = "CDB_REQUEST_TIMEOUT_MS", default_value_t = 30_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout_ms: u64,

    /// How many client connections are served at once; more wait in the
    /// listen queue until one closes.
    #[arg(long, env = "CDB_MAX_CONNECTIONS", default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,

    #[command(flatten)]
    pub store: StoreArgs,

    #[arg(long, env = "CDB_OCDS_PREFIX", default_value = ocds::release::DEFAULT_PREFIX,
          value_parser = crate::ocds::validate_prefix, help = OCDS_PREFIX_HELP)]
    pub ocds_prefix: String,

    /// TOML file with one `[[broker]]` table (name, key, roles) per broker.
    /// Without it, `<data-dir>/brokers.toml` is used, created with a random key on first start.
    #[arg(long, env = "CDB_BROKERS")]
    pub brokers: Option<PathBuf>,

    /// Create or upgrade the PostgreSQL schema before serving.
    #[arg(long, env = "CDB_MIGRATE")]
    pub migrate: bool,

    /// Base URL of the ProZorro e-Catalogues API (`GET BASE/profiles/{id}`,
    /// `GET BASE/agreements/{id}`), needed to activate priceQuotation tenders.
    #[arg(long, env = "CDB_CATALOGUE_URL", conflicts_with = "catalogue_file")]
    pub catalogue_url: Option<String>,

    /// A JSON file with the catalogue's profiles and agreements, used instead
    /// of --catalogue-url (`{"profiles": [...], "agreements": [...]}`).
    #[arg(long, env = "CDB_CATALOGUE_FILE")]
    pub catalogue_file: Option<PathBuf>,

    /// How long to wait for the e-catalogue before answering 409, in milliseconds.
    #[arg(long, env = "CDB_CATALOGUE_TIMEOUT_MS", default_value_t = 5000)]
    pub catalogue_timeout_ms: u64,

    /// A TOML file with the period lengths (business days) of multi-award
    /// sales per sellingMethod, e.g. `["basicSell-multiAwards-fast"]`
    /// `qualificationPeriodDays = 2` `admissionPeriodDays = 1`. Methods it
    /// does not name get 20 and 5.
    #[arg(long, env = "CDB_SALE_PERIODS")]
    pub sale_periods: Option<PathBuf>,

    /// A directory holding the working-day calendar every business-day
    /// period is counted on: `workdays_off.json` and `weekends_on.json`
    /// (JSON arrays of dates such as "2026-12-25"), as published for
    /// Prozorro. Without it the calendar built into opencdb is used.
    #[arg(long, env = "CDB_CALENDAR")]
    pub calendar: Option<PathBuf>,

    /// Who runs the multi-award sale's auction: `cdb` (the server, with its
    /// page at /auctions/{id}) or `external` (an outside auction module
    /// through the `…/auction` hand-off).
    #[arg(long, env = "CDB_SALE_AUCTION", value_enum, default_value_t = AuctionRunner::Cdb)]
    pub sale_auction: AuctionRunner,

    /// Who runs the open tender's (belowThreshold) lot auctions: `cdb`
    /// (the server, with its page at /auctions/{id}) or `external` (an
    /// outside auction module through `…/auction/{lot_id}`).
    #[arg(long, env = "CDB_TENDER_AUCTION", value_enum, default_value_t = AuctionRunner::Cdb)]
    pub tender_auction: AuctionRunner,

    /// The secret participation links are signed with (at least 32
    /// characters). Every server of one deployment needs the same one.
    /// Without it a random secret is made at start-up, and links stop
    /// working when the server restarts.
    #[arg(long, env = "CDB_AUCTION_SECRET", hide_env_values = true)]
    pub auction_secret: Option<String>,

    /// Run the server's clock N times faster than real time from start-up
    /// (scheduler, periods, auction stages and timestamps all follow it),
    /// to watch a whole procedure in minutes. For demonstrations and
    /// whole-flow checks only, never for production.
    #[arg(long, env = "CDB_CLOCK_RATE")]
    pub clock_rate: Option<f64>,

    /// How often the scheduler checks for due automatic transitions, in milliseconds.
    #[arg(long, env = "CDB_SCHEDULER_TICK_MS", default_value_t = 1000)]
    pub scheduler_tick_ms: u64,
}

#[derive(Debug, Subcommand)]
pub enum ReplayCommand {
    /// Recompute every procedure's hash chain and the global position sequence;
    /// name the first bad event and exit non-zero if anything was altered.
    /// With --bundle, check an exported bundle offline instead.
    Verify(VerifyArgs),
    /// Rebuild the read models from the log into a scratch store (with progress),
    /// prove the result equals the live read models (a digest per read model, at
    /// the same log position), and install it. Exits 1 if they differed.
    Rebuild(StoreArgs),
    /// Print a procedure's public document (the exact bytes `GET` serves, then one
    /// newline) as it was after every event up to --at, or now.
    Show(ShowArgs),
    /// Print every event of a procedure, one JSON object per line, with the
    /// JSON-patch (RFC 6902) diff it made to the public document.
    History(ProcedureArgs),
    /// Write one procedure's events and hash chain as a self-contained JSON
    /// bundle that `cdb replay verify --bundle` checks offline.
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub store: StoreArgs,

    /// Check this exported bundle (from `cdb replay export`) offline instead of
    /// a store (--store and --data-dir are then ignored).
    #[arg(long)]
    pub bundle: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ProcedureArgs {
    /// The procedure (tender) id.
    pub procedure: String,

    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub procedure: ProcedureArgs,

    /// A global log position (e.g. 1234) or an RFC 3339 time (e.g.
    /// 2023-09-20T10:00:00+03:00): show the document after every event up to it.
    #[arg(long)]
    pub at: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub procedure: ProcedureArgs,

    /// Write the bundle here instead of to standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SoakArgs {
    #[command(flatten)]
    pub store: StoreArgs,

    /// How many appends to make (0: until killed).
    #[arg(long, default_value_t = 0)]
    pub appends: u64,

    /// Appends in flight at once.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write every OCDS 1.1 release (`releases.jsonl`, commit order) and every
    /// record (`records.jsonl`) of the published procedures as JSON Lines into
    /// --out, with progress; the read models are first brought up to the log.
    Ocds(OcdsExportArgs),
}

#[derive(Debug, Args)]
pub struct OcdsExportArgs {
    #[command(flatten)]
    pub store: StoreArgs,

    /// The directory to write into (created if missing).
    #[arg(long)]
    pub out: PathBuf,

    #[arg(long, env = "CDB_OCDS_PREFIX", default_value = ocds::release::DEFAULT_PREFIX,
          value_parser = crate::ocds::validate_prefix, help = OCDS_PREFIX_HELP)]
    pub ocds_prefix: String,
}

/// The help of `--ocds-prefix`, the same on `serve` and `export ocds`.
pub const OCDS_PREFIX_HELP: &str = "The OCDS ocid prefix registered for this publisher (six lowercase letters \
     or digits): every ocid is `ocds-<prefix>-<tenderID or auctionId>`. The default marks data \
     published without a registered prefix.";

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub command: Option<BenchCommand>,

    #[command(flatten)]
    pub run: BenchRunArgs,
}

#[derive(Debug, Clone, Args)]
pub struct BenchRunArgs {
    /// A smoke run for CI: every benchmark at a small size for about a
    /// second each. Checks that every acknowledged write is accounted for;
    /// says nothing about speed.
    #[arg(long)]
    pub quick: bool,

    /// Run only the benchmarks whose name contains one of these (e.g.
    /// `http`, `appends`, `replay`, `feed`); all of them by default.
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,

    /// Seconds each timed load runs (default 10, or 1 with --quick).
    #[arg(long)]
    pub seconds: Option<u64>,

    /// Concurrent connections of the HTTP loads.
    #[arg(long, default_value_t = 32)]
    pub connections: usize,

    /// Log sizes (events) the replay benchmarks run at (default
    /// 10000,100000,1000000, or 500 with --quick).
    #[arg(long, value_delimiter = ',')]
    pub sizes: Vec<usize>,

    /// Also write the table, as Markdown, to this file.
    #[arg(long)]
    pub markdown: Option<PathBuf>,

    /// Where to keep the benchmarks' scratch stores (removed afterwards).
    #[arg(long, env = "TMPDIR", default_value = "/tmp")]
    pub scratch: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Write N realistic procedures of every registered type through the
    /// server's own command path (deterministic from --seed).
    Seed(SeedArgs),
    /// Bring the read models up to the log's head as `cdb serve` does at
    /// start-up, and exit (what the replay benchmark times).
    #[command(hide = true)]
    CatchUp(StoreArgs),
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    #[command(flatten)]
    pub store: StoreArgs,

    /// How many procedures to write.
    #[arg(long, default_value_t = 1000)]
    pub procedures: usize,

    /// The seed every choice of the corpus is drawn from.
    #[arg(long, default_value_t = crate::bench::seed::DEFAULT_SEED)]
    pub seed: u64,
}
