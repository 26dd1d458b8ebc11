//! The PostgreSQL backend (production). Schema and reasoning: see
//! `docs/event-format.md` ("Global order without gaps").
//!
//! Gap-free commit order: every batch takes its positions from the one-row
//! `store_head` counter, which it updates after all its reads and locks; the
//! row lock is held until COMMIT, so a batch that took later positions can
//! only commit after the one that took earlier ones. A reader that resumes
//! with `position > cursor` therefore never skips a late commit, on the
//! primary and on replicas alike.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use futures_util::StreamExt;
use tokio::sync::{mpsc, watch};
use tokio_postgres::{AsyncMessage, NoTls, Row};

use super::hash::GENESIS_HASH;
use super::plan::{self, ExistingEvent, Lookups, ProcedureHead, StreamHead};
use super::writer::{self, WriteRequest};
use super::{Append, AppendError, Appended, EventStore, RecordedEvent, StoreError};

const BACKEND: &str = "postgres";
const CHANNEL: &str = "cdb_events";
/// How often a reader re-reads the head when no notification arrives (hot
/// standby replicas refuse LISTEN, so this is their only wake-up).
const POLL_INTERVAL: Duration = Duration::from_millis(200);

pub const SCHEMA_VERSION: i32 = 2;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS store_head (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    position bigint NOT NULL
);
INSERT INTO store_head (id, position) VALUES (true, 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS procedures (
    procedure_id text PRIMARY KEY,
    kind text NOT NULL,
    version bigint NOT NULL,
    head_hash text NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    position bigint PRIMARY KEY,
    procedure_id text NOT NULL,
    procedure_version bigint NOT NULL,
    stream_id text NOT NULL,
    stream_version bigint NOT NULL,
    event_id text NOT NULL,
    event_type text NOT NULL,
    schema_version integer NOT NULL,
    data jsonb NOT NULL,
    metadata jsonb NOT NULL,
    recorded_at timestamptz NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL,
    CONSTRAINT events_event_id_key UNIQUE (event_id),
    CONSTRAINT events_procedure_version_key UNIQUE (procedure_id, procedure_version),
    CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
);
CREATE OR REPLACE FUNCTION cdb_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only (% refused)', TG_OP;
END $$;
DROP TRIGGER IF EXISTS events_append_only ON events;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION cdb_events_append_only();
DROP TRIGGER IF EXISTS events_no_truncate ON events;
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION cdb_events_append_only();
INSERT INTO schema_migrations (version) VALUES (1) ON CONFLICT DO NOTHING;
-- 2: named counters for human-readable numbers (tenderID...).
CREATE TABLE IF NOT EXISTS sequences (
    name text PRIMARY KEY,
    value bigint NOT NULL
);
INSERT INTO schema_migrations (version) VALUES (2) ON CONFLICT DO NOTHING;
"#;

const EVENT_COLUMNS: &str = "position, procedure_id, procedure_version, stream_id, stream_version, \
     event_id, event_type, schema_version, data, metadata, recorded_at, prev_hash, hash";

/// The error with its causes, e.g. "error connecting to server: Connection refused".
fn unavailable(error: impl std::error::Error) -> StoreError {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    StoreError::Unavailable(message)
}

/// Parses a `postgres://` URL and adds the session limits that keep a stuck
/// session from holding the position counter forever.
pub fn config(url: &str) -> Result<tokio_postgres::Config, StoreError> {
    let mut config = tokio_postgres::Config::from_str(url)
        .map_err(|e| StoreError::Unavailable(format!("invalid PostgreSQL URL: {e}")))?;
    let mut options = config.get_options().unwrap_or_default().to_owned();
    options.push_str(
        " -c lock_timeout=10s -c statement_timeout=60s -c idle_in_transaction_session_timeout=60s",
    );
    config.options(options.trim());
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(5));
    }
    if config.get_application_name().is_none() {
        config.application_name("opencdb");
    }
    Ok(config)
}

/// Creates or upgrades the schema. Safe to run again and concurrently.
pub async fn migrate(url: &str) -> Result<(), StoreError> {
    let (client, connection) = config(url)?.connect(NoTls).await.map_err(unavailable)?;
    let driver = tokio::spawn(connection);
    // One migrator at a time, across processes.
    let result = async {
        client
            .batch_execute("SELECT pg_advisory_lock(7470811)")
            .await
            .map_err(unavailable)?;
        let applied = client.batch_execute(SCHEMA).await.map_err(unavailable);
        client
            .batch_execute("SELECT pg_advisory_unlock(7470811)")
            .await
            .map_err(unavailable)?;
        applied
    }
    .await;
    drop(client);
    let _ = driver.await;
    result
}

