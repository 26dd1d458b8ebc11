//! Store benchmark: append throughput and latency for both backends at 1, 8
//! and 32 concurrent writers, each against a baseline measured in the same
//! run: the same rows written with plain INSERTs (one transaction per
//! append, no version check, no hash chain, no ordering guarantee) through
//! the same PostgreSQL pool, or the same SQLite file settings.
//!
//!     cargo bench -p e2e --bench store
//!
//! Environment: `BENCH_APPENDS` (appends per configuration, default 3000),
//! `DATABASE_URL` (use that PostgreSQL server instead of a throw-away one;
//! the throw-away server runs with fsync on, like production).

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
/// other through `write`, and times every call.
async fn run<F, Fut>(writers: usize, total_appends: usize, write: F) -> Measured
where
    F: Fn(Append) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let per_writer = total_appends / writers;
    let work: Vec<Vec<Append>> = (0..writers).map(|w| appends_for(w, per_writer)).collect();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for appends in work {
        let write = write.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(appends.len());
            for append in appends {
                let t = Instant::now();
                write(append).await;
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
    run(writers, appends, move |append| {
        let store = Arc::clone(&store);
        async move {
            store.append(append).await.expect("append");
        }
    })
    .await
}

async fn postgres_baseline(
    pool: deadpool_postgres::Pool,
    writers: usize,
    appends: usize,
) -> Measured {
    let client = pool.get().await.expect("pool");
    client
        .batch_execute(
            "DROP TABLE IF EXISTS bench_baseline; \
             CREATE TABLE bench_baseline (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);",
        )
        .await
        .expect("baseline table");
    drop(client);
    let positions = Arc::new(AtomicU64::new(0));
    run(writers, appends, move |append| {
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

/// Plain INSERTs into an SQLite file with the store's settings (WAL,
/// synchronous=FULL), one transaction per append, one connection (SQLite
/// has one writer at a time either way).
async fn sqlite_baseline(path: std::path::PathBuf, writers: usize, appends: usize) -> Measured {
    let connection = rusqlite::Connection::open(&path).expect("open");
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
    let connection = Arc::new(std::sync::Mutex::new(connection));
    run(writers, appends, move |append| {
        let connection = Arc::clone(&connection);
        async move {
            tokio::task::spawn_blocking(move || {
                let mut connection = connection.lock().expect("lock");
                let tx = connection.transaction().expect("begin");
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

fn row(backend: &str, writers: usize, store: &Measured, baseline: &Measured) {
    println!(
        "| {backend} | {writers} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} | **{:.2}** |",
        store.events_per_second,
        store.p50.as_secs_f64() * 1e3,
        store.p99.as_secs_f64() * 1e3,
        baseline.events_per_second,
        baseline.p50.as_secs_f64() * 1e3,
        baseline.p99.as_secs_f64() * 1e3,
        store.events_per_second / baseline.events_per_second,
    );
}

#[tokio::main]
async fn main() {
    let appends: usize = std::env::var("BENCH_APPENDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    // SAFETY: set before any other thread reads the environment.
    unsafe { std::env::set_var("CDB_TEST_PG_FSYNC", "on") };
    println!(
        "store benchmark: {appends} appends of {EVENTS_PER_APPEND} events per configuration\n"
    );
    println!(
        "| backend | writers | store events/s | p50 ms | p99 ms | baseline events/s | p50 ms | p99 ms | ratio |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");

    for writers in WRITERS {
        let dir = tempfile::tempdir().expect("temp dir");
        let store: Arc<dyn EventStore> =
            Arc::new(SqliteStore::open(&dir.path().join("cdb.sqlite3")).expect("open"));
        let measured = append_with(store, writers, appends).await;
        let baseline = sqlite_baseline(dir.path().join("baseline.sqlite3"), writers, appends).await;
        row("embedded", writers, &measured, &baseline);
    }

    let Some(_) = e2e::pg::server_url() else {
        println!("\n(PostgreSQL rows skipped: no PostgreSQL available)");
        return;
    };
    for writers in WRITERS {
        let url = e2e::pg::fresh_database().await.expect("database");
        postgres::migrate(&url).await.expect("migrate");
        // The pool is sized for the baseline's writers; the store itself
        // writes through one connection at a time (its batching writer).
        let store = Arc::new(
            PostgresStore::connect(&url, writers + 2)
                .await
                .expect("connect"),
        );
        let pool = store.pool().clone();
        let measured = append_with(store, writers, appends).await;
        let baseline = postgres_baseline(pool, writers, appends).await;
        row("postgres", writers, &measured, &baseline);
    }
}
