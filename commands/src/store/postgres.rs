//! The PostgreSQL backend (production). Schema and reasoning: see
//! `docs/event-format.md` and `shared/notes/store.md`.
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

pub const SCHEMA_VERSION: i32 = 1;

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

async fn run_writer(
    pool: Pool,
    mut requests: mpsc::Receiver<WriteRequest>,
    head_tx: watch::Sender<u64>,
) {
    while let Some(first) = requests.recv().await {
        let batch = writer::drain(first, &mut requests);
        let appends: Vec<Append> = batch.iter().map(|r| r.append.clone()).collect();
        let results = match write_batch(&pool, &appends).await {
            Ok(results) => results,
            Err(error) if appends.len() == 1 => vec![Err(error.into())],
            Err(error) => {
                // One append (or a deadlock with another process) failed the
                // whole transaction: commit each append on its own instead.
                tracing::warn!(%error, appends = appends.len(), "batch failed, committing its appends one by one");
                let mut results = Vec::with_capacity(appends.len());
                for append in &appends {
                    let result = match write_batch(&pool, std::slice::from_ref(append)).await {
                        Ok(mut one) => one.pop().unwrap_or(Err(StoreError::Closed.into())),
                        Err(error) => Err(error.into()),
                    };
                    results.push(result);
                }
                results
            }
        };
        if let Some(last) = results
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|a| a.last_position)
            .max()
        {
            publish(&head_tx, last);
        }
        writer::answer(batch, results, BACKEND);
    }
}

async fn write_batch(
    pool: &Pool,
    appends: &[Append],
) -> Result<Vec<Result<Appended, AppendError>>, StoreError> {
    let mut client = pool.get().await.map_err(unavailable)?;
    let tx = client.transaction().await.map_err(unavailable)?;
    let keys = plan::keys(appends);
    let mut lookups = Lookups::default();

    let existing = tx
        .query(
            "SELECT event_id, position, procedure_id, procedure_version FROM events WHERE event_id = ANY($1)",
            &[&keys.event_ids],
        )
        .await
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
    if !new_ids.is_empty() {
        tx.execute(
            "INSERT INTO procedures (procedure_id, kind, version, head_hash) \
             SELECT id, '', 0, $2 FROM unnest($1::text[]) AS id ORDER BY id ON CONFLICT DO NOTHING",
            &[&new_ids, &GENESIS_HASH],
        )
        .await
        .map_err(unavailable)?;
    }
    let procedures = tx
        .query(
            "SELECT procedure_id, kind, version, head_hash FROM procedures \
             WHERE procedure_id = ANY($1) ORDER BY procedure_id FOR UPDATE",
            &[&keys.procedure_ids],
        )
        .await
        .map_err(unavailable)?;
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
    let streams = tx
        .query(
            "SELECT s.id, e.procedure_id, e.stream_version FROM unnest($1::text[]) AS s(id) \
             JOIN LATERAL (SELECT procedure_id, stream_version FROM events \
                           WHERE stream_id = s.id ORDER BY stream_version DESC LIMIT 1) e ON true",
            &[&keys.stream_ids],
        )
        .await
        .map_err(unavailable)?;
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
            .query_one(
                "UPDATE store_head SET position = position + $1 RETURNING position",
                &[&(plan.len() as i64)],
            )
            .await
            .map_err(unavailable)?
            .get(0);
        let updates = plan.finalize(head as u64 - plan.len() as u64);
        insert_events(&tx, &plan.rows).await?;
        let ids: Vec<&str> = updates.iter().map(|u| u.procedure_id.as_str()).collect();
        let kinds: Vec<&str> = updates.iter().map(|u| u.kind.as_str()).collect();
        let versions: Vec<i64> = updates.iter().map(|u| u.version as i64).collect();
        let hashes: Vec<&str> = updates.iter().map(|u| u.head_hash.as_str()).collect();
        tx.execute(
            "UPDATE procedures p SET kind = u.kind, version = u.version, head_hash = u.head_hash \
             FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) AS u(id, kind, version, head_hash) \
             WHERE p.procedure_id = u.id",
            &[&ids, &kinds, &versions, &hashes],
        )
        .await
        .map_err(unavailable)?;
        tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &head.to_string()])
            .await
            .map_err(unavailable)?;
    }
    if !new_ids.is_empty() {
        tx.execute(
            "DELETE FROM procedures WHERE procedure_id = ANY($1) AND version = 0",
            &[&new_ids],
        )
        .await
        .map_err(unavailable)?;
    }
    let results = plan.results();
    tx.commit().await.map_err(unavailable)?;
    Ok(results)
}

async fn insert_events(
    tx: &tokio_postgres::Transaction<'_>,
    rows: &[RecordedEvent],
) -> Result<(), StoreError> {
    let positions: Vec<i64> = rows.iter().map(|r| r.position as i64).collect();
    let procedure_ids: Vec<&str> = rows.iter().map(|r| r.procedure_id.as_str()).collect();
    let procedure_versions: Vec<i64> = rows.iter().map(|r| r.procedure_version as i64).collect();
    let stream_ids: Vec<&str> = rows.iter().map(|r| r.stream_id.as_str()).collect();
    let stream_versions: Vec<i64> = rows.iter().map(|r| r.stream_version as i64).collect();
    let event_ids: Vec<&str> = rows.iter().map(|r| r.event_id.as_str()).collect();
    let event_types: Vec<&str> = rows.iter().map(|r| r.event_type.as_str()).collect();
    let schema_versions: Vec<i32> = rows.iter().map(|r| r.schema_version as i32).collect();
    let data: Vec<String> = rows.iter().map(|r| r.data.to_string()).collect();
    let metadata: Vec<String> = rows
        .iter()
        .map(|r| serde_json::to_string(&r.metadata).map_err(unavailable))
        .collect::<Result<_, _>>()?;
    let recorded_at: Vec<DateTime<Utc>> = rows.iter().map(|r| r.recorded_at).collect();
    let prev_hashes: Vec<&str> = rows.iter().map(|r| r.prev_hash.as_str()).collect();
    let hashes: Vec<&str> = rows.iter().map(|r| r.hash.as_str()).collect();
    tx.execute(
        &format!(
            "INSERT INTO events ({EVENT_COLUMNS}) \
             SELECT p, pi, pv, si, sv, ei, et, sc, d::jsonb, m::jsonb, ra, ph, h \
             FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::text[], \
                         $7::text[], $8::int[], $9::text[], $10::text[], $11::timestamptz[], $12::text[], $13::text[]) \
                  AS u(p, pi, pv, si, sv, ei, et, sc, d, m, ra, ph, h)"
        ),
        &[
            &positions,
            &procedure_ids,
            &procedure_versions,
            &stream_ids,
            &stream_versions,
            &event_ids,
            &event_types,
            &schema_versions,
            &data,
            &metadata,
            &recorded_at,
            &prev_hashes,
            &hashes,
        ],
    )
    .await
    .map_err(unavailable)?;
    Ok(())
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