pub struct PostgresStore {
    pool: Pool,
    queue: mpsc::Sender<WriteRequest>,
    head: watch::Receiver<u64>,
    listener: tokio::task::JoinHandle<()>,
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

impl PostgresStore {
    /// Connects to a migrated database; refuses one without the schema.
    pub async fn connect(url: &str, pool_size: usize) -> Result<Self, StoreError> {
        let config = config(url)?;
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(pool_size.max(2))
            .build()
            .map_err(unavailable)?;
        let client = pool.get().await.map_err(unavailable)?;
        let version: Option<i32> = client
            .query_opt(
                "SELECT max(version) FROM schema_migrations WHERE to_regclass('schema_migrations') IS NOT NULL",
                &[],
            )
            .await
            .ok()
            .flatten()
            .and_then(|row| row.get(0));
        if version != Some(SCHEMA_VERSION) {
            return Err(StoreError::Unavailable(format!(
                "the database has no opencdb schema (version {SCHEMA_VERSION}); run `cdb migrate --store <url>` or start with --migrate"
            )));
        }
        let head = read_head(&client).await?;
        drop(client);

        let (head_tx, head_rx) = watch::channel(head);
        let (queue, requests) = mpsc::channel(4 * writer::MAX_BATCH);
        tokio::spawn(run_writer(pool.clone(), requests, head_tx.clone()));
        let listener = tokio::spawn(follow_head(config, pool.clone(), head_tx));
        Ok(PostgresStore {
            pool,
            queue,
            head: head_rx,
            listener,
        })
    }

