//! The embedded side: the store's appends against plain batched INSERTs of
//! the same rows into a copy of its `events` table in the same file.
//! SQLite lets one writer in at a time, so the baseline writes through one
//! connection (more would only queue on the file lock).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use commands::store::sqlite::SqliteStore;
use commands::store::{Append, EventStore};
use rusqlite::{Connection, params};

use super::load::{self, EVENTS_PER_APPEND, Measured, WriterOutcome};
use super::postgres::BASELINE_EVENTS_PER_TRANSACTION;

pub struct Embedded {
    path: PathBuf,
    pub store: Arc<dyn EventStore>,
    inserted: u64,
    acknowledged: HashMap<String, u64>,
}

fn open(path: &Path) -> Result<Connection, String> {
    let connection = Connection::open(path).map_err(|e| format!("open {}: {e}", path.display()))?;
    connection
        .busy_timeout(Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    // The store's own settings: WAL, and an fsync on every commit.
    connection
        .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
        .map_err(|e| e.to_string())?;
    Ok(connection)
}

impl Embedded {
    pub fn open(scratch: &Path) -> Result<Self, String> {
        let path = scratch.join("appends.sqlite3");
        let store = SqliteStore::open(&path).map_err(|e| format!("open the store: {e}"))?;
        let connection = open(&path)?;
        // The baseline table is the store's `events` table, renamed.
        let sql: String = connection
            .query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'events'",
                [],
                |row| row.get(0),
            )
            .map_err(|e| format!("read the events table's definition: {e}"))?;
        let copy = sql.replacen("events", "bench_baseline", 1);
        connection
            .execute_batch(&copy)
            .map_err(|e| format!("create the baseline table: {e}"))?;
        Ok(Embedded {
            path,
            store: Arc::new(store),
            inserted: 0,
            acknowledged: HashMap::new(),
        })
    }

    pub fn record(&mut self, outcomes: &[WriterOutcome]) {
        for outcome in outcomes {
            self.acknowledged
                .insert(outcome.procedure_id.clone(), outcome.acknowledged);
        }
    }

    /// One connection, [`BASELINE_EVENTS_PER_TRANSACTION`] rows per
    /// transaction, until `duration` is up.
    pub async fn baseline(&mut self, prefix: &str, duration: Duration) -> Result<Measured, String> {
        let path = self.path.clone();
        let prefix = prefix.to_owned();
        let first = self.inserted as i64 + 1;
        let measured = tokio::task::spawn_blocking(move || -> Result<Measured, String> {
            let mut connection = open(&path)?;
            let started = Instant::now();
            let deadline = started + duration;
            let mut latencies = Vec::new();
            let mut position = first;
            let mut transaction = 0usize;
            while Instant::now() < deadline {
                let procedure_id = format!("{prefix}-t{transaction}");
                let appends: Vec<Append> = (0..BASELINE_EVENTS_PER_TRANSACTION
                    / EVENTS_PER_APPEND)
                    .map(|i| load::append(&procedure_id, i))
                    .collect();
                let sent = Instant::now();
                let tx = connection.transaction().map_err(|e| e.to_string())?;
                {
                    let mut insert = tx
                        .prepare_cached(
                            "INSERT INTO bench_baseline (position, procedure_id, procedure_version, stream_id, \
                             stream_version, event_id, event_type, schema_version, data, metadata, recorded_at_us, \
                             prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                        )
                        .map_err(|e| e.to_string())?;
                    for append in &appends {
                        for (k, event) in append.events.iter().enumerate() {
                            let version = append.expected_version + k as u64 + 1;
                            let stream_version = if k == 0 {
                                append.expected_version / EVENTS_PER_APPEND as u64 + 1
                            } else {
                                1
                            };
                            let metadata = serde_json::to_string(&event.metadata)
                                .map_err(|e| e.to_string())?;
                            insert
                                .execute(params![
                                    position,
                                    append.procedure_id,
                                    version as i64,
                                    event.stream_id,
                                    stream_version as i64,
                                    event.event_id,
                                    event.event_type,
                                    event.schema_version,
                                    event.data.to_string(),
                                    metadata,
                                    event.recorded_at.timestamp_micros(),
                                    load::fake_hash(position as u64),
                                    load::fake_hash(position as u64 + 1),
                                ])
                                .map_err(|e| format!("baseline INSERT: {e}"))?;
                            position += 1;
                        }
                    }
                }
                tx.commit().map_err(|e| e.to_string())?;
                latencies.push(sent.elapsed());
                transaction += 1;
            }
            let elapsed = started.elapsed();
            Ok(Measured {
                events: (position - first) as u64,
                elapsed,
                latencies,
            })
        })
        .await
        .map_err(|e| format!("baseline task failed: {e}"))??;
        self.inserted += measured.events;
        Ok(measured)
    }

    /// Every acknowledged append is in the store at positions 1..=head
    /// without a gap, and every baseline row is in its table.
    pub async fn check(&self) -> Vec<String> {
        let head = match self.store.head().await {
            Ok(head) => head,
            Err(error) => return vec![format!("store head: {error}")],
        };
        let path = self.path.clone();
        let acknowledged = self.acknowledged.clone();
        let inserted = self.inserted;
        let checked = tokio::task::spawn_blocking(move || -> Result<Vec<String>, String> {
            let connection = open(&path)?;
            let mut problems = Vec::new();
            let (count, min, max): (i64, i64, i64) = connection
                .query_row(
                    "SELECT count(*), coalesce(min(position), 0), coalesce(max(position), 0) FROM events",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .map_err(|e| e.to_string())?;
            let total: u64 = acknowledged.values().sum();
            if count as u64 != total || max as u64 != head || count != max || min > 1 {
                problems.push(format!(
                    "embedded store: {total} events acknowledged, {count} stored at positions {min}..={max}, head {head}"
                ));
            }
            let mut statement = connection
                .prepare("SELECT count(*), coalesce(max(procedure_version), 0) FROM events WHERE procedure_id = ?1")
                .map_err(|e| e.to_string())?;
            for (procedure_id, &acknowledged) in &acknowledged {
                let (count, version): (i64, i64) = statement
                    .query_row([procedure_id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .map_err(|e| e.to_string())?;
                if count as u64 != acknowledged || version as u64 != acknowledged {
                    problems.push(format!(
                        "embedded store: {procedure_id} had {acknowledged} events acknowledged, {count} stored up to version {version}"
                    ));
                }
            }
            let rows: i64 = connection
                .query_row("SELECT count(*) FROM bench_baseline", [], |r| r.get(0))
                .map_err(|e| e.to_string())?;
            if rows as u64 != inserted {
                problems.push(format!(
                    "embedded baseline: {inserted} rows inserted, {rows} in the table"
                ));
            }
            Ok(problems)
        })
        .await;
        match checked {
            Ok(Ok(problems)) => problems,
            Ok(Err(error)) => vec![format!("check the embedded store: {error}")],
            Err(error) => vec![format!("check task failed: {error}")],
        }
    }
}
