//! Store benchmark: append throughput and latency for both backends at 1, 8
//! and 32 concurrent writers, each against a baseline measured in the same
//! run: the same rows written with plain INSERTs (one transaction per
//! append, no version check, no hash chain, no ordering guarantee) through
//! the same PostgreSQL pool, or into an SQLite file with the same settings
//! through one connection per writer.
//!
//! Store and baseline alternate, round by round (store first in even
//! rounds, baseline first in odd ones), so neither always runs on a warmer
//! or a more loaded machine; each row reports the medians over the rounds.
//!
//!     cargo bench -p e2e --bench store
//!
//! Environment: `BENCH_APPENDS` (appends per side and round, default 3000),
//! `BENCH_ROUNDS` (default 4), `DATABASE_URL` (use that PostgreSQL server
//! instead of a throw-away one; the throw-away server runs with fsync on,
//! like production).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use commands::store::postgres::{self, PostgresStore};
use commands::store::sqlite::SqliteStore;
use commands::store::{Append, EventStore, Metadata, NewEvent};
use serde_json::json;

const WRITERS: [usize; 3] = [1, 8, 32];
const EVENTS_PER_APPEND: usize = 2;

struct Measured {
    events_per_second: f64,
    p50: Duration,
    p99: Duration,
}

fn summarise(mut latencies: Vec<Duration>, events: usize, elapsed: Duration) -> Measured {
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Measured {
        events_per_second: events as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
    }
}

/// The rows one writer appends: `appends` two-event appends to its own
/// procedure, with realistic JSON payloads.
fn appends_for(writer: usize, appends: usize) -> Vec<Append> {
    let procedure = format!("bench-{writer}-{}", ulid::Ulid::new());
    (0..appends)
        .map(|i| Append {
            procedure_id: procedure.clone(),
            procedure_kind: "bench".into(),
            expected_version: (i * EVENTS_PER_APPEND) as u64,
            events: (0..EVENTS_PER_APPEND)
                .map(|k| NewEvent {
                    event_id: ulid::Ulid::new().to_string(),
                    stream_id: if k == 0 { format!("tender-{procedure}") } else { format!("bid-{procedure}-{i}") },
                    event_type: "BidSubmitted".into(),
                    schema_version: 1,
                    data: json!({
                        "value": {"amount": "1250000.00", "currency": "UAH", "valueAddedTaxIncluded": true},
                        "tenderers": [{"name": "ТОВ Постачальник", "identifier": {"scheme": "UA-EDR", "id": format!("{:08}", i)}}],
                        "status": "active",
                    }),
                    metadata: Metadata {
                        broker: Some("broker".into()),
                        request_id: Some(ulid::Ulid::new().to_string()),
                        ..Metadata::default()
                    },
                    recorded_at: Utc::now(),
                })
                .collect(),
        })
        .collect()
}

/// Runs `writers` concurrent tasks, each sending its appends one after the
/// other through `write` (called with the writer's number), and times every
/// call.
async fn run<F, Fut>(writers: usize, total_appends: usize, write: F) -> Measured
where
    F: Fn(usize, Append) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let per_writer = total_appends / writers;
    let work: Vec<Vec<Append>> = (0..writers).map(|w| appends_for(w, per_writer)).collect();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (writer, appends) in work.into_iter().enumerate() {
        let write = write.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(appends.len());
            for append in appends {
                let t = Instant::now();
                write(writer, append).await;
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("writer task"));
    }
    summarise(
        latencies,
        per_writer * writers * EVENTS_PER_APPEND,
        started.elapsed(),
    )
}

async fn append_with(store: Arc<dyn EventStore>, writers: usize, appends: usize) -> Measured {
    run(writers, appends, move |_, append| {
        let store = Arc::clone(&store);
        async move {
            store.append(append).await.expect("append");
        }
    })
    .await
}

/// Creates the PostgreSQL baseline's table: the store's `events` table
/// with its constraints and indexes, without the store's logic.
async fn postgres_baseline_table(pool: &deadpool_postgres::Pool) {
    let client = pool.get().await.expect("pool");
    client
        .batch_execute(
            "DROP TABLE IF EXISTS bench_baseline; \
             CREATE TABLE bench_baseline (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);",
        )
        .await
        .expect("baseline table");
}