    /// The connection pool (the benchmark's baseline uses the same one).
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    async fn query_events(
        &self,
        filter: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events {filter}");
        let statement = client.prepare_cached(&sql).await.map_err(unavailable)?;
        let rows = client
            .query(&statement, params)
            .await
            .map_err(unavailable)?;
        rows.iter().map(recorded_event).collect()
    }
}

fn publish(head_tx: &watch::Sender<u64>, new_head: u64) {
    head_tx.send_if_modified(|head| {
        let moved = new_head > *head;
        *head = (*head).max(new_head);
        moved
    });
}

async fn read_head(client: &tokio_postgres::Client) -> Result<u64, StoreError> {
    let row = client
        .query_one("SELECT position FROM store_head", &[])
        .await
        .map_err(unavailable)?;
    Ok(row.get::<_, i64>(0) as u64)
}

/// Keeps the head current when other processes write: LISTEN for their
/// NOTIFY, and poll as a fallback (and on replicas, which refuse LISTEN).
async fn follow_head(config: tokio_postgres::Config, pool: Pool, head_tx: watch::Sender<u64>) {
    let (wake_tx, mut wake) = mpsc::unbounded_channel::<()>();
    tokio::spawn(listen(config, wake_tx));
    loop {
        let _ = tokio::time::timeout(POLL_INTERVAL, wake.recv()).await;
        if head_tx.is_closed() {
            return;
        }
        if let Ok(client) = pool.get().await
            && let Ok(head) = read_head(&client).await
        {
            publish(&head_tx, head);
        }
    }
}

/// Forwards NOTIFYs on [`CHANNEL`] as wake-ups until the receiver is gone.
async fn listen(config: tokio_postgres::Config, wake_tx: mpsc::UnboundedSender<()>) {
    while !wake_tx.is_closed() {
        if let Ok((client, mut connection)) = config.connect(NoTls).await {
            let wake = wake_tx.clone();
            let driver = tokio::spawn(async move {
                let mut messages =
                    futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
                loop {
                    tokio::select! {
                        message = messages.next() => match message {
                            Some(Ok(AsyncMessage::Notification(_))) => { let _ = wake.send(()); }
                            Some(Ok(_)) => {}
                            Some(Err(_)) | None => return,
                        },
                        () = wake.closed() => return,
                    }
                }
            });
            if let Err(error) = client.batch_execute(&format!("LISTEN {CHANNEL}")).await {
                tracing::info!(%error, "LISTEN refused (replica?); following the head by polling");
                driver.abort();
                return;
            }
            // The client must outlive the driver for the LISTEN to stay active.
            let _ = driver.await;
            drop(client);
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Batches in flight at once. Their reads and writes overlap on separate
/// connections; commits still serialise on the `store_head` row, which is
/// what keeps positions gap-free in commit order.
const CONCURRENT_BATCHES: usize = 4;

async fn run_writer(
    pool: Pool,
    mut requests: mpsc::Receiver<WriteRequest>,
    head_tx: watch::Sender<u64>,
) {
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(CONCURRENT_BATCHES));
    let head_tx = std::sync::Arc::new(head_tx);
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let Some(first) = requests.recv().await else {
            return;
        };
        let batch = writer::drain(first, &mut requests);
        let pool = pool.clone();
        let head_tx = head_tx.clone();
        tokio::spawn(async move {
            let appends: Vec<Append> = batch.iter().map(|r| r.append.clone()).collect();
            let results = commit_batch(&pool, &appends).await;
            if let Some(last) = results
                .iter()
                .filter_map(|r| r.as_ref().ok())
                .map(|a| a.last_position)
                .max()
            {
                publish(&head_tx, last);
            }
            writer::answer(batch, results, BACKEND);
            drop(slot);
        });
    }
}

/// Commits a batch; if it fails as a whole (one bad append, or a deadlock
/// with another process), commits each append on its own instead.
async fn commit_batch(pool: &Pool, appends: &[Append]) -> Vec<Result<Appended, AppendError>> {
    match write_batch(pool, appends).await {
        Ok(results) => results,
        Err(error) if appends.len() == 1 => vec![Err(error.into())],
        Err(error) => {
            tracing::warn!(%error, appends = appends.len(), "batch failed, committing its appends one by one");
            let mut results = Vec::with_capacity(appends.len());
            for append in appends {
                let result = match write_batch(pool, std::slice::from_ref(append)).await {
                    Ok(mut one) => one.pop().unwrap_or(Err(StoreError::Closed.into())),
                    Err(error) => Err(error.into()),
                };
                results.push(result);
            }
            results
        }
    }
}

type Param<'a> = dyn tokio_postgres::types::ToSql + Sync + 'a;

const SELECT_EXISTING: &str = "SELECT event_id, position, procedure_id, procedure_version FROM events WHERE event_id = ANY($1)";
const INSERT_PLACEHOLDERS: &str = "INSERT INTO procedures (procedure_id, kind, version, head_hash) \
     SELECT id, '', 0, $2 FROM unnest($1::text[]) AS id ORDER BY id ON CONFLICT DO NOTHING";
const LOCK_PROCEDURES: &str = "SELECT procedure_id, kind, version, head_hash FROM procedures \
     WHERE procedure_id = ANY($1) ORDER BY procedure_id FOR UPDATE";
const STREAM_HEADS: &str = "SELECT s.id, e.procedure_id, e.stream_version FROM unnest($1::text[]) AS s(id) \
     JOIN LATERAL (SELECT procedure_id, stream_version FROM events \
                   WHERE stream_id = s.id ORDER BY stream_version DESC LIMIT 1) e ON true";
const TAKE_POSITIONS: &str = "UPDATE store_head SET position = position + $1 RETURNING position";
const UPDATE_PROCEDURES: &str = "UPDATE procedures p SET kind = u.kind, version = u.version, head_hash = u.head_hash \
     FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) AS u(id, kind, version, head_hash) \
     WHERE p.procedure_id = u.id";
const NOTIFY: &str = "SELECT pg_notify($1, $2)";
const DROP_PLACEHOLDERS: &str =
    "DELETE FROM procedures WHERE procedure_id = ANY($1) AND version = 0";

fn insert_events_sql() -> String {
    format!(
        "INSERT INTO events ({EVENT_COLUMNS}) \
         SELECT p, pi, pv, si, sv, ei, et, sc, d::jsonb, m::jsonb, ra, ph, h \
         FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::text[], \
                     $7::text[], $8::int[], $9::text[], $10::text[], $11::timestamptz[], $12::text[], $13::text[]) \
              AS u(p, pi, pv, si, sv, ei, et, sc, d, m, ra, ph, h)"
    )
}

/// One batch in one transaction. Round trips are what an append costs on
/// PostgreSQL, so statements are prepared once per connection (cached) and
/// the independent ones are pipelined: the reads go out together, and so do
/// the writes after the positions are taken. tokio-postgres sends pipelined
/// requests in the order they are first polled, which `try_join!` keeps, so
/// the placeholders exist before the lock and the versions are updated
/// before the placeholders are dropped.
async fn write_batch(
    pool: &Pool,
    appends: &[Append],
) -> Result<Vec<Result<Appended, AppendError>>, StoreError> {
    let client = pool.get().await.map_err(unavailable)?;
    let result = write_in_transaction(&client, appends).await;
    if result.is_err() {
        // Leave no transaction open on a pooled connection. After a failed
        // statement the pipelined COMMIT already acted as a ROLLBACK, and
        // this one is then a harmless no-op.
        let _ = client.batch_execute("ROLLBACK").await;
    }
    result
}

/// BEGIN goes out with the reads and COMMIT with the writes, so a batch
/// costs three round trips: reads, positions, writes. A COMMIT that follows
/// a failed statement in the same pipeline rolls back, and the failure is
/// reported by that statement's future.
async fn write_in_transaction(
    tx: &deadpool_postgres::Client,
    appends: &[Append],
) -> Result<Vec<Result<Appended, AppendError>>, StoreError> {
    let insert_sql = insert_events_sql();
    let (select_existing, insert_placeholders, lock_procedures, stream_heads) =
        futures_util::try_join!(
            tx.prepare_cached(SELECT_EXISTING),
            tx.prepare_cached(INSERT_PLACEHOLDERS),
            tx.prepare_cached(LOCK_PROCEDURES),
            tx.prepare_cached(STREAM_HEADS),
        )
        .map_err(unavailable)?;
    let (take_positions, insert_events, update_procedures, notify, drop_placeholders) =
        futures_util::try_join!(
            tx.prepare_cached(TAKE_POSITIONS),
            tx.prepare_cached(&insert_sql),
            tx.prepare_cached(UPDATE_PROCEDURES),
            tx.prepare_cached(NOTIFY),
            tx.prepare_cached(DROP_PLACEHOLDERS),
        )
        .map_err(unavailable)?;
    let keys = plan::keys(appends);
    let mut lookups = Lookups::default();

    // Placeholder rows (version 0) for new procedures, so that every
    // procedure of the batch has a row to lock; two processes creating the
    // same procedure then serialise on it and the second sees a conflict.
    let new_ids: Vec<&str> = {
        let mut ids: Vec<&str> = appends
            .iter()
            .filter(|a| a.expected_version == 0)
            .map(|a| a.procedure_id.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let placeholders = async {
        if new_ids.is_empty() {
            Ok(0)
        } else {
            tx.execute(&insert_placeholders, &[&new_ids, &GENESIS_HASH])
                .await
        }
    };
    let existing_params: [&Param<'_>; 1] = [&keys.event_ids];
    let procedure_params: [&Param<'_>; 1] = [&keys.procedure_ids];
    let stream_params: [&Param<'_>; 1] = [&keys.stream_ids];
    // Existing events are looked up after the procedures are locked: in
    // READ COMMITTED each statement sees what committed before it started,
    // so a copy of this append committed by a concurrent batch while we
    // waited for the lock is found (an idempotent retry, not a conflict).
    let (_, _, procedures, existing, streams) = futures_util::try_join!(
        tx.batch_execute("BEGIN"),
        placeholders,
        tx.query(&lock_procedures, &procedure_params),
        tx.query(&select_existing, &existing_params),
        tx.query(&stream_heads, &stream_params),
    )
    .map_err(unavailable)?;
    for row in existing {
        lookups.existing_events.insert(
            row.get(0),
            ExistingEvent {
                position: row.get::<_, i64>(1) as u64,
                procedure_id: row.get(2),
                procedure_version: row.get::<_, i64>(3) as u64,
            },
        );
    }
    for row in procedures {
        let version = row.get::<_, i64>(2) as u64;
        if version > 0 {
            lookups.procedures.insert(
                row.get(0),
                ProcedureHead {
                    kind: row.get(1),
                    version,
                    head_hash: row.get(3),
                },
            );
        }
    }
    for row in streams {
        lookups.streams.insert(
            row.get(0),
            StreamHead {
                procedure_id: row.get(1),
                version: row.get::<_, i64>(2) as u64,
            },
        );
    }

    let mut plan = plan::plan(appends, &lookups);
    if !plan.is_empty() {
        // Taken last: the counter's row lock is what orders commits.
        let head: i64 = tx
            .query_one(&take_positions, &[&(plan.len() as i64)])
            .await
            .map_err(unavailable)?
            .get(0);
        let updates = plan.finalize(head as u64 - plan.len() as u64);
        let rows = EventColumns::of(&plan.rows)?;
        let ids: Vec<&str> = updates.iter().map(|u| u.procedure_id.as_str()).collect();
        let kinds: Vec<&str> = updates.iter().map(|u| u.kind.as_str()).collect();
        let versions: Vec<i64> = updates.iter().map(|u| u.version as i64).collect();
        let hashes: Vec<&str> = updates.iter().map(|u| u.head_hash.as_str()).collect();
        let head_text = head.to_string();
        let event_params = rows.params();
        let update_params: [&Param<'_>; 4] = [&ids, &kinds, &versions, &hashes];
        let notify_params: [&Param<'_>; 2] = [&CHANNEL, &head_text];
        // NOTIFY goes out right after COMMIT, outside the transaction: a
        // NOTIFY inside it would take PostgreSQL's global notify-queue lock
        // at commit and serialise every committing session behind it.
        futures_util::try_join!(
            tx.execute(&insert_events, &event_params),
            tx.execute(&update_procedures, &update_params),
            async {
                if new_ids.is_empty() {
                    Ok(0)
                } else {
                    tx.execute(&drop_placeholders, &[&new_ids]).await
                }
            },
            tx.batch_execute("COMMIT"),
            tx.execute(&notify, &notify_params),
        )
        .map_err(unavailable)?;
    } else {
        let drop_params: [&Param<'_>; 1] = [&new_ids];
        futures_util::try_join!(
            async {
                if new_ids.is_empty() {
                    Ok(0)
                } else {
                    tx.execute(&drop_placeholders, &drop_params).await
                }
            },
            tx.batch_execute("COMMIT"),
        )
        .map_err(unavailable)?;
    }
    Ok(plan.results())
}

/// The events of a batch as column arrays, for one `INSERT … SELECT unnest(…)`.
struct EventColumns<'r> {
    positions: Vec<i64>,
    procedure_ids: Vec<&'r str>,
    procedure_versions: Vec<i64>,
    stream_ids: Vec<&'r str>,
    stream_versions: Vec<i64>,
    event_ids: Vec<&'r str>,
    event_types: Vec<&'r str>,
    schema_versions: Vec<i32>,
    data: Vec<String>,
    metadata: Vec<String>,
    recorded_at: Vec<DateTime<Utc>>,
    prev_hashes: Vec<&'r str>,
    hashes: Vec<&'r str>,
}

impl<'r> EventColumns<'r> {
    fn of(rows: &'r [RecordedEvent]) -> Result<Self, StoreError> {
        Ok(EventColumns {
            positions: rows.iter().map(|r| r.position as i64).collect(),
            procedure_ids: rows.iter().map(|r| r.procedure_id.as_str()).collect(),
            procedure_versions: rows.iter().map(|r| r.procedure_version as i64).collect(),
            stream_ids: rows.iter().map(|r| r.stream_id.as_str()).collect(),
            stream_versions: rows.iter().map(|r| r.stream_version as i64).collect(),
            event_ids: rows.iter().map(|r| r.event_id.as_str()).collect(),
            event_types: rows.iter().map(|r| r.event_type.as_str()).collect(),
            schema_versions: rows.iter().map(|r| r.schema_version as i32).collect(),
            data: rows.iter().map(|r| r.data.to_string()).collect(),
            metadata: rows
                .iter()
                .map(|r| serde_json::to_string(&r.metadata).map_err(unavailable))
                .collect::<Result<_, _>>()?,
            recorded_at: rows.iter().map(|r| r.recorded_at).collect(),
            prev_hashes: rows.iter().map(|r| r.prev_hash.as_str()).collect(),
            hashes: rows.iter().map(|r| r.hash.as_str()).collect(),
        })
    }

    fn params(&self) -> [&Param<'_>; 13] {
        [
            &self.positions,
            &self.procedure_ids,
            &self.procedure_versions,
            &self.stream_ids,
            &self.stream_versions,
            &self.event_ids,
            &self.event_types,
            &self.schema_versions,
            &self.data,
            &self.metadata,
            &self.recorded_at,
            &self.prev_hashes,
            &self.hashes,
        ]
    }
}

fn recorded_event(row: &Row) -> Result<RecordedEvent, StoreError> {
    let corrupt = |e: serde_json::Error| StoreError::Corrupt(e.to_string());
    Ok(RecordedEvent {
        position: row.get::<_, i64>(0) as u64,
        procedure_id: row.get(1),
        procedure_version: row.get::<_, i64>(2) as u64,
        stream_id: row.get(3),
        stream_version: row.get::<_, i64>(4) as u64,
        event_id: row.get(5),
        event_type: row.get(6),
        schema_version: row.get::<_, i32>(7) as u32,
        data: row.get(8),
        metadata: serde_json::from_value(row.get(9)).map_err(corrupt)?,
        recorded_at: row.get(10),
        prev_hash: row.get(11),
        hash: row.get(12),
    })
}

#[async_trait]
impl EventStore for PostgresStore {
    async fn append(&self, append: Append) -> Result<Appended, AppendError> {
        writer::submit(&self.queue, append).await
    }

    async fn read_procedure(&self, procedure_id: &str) -> Result<Vec<RecordedEvent>, StoreError> {
        self.query_events(
            "WHERE procedure_id = $1 ORDER BY procedure_version",
            &[&procedure_id],
        )
        .await
    }

    async fn read_procedure_after(
        &self,
        procedure_id: &str,
        after: u64,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        self.query_events(
            "WHERE procedure_id = $1 AND procedure_version > $2 ORDER BY procedure_version",
            &[&procedure_id, &after],
        )
        .await
    }

    async fn read_stream(&self, stream_id: &str) -> Result<Vec<RecordedEvent>, StoreError> {
        self.query_events(
            "WHERE stream_id = $1 ORDER BY stream_version",
            &[&stream_id],
        )
        .await
    }

    async fn read_all(&self, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        let after = after as i64;
        let limit = limit.min(i64::MAX as usize) as i64;
        self.query_events(
            "WHERE position > $1 ORDER BY position LIMIT $2",
            &[&after, &limit],
        )
        .await
    }

    async fn head(&self) -> Result<u64, StoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        read_head(&client).await
    }

    async fn procedure_kind(&self, procedure_id: &str) -> Result<Option<String>, StoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        // Version 0 is a placeholder row of a creation in progress (see
        // `write_batch`): that procedure does not exist (yet).
        let statement = client
            .prepare_cached("SELECT kind FROM procedures WHERE procedure_id = $1 AND version > 0")
            .await
            .map_err(unavailable)?;
        let row = client
            .query_opt(&statement, &[&procedure_id])
            .await
            .map_err(unavailable)?;
        Ok(row.map(|row| row.get(0)))
    }

    async fn procedure_kinds(
        &self,
        procedure_ids: &[String],
    ) -> Result<std::collections::HashMap<String, String>, StoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        let statement = client
            .prepare_cached(
                "SELECT procedure_id, kind FROM procedures \
                 WHERE procedure_id = ANY($1) AND version > 0",
            )
            .await
            .map_err(unavailable)?;
        let rows = client
            .query(&statement, &[&procedure_ids])
            .await
            .map_err(unavailable)?;
        Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
    }

    async fn kinds_in_log(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        let rows = client
            .query(
                "SELECT p.kind, MIN(e.position) FROM procedures p \
                 JOIN events e ON e.procedure_id = p.procedure_id AND e.procedure_version = 1 \
                 WHERE p.version > 0 GROUP BY p.kind ORDER BY 2",
                &[],
            )
            .await
            .map_err(unavailable)?;
        Ok(rows
            .iter()
            .map(|row| (row.get(0), row.get::<_, i64>(1) as u64))
            .collect())
    }

    async fn reserve_in_sequence(&self, name: &str, count: u64) -> Result<u64, StoreError> {
        let count = i64::try_from(count.max(1))
            .map_err(|_| StoreError::Unavailable(format!("cannot reserve {count} numbers")))?;
        let client = self.pool.get().await.map_err(unavailable)?;
        // One statement, its own transaction: the row lock makes concurrent
        // callers (in any process) take turns, and each sees the value the
        // previous one committed.
        let statement = client
            .prepare_cached(
                "INSERT INTO sequences (name, value) VALUES ($1, $2) \
                 ON CONFLICT (name) DO UPDATE SET value = sequences.value + $2 RETURNING value",
            )
            .await
            .map_err(unavailable)?;
        let value: i64 = client
            .query_one(&statement, &[&name, &count])
            .await
            .map_err(unavailable)?
            .get(0);
        u64::try_from(value - count + 1)
            .map_err(|_| StoreError::Corrupt(format!("sequence {name} is at {value}")))
    }

    fn subscribe(&self) -> watch::Receiver<u64> {
        self.head.clone()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.head().await.map(drop)
    }

    fn backend(&self) -> &'static str {
        BACKEND
    }
}
