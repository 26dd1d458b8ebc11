//! The PostgreSQL side: the store's appends against the batched-INSERT limit
//! of the same rows on the same server, measured in the same run.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use commands::store::postgres::{self, PostgresStore};
use commands::store::{Append, EventStore};
use tokio_postgres::NoTls;
use tokio_postgres::types::ToSql;

use super::load::{self, EVENTS_PER_APPEND, Measured, WriterOutcome};

/// Connections of the baseline, and events per baseline transaction (the
/// issue's batched-INSERT limit: 8 connections, 100 events a transaction).
pub const BASELINE_CONNECTIONS: usize = 8;
pub const BASELINE_EVENTS_PER_TRANSACTION: usize = 100;
/// The store's pool: its writer keeps a few batches in flight, the head
/// follower needs one more.
const STORE_POOL: usize = 8;

const COLUMNS: &str = "position, procedure_id, procedure_version, stream_id, stream_version, \
     event_id, event_type, schema_version, data, metadata, recorded_at, prev_hash, hash";
const COLUMNS_PER_ROW: usize = 13;

pub struct Postgres {
    url: String,
    pub store: Arc<dyn EventStore>,
    positions: Arc<AtomicI64>,
    /// What every store writer had acknowledged, over all rounds.
    acknowledged: HashMap<String, u64>,
}

async fn connect(url: &str) -> Result<tokio_postgres::Client, String> {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .map_err(|e| format!("cannot connect to the benchmark database: {e}"))?;
    tokio::spawn(connection);
    Ok(client)
}

impl Postgres {
    /// A migrated, fresh database with the store open on it, and the
    /// baseline's table: a copy of `events` with its constraints and indexes.
    pub async fn open(url: String) -> Result<Self, String> {
        postgres::migrate(&url)
            .await
            .map_err(|e| format!("migrate: {e}"))?;
        let store = PostgresStore::connect(&url, STORE_POOL)
            .await
            .map_err(|e| format!("open the store: {e}"))?;
        connect(&url)
            .await?
            .batch_execute("CREATE TABLE bench_baseline (LIKE events INCLUDING ALL)")
            .await
            .map_err(|e| format!("create the baseline table: {e}"))?;
        Ok(Postgres {
            url,
            store: Arc::new(store),
            positions: Arc::new(AtomicI64::new(0)),
            acknowledged: HashMap::new(),
        })
    }

    pub fn record(&mut self, outcomes: &[WriterOutcome]) {
        for outcome in outcomes {
            self.acknowledged
                .insert(outcome.procedure_id.clone(), outcome.acknowledged);
        }
    }