async fn postgres_baseline(
    pool: deadpool_postgres::Pool,
    positions: Arc<AtomicU64>,
    writers: usize,
    appends: usize,
) -> Measured {
    run(writers, appends, move |_, append| {
        let pool = pool.clone();
        let positions = Arc::clone(&positions);
        async move {
            let client = pool.get().await.expect("pool");
            // One plain multi-row INSERT per append, autocommitted.
            let mut sql = String::from(
                "INSERT INTO bench_baseline (position, procedure_id, procedure_version, stream_id, stream_version, \
                 event_id, event_type, schema_version, data, metadata, recorded_at, prev_hash, hash) VALUES ",
            );
            let mut params: Vec<Box<dyn tokio_postgres::types::ToSql + Sync + Send>> = Vec::new();
            for (k, event) in append.events.iter().enumerate() {
                let position = positions.fetch_add(1, Ordering::Relaxed) as i64 + 1;
                let version = (append.expected_version + k as u64 + 1) as i64;
                let n = params.len();
                if k > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}::text::jsonb, ${}::text::jsonb, ${}, ${}, ${})",
                    n + 1, n + 2, n + 3, n + 4, n + 5, n + 6, n + 7, n + 8, n + 9, n + 10, n + 11, n + 12, n + 13
                ));
                params.push(Box::new(position));
                params.push(Box::new(append.procedure_id.clone()));
                params.push(Box::new(version));
                params.push(Box::new(event.stream_id.clone()));
                params.push(Box::new(version));
                params.push(Box::new(event.event_id.clone()));
                params.push(Box::new(event.event_type.clone()));
                params.push(Box::new(event.schema_version as i32));
                params.push(Box::new(event.data.to_string()));
                params.push(Box::new(serde_json::to_string(&event.metadata).expect("metadata")));
                params.push(Box::new(event.recorded_at));
                params.push(Box::new("0".repeat(64)));
                params.push(Box::new("f".repeat(64)));
            }
            let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
                params.iter().map(|p| p.as_ref() as &(dyn tokio_postgres::types::ToSql + Sync)).collect();
            client.execute(sql.as_str(), &refs).await.expect("baseline insert");
        }
    })
    .await
}

/// Creates the SQLite baseline's table, in its own file, with the store's
/// settings (WAL, `synchronous = FULL`).
fn sqlite_baseline_table(path: &std::path::Path) {
    let connection = rusqlite::Connection::open(path).expect("open");
    connection
        .execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
             CREATE TABLE baseline (position INTEGER PRIMARY KEY, procedure_id TEXT NOT NULL, \
             procedure_version INTEGER NOT NULL, stream_id TEXT NOT NULL, stream_version INTEGER NOT NULL, \
             event_id TEXT NOT NULL UNIQUE, event_type TEXT NOT NULL, schema_version INTEGER NOT NULL, \
             data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at_us INTEGER NOT NULL, prev_hash TEXT NOT NULL, \
             hash TEXT NOT NULL, UNIQUE (procedure_id, procedure_version), UNIQUE (stream_id, stream_version));",
        )
        .expect("baseline table");
}

/// Plain INSERTs into the SQLite baseline file, one `BEGIN IMMEDIATE`
/// transaction per append, through **one connection per writer** (opened
/// with the store's settings and the store's 10 s busy timeout): SQLite
/// lets one writer in at a time, the others wait in SQLite's busy handler,
/// as an application writing straight to the file from several threads
/// would. Each append runs on tokio's blocking pool.
async fn sqlite_baseline(path: std::path::PathBuf, writers: usize, appends: usize) -> Measured {
    let connections: Vec<Arc<std::sync::Mutex<rusqlite::Connection>>> = (0..writers)
        .map(|_| {
            let connection = rusqlite::Connection::open(&path).expect("open");
            connection
                .busy_timeout(Duration::from_secs(10))
                .expect("busy timeout");
            connection
                .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
                .expect("pragmas");
            Arc::new(std::sync::Mutex::new(connection))
        })
        .collect();
    let connections = Arc::new(connections);
    run(writers, appends, move |writer, append| {
        // The writer's own connection: the mutex is never contended, it
        // only lets the connection move to the blocking pool and back.
        let connection = Arc::clone(&connections[writer]);
        async move {
            tokio::task::spawn_blocking(move || {
                let mut connection = connection.lock().expect("lock");
                let tx = connection
                    .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                    .expect("begin");
                for (k, event) in append.events.iter().enumerate() {
                    let version = (append.expected_version + k as u64 + 1) as i64;
                    tx.execute(
                        "INSERT INTO baseline (procedure_id, procedure_version, stream_id, stream_version, event_id, \
                         event_type, schema_version, data, metadata, recorded_at_us, prev_hash, hash) \
                         VALUES (?1, ?2, ?3, ?2, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                        rusqlite::params![
                            append.procedure_id,
                            version,
                            event.stream_id,
                            event.event_id,
                            event.event_type,
                            event.schema_version,
                            event.data.to_string(),
                            serde_json::to_string(&event.metadata).expect("metadata"),
                            event.recorded_at.timestamp_micros(),
                            "0".repeat(64),
                            "f".repeat(64),
                        ],
                    )
                    .expect("baseline insert");
                }
                tx.commit().expect("commit");
            })
            .await
            .expect("blocking insert");
        }
    })
    .await
}