    /// The baseline: [`BASELINE_CONNECTIONS`] connections, each inserting
    /// [`BASELINE_EVENTS_PER_TRANSACTION`] rows per multi-row `INSERT`
    /// (one autocommitted transaction each) until `duration` is up.
    pub async fn baseline(&self, prefix: &str, duration: Duration) -> Result<Measured, String> {
        let values: Vec<String> = (0..BASELINE_EVENTS_PER_TRANSACTION)
            .map(|row| {
                let n = row * COLUMNS_PER_ROW;
                let p = |i: usize| format!("${}", n + i);
                format!(
                    "({}, {}, {}, {}, {}, {}, {}, {}, {}::text::jsonb, {}::text::jsonb, {}, {}, {})",
                    p(1),
                    p(2),
                    p(3),
                    p(4),
                    p(5),
                    p(6),
                    p(7),
                    p(8),
                    p(9),
                    p(10),
                    p(11),
                    p(12),
                    p(13)
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO bench_baseline ({COLUMNS}) VALUES {}",
            values.join(", ")
        );
        let started = Instant::now();
        let deadline = started + duration;
        let mut tasks = Vec::with_capacity(BASELINE_CONNECTIONS);
        for connection in 0..BASELINE_CONNECTIONS {
            let client = connect(&self.url).await?;
            let statement = client
                .prepare(&sql)
                .await
                .map_err(|e| format!("prepare the baseline INSERT: {e}"))?;
            let positions = Arc::clone(&self.positions);
            let prefix = format!("{prefix}-c{connection}");
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut events = 0u64;
                let mut transaction = 0usize;
                while Instant::now() < deadline {
                    let procedure_id = format!("{prefix}-t{transaction}");
                    let appends: Vec<Append> = (0..BASELINE_EVENTS_PER_TRANSACTION
                        / EVENTS_PER_APPEND)
                        .map(|i| load::append(&procedure_id, i))
                        .collect();
                    let first = positions
                        .fetch_add(BASELINE_EVENTS_PER_TRANSACTION as i64, Ordering::Relaxed)
                        + 1;
                    let params = row_params(&appends, first)?;
                    let refs: Vec<&(dyn ToSql + Sync)> = params
                        .iter()
                        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
                        .collect();
                    let sent = Instant::now();
                    client
                        .execute(&statement, &refs)
                        .await
                        .map_err(|e| format!("baseline INSERT: {e}"))?;
                    latencies.push(sent.elapsed());
                    events += BASELINE_EVENTS_PER_TRANSACTION as u64;
                    transaction += 1;
                }
                Ok::<_, String>((events, latencies))
            }));
        }
        let mut events = 0;
        let mut latencies = Vec::new();
        for task in tasks {
            let (n, l) = task
                .await
                .map_err(|e| format!("baseline task failed: {e}"))??;
            events += n;
            latencies.extend(l);
        }
        let elapsed = started.elapsed();
        latencies.sort_unstable();
        Ok(Measured {
            events,
            elapsed,
            latencies,
        })
    }

    /// Every acknowledged append is in the store, at positions 1..=head
    /// without a gap, and every baseline row is in its table.
    pub async fn check(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let client = match connect(&self.url).await {
            Ok(client) => client,
            Err(error) => return vec![error],
        };
        let head = match self.store.head().await {
            Ok(head) => head,
            Err(error) => return vec![format!("store head: {error}")],
        };
        match client
            .query_one(
                "SELECT count(*), coalesce(min(position), 0), coalesce(max(position), 0) FROM events",
                &[],
            )
            .await
        {
            Ok(row) => {
                let (count, min, max): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
                let acknowledged: u64 = self.acknowledged.values().sum();
                if count as u64 != acknowledged || max as u64 != head || count != max || min > 1 {
                    problems.push(format!(
                        "postgres store: {acknowledged} events acknowledged, {count} stored at positions {min}..={max}, head {head}"
                    ));
                }
            }
            Err(error) => problems.push(format!("count the store's events: {error}")),
        }
        match client
            .query(
                "SELECT procedure_id, count(*), max(procedure_version) FROM events GROUP BY procedure_id",
                &[],
            )
            .await
        {
            Ok(rows) => {
                let stored: HashMap<String, (i64, i64)> = rows
                    .iter()
                    .map(|r| (r.get(0), (r.get(1), r.get(2))))
                    .collect();
                for (procedure_id, &acknowledged) in &self.acknowledged {
                    let (count, version) = stored.get(procedure_id).copied().unwrap_or((0, 0));
                    if count as u64 != acknowledged || version as u64 != acknowledged {
                        problems.push(format!(
                            "postgres store: {procedure_id} had {acknowledged} events acknowledged, {count} stored up to version {version}"
                        ));
                    }
                }
            }
            Err(error) => problems.push(format!("count the store's procedures: {error}")),
        }
        match client
            .query_one("SELECT count(*) FROM bench_baseline", &[])
            .await
        {
            Ok(row) => {
                let count: i64 = row.get(0);
                let inserted = self.positions.load(Ordering::Relaxed);
                if count != inserted {
                    problems.push(format!(
                        "postgres baseline: {inserted} rows inserted, {count} in the table"
                    ));
                }
            }
            Err(error) => problems.push(format!("count the baseline rows: {error}")),
        }
        problems
    }
}

type Param = Box<dyn ToSql + Sync + Send>;

/// The parameters of one baseline INSERT: the rows the store would write for
/// these appends, at positions from `first` on.
fn row_params(appends: &[Append], first: i64) -> Result<Vec<Param>, String> {
    let mut params: Vec<Param> =
        Vec::with_capacity(BASELINE_EVENTS_PER_TRANSACTION * COLUMNS_PER_ROW);
    let mut position = first;
    for append in appends {
        for (k, event) in append.events.iter().enumerate() {
            let version = (append.expected_version + k as u64 + 1) as i64;
            let stream_version = if k == 0 {
                append.expected_version as i64 / EVENTS_PER_APPEND as i64 + 1
            } else {
                1
            };
            let metadata = serde_json::to_string(&event.metadata).map_err(|e| e.to_string())?;
            params.push(Box::new(position));
            params.push(Box::new(append.procedure_id.clone()));
            params.push(Box::new(version));
            params.push(Box::new(event.stream_id.clone()));
            params.push(Box::new(stream_version));
            params.push(Box::new(event.event_id.clone()));
            params.push(Box::new(event.event_type.clone()));
            params.push(Box::new(event.schema_version as i32));
            params.push(Box::new(event.data.to_string()));
            params.push(Box::new(metadata));
            params.push(Box::new(event.recorded_at));
            params.push(Box::new(load::fake_hash(position as u64)));
            params.push(Box::new(load::fake_hash(position as u64 + 1)));
            position += 1;
        }
    }
    Ok(params)
}