/// One configuration's rounds, store and baseline paired by round.
#[derive(Default)]
struct Rounds {
    store: Vec<Measured>,
    baseline: Vec<Measured>,
}

impl Rounds {
    /// Runs round `round`: store then baseline in even rounds, baseline
    /// then store in odd ones.
    async fn round<S, B>(&mut self, round: usize, store: S, baseline: B)
    where
        S: std::future::Future<Output = Measured>,
        B: std::future::Future<Output = Measured>,
    {
        if round.is_multiple_of(2) {
            self.store.push(store.await);
            self.baseline.push(baseline.await);
        } else {
            self.baseline.push(baseline.await);
            self.store.push(store.await);
        }
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn row(backend: &str, writers: usize, rounds: &Rounds) {
    let med = |side: &[Measured], f: fn(&Measured) -> f64| median(side.iter().map(f).collect());
    let rate = |m: &Measured| m.events_per_second;
    let p50 = |m: &Measured| m.p50.as_secs_f64() * 1e3;
    let p99 = |m: &Measured| m.p99.as_secs_f64() * 1e3;
    let ratios: Vec<f64> = rounds
        .store
        .iter()
        .zip(&rounds.baseline)
        .map(|(s, b)| s.events_per_second / b.events_per_second)
        .collect();
    let each = ratios
        .iter()
        .map(|r| format!("{r:.2}"))
        .collect::<Vec<_>>()
        .join(" / ");
    println!(
        "| {backend} | {writers} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} | **{:.2}** | {each} |",
        med(&rounds.store, rate),
        med(&rounds.store, p50),
        med(&rounds.store, p99),
        med(&rounds.baseline, rate),
        med(&rounds.baseline, p50),
        med(&rounds.baseline, p99),
        median(ratios.clone()),
    );
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(default)
}

fn main() {
    // SAFETY: set before the runtime, or any other thread, exists.
    unsafe { std::env::set_var("CDB_TEST_PG_FSYNC", "on") };
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(bench());
}

async fn bench() {
    let appends = env_number("BENCH_APPENDS", 3000);
    let rounds = env_number("BENCH_ROUNDS", 4);
    println!(
        "store benchmark: {appends} appends of {EVENTS_PER_APPEND} events per side and round, \
         {rounds} rounds (store first in even rounds, baseline first in odd ones); medians\n"
    );
    println!(
        "| backend | writers | store events/s | p50 ms | p99 ms | baseline events/s | p50 ms | p99 ms | ratio | ratio per round |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");

    for writers in WRITERS {
        let dir = tempfile::tempdir().expect("temp dir");
        let store: Arc<dyn EventStore> =
            Arc::new(SqliteStore::open(&dir.path().join("cdb.sqlite3")).expect("open"));
        let baseline_file = dir.path().join("baseline.sqlite3");
        sqlite_baseline_table(&baseline_file);
        let mut measured = Rounds::default();
        for round in 0..rounds {
            measured
                .round(
                    round,
                    append_with(Arc::clone(&store), writers, appends),
                    sqlite_baseline(baseline_file.clone(), writers, appends),
                )
                .await;
        }
        row("embedded", writers, &measured);
    }

    let Some(_) = e2e::pg::server_url() else {
        println!("\n(PostgreSQL rows skipped: no PostgreSQL available)");
        return;
    };
    for writers in WRITERS {
        let url = e2e::pg::fresh_database().await.expect("database");
        postgres::migrate(&url).await.expect("migrate");
        // The pool is sized for the baseline's writers; the store itself
        // writes through its batching writer (up to 4 batches in flight).
        let store = Arc::new(
            PostgresStore::connect(&url, writers + 2)
                .await
                .expect("connect"),
        );
        let pool = store.pool().clone();
        postgres_baseline_table(&pool).await;
        let positions = Arc::new(AtomicU64::new(0));
        let store: Arc<dyn EventStore> = store;
        let mut measured = Rounds::default();
        for round in 0..rounds {
            measured
                .round(
                    round,
                    append_with(Arc::clone(&store), writers, appends),
                    postgres_baseline(pool.clone(), Arc::clone(&positions), writers, appends),
                )
                .await;
        }
        row("postgres", writers, &measured);
    }
}
