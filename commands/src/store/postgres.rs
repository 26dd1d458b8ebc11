//! The PostgreSQL backend (production). Schema and reasoning: see
//! `docs/event-format.md` ("Global order without gaps").
//!
//! Gap-free commit order: every batch takes its positions from the one-row
//! `store_head` counter, which it updates after all its reads and locks;
//! the row lock is held until COMMIT, so a batch that took later
//! positions can only commit after the one that took earlier ones. A reader
//! that resumes with `position > cursor` therefore never skips a late
//! commit, on the primary and on replicas alike.
//!
//! Holding that lock is the one thing batches cannot do in parallel, so a
//! batch holds it only while the server writes and commits its events,
//! never across a round trip to this process: within a process, batches take
//! [`Turns`] at the counter, and a batch learns the head it will follow
//! from the batch before it, as soon as that one has updated the counter.
//! It reads, plans and chains its hashes while the batches before it
//! commit, then sends the counter update and its writes in one round trip;
//! the update moves the counter only if it still holds the expected head
//! (another process may have moved it); if not, the batch is written again
//! with positions taken from the counter first ([`Positions::Counter`]).

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use futures_util::StreamExt;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, watch};
use tokio_postgres::{AsyncMessage, NoTls, Row, Statement};

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
/// connections; only their COMMITs serialise, on the `store_head` row.
/// Two keep one batch reading and hashing while the other commits; more
/// split the waiting appends into smaller batches, each with a COMMIT of
/// its own in the serialised part (measured with `cdb bench --only
/// appends`, see docs/benchmarks.md).
const CONCURRENT_BATCHES: usize = 2;

async fn run_writer(
    pool: Pool,
    mut requests: mpsc::Receiver<WriteRequest>,
    head_tx: watch::Sender<u64>,
) {
    let slots = Arc::new(tokio::sync::Semaphore::new(CONCURRENT_BATCHES));
    let head_tx = Arc::new(head_tx);
    let turns = Arc::new(Turns::default());
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
        let turns = turns.clone();
        tokio::spawn(async move {
            let appends: Vec<Append> = batch.iter().map(|r| r.append.clone()).collect();
            let results = commit_batch(&pool, &turns, &appends).await;
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

/// The order in which this process's batches update the counter. A batch
/// takes its turn once it holds every lock it needs except the counter's
/// (so a batch never waits for one behind it), and hands the head it
/// reached to the batch after it. Each turn also comes with a guess of the
/// head it will follow, so that a batch can chain its hashes before its
/// turn comes; the guess is checked when the turn comes, never trusted.
#[derive(Default)]
struct Turns {
    state: std::sync::Mutex<TurnState>,
}

#[derive(Default)]
struct TurnState {
    last: Option<oneshot::Receiver<u64>>,
    /// The head after every batch that has taken a turn, if known.
    next_guess: Option<u64>,
    /// Turns taken and not yet finished: (ticket, events).
    waiting: std::collections::VecDeque<(u64, u64)>,
    tickets: u64,
}

struct Turn<'t> {
    turns: &'t Turns,
    ticket: u64,
    previous: Option<oneshot::Receiver<u64>>,
    guess: Option<u64>,
    /// Sent the head once this batch has updated the counter; dropped
    /// (when the turn is), which tells the next batch the head is unknown.
    done: Option<oneshot::Sender<u64>>,
}

impl Turns {
    fn state(&self) -> std::sync::MutexGuard<'_, TurnState> {
        // A poisoned lock only means a batch panicked while holding it;
        // the state it left is still consistent (and only guesses).
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn take(&self, events: u64) -> Turn<'_> {
        let (done, next) = oneshot::channel();
        let mut state = self.state();
        let ticket = state.tickets;
        state.tickets += 1;
        state.waiting.push_back((ticket, events));
        let guess = state.next_guess;
        state.next_guess = guess.map(|g| g + events);
        Turn {
            turns: self,
            ticket,
            previous: state.last.replace(next),
            guess,
            done: Some(done),
        }
    }
}

impl Turn<'_> {
    /// Waits until the batch before this one has updated the counter (or
    /// failed); returns the head it reached, if it did.
    async fn head_before(&mut self) -> Option<u64> {
        match self.previous.take() {
            Some(previous) => previous.await.ok(),
            None => None,
        }
    }

    /// This batch holds the counter at `head`: the next one may go.
    fn reached(&mut self, head: u64) {
        let mut state = self.turns.state();
        state.waiting.retain(|(ticket, _)| *ticket != self.ticket);
        // Every batch still waiting took its turn after this one.
        let behind: u64 = state.waiting.iter().map(|(_, events)| events).sum();
        state.next_guess = Some(head + behind);
        drop(state);
        if let Some(done) = self.done.take() {
            let _ = done.send(head);
        }
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if self.done.is_some() {
            let mut state = self.turns.state();
            state.waiting.retain(|(ticket, _)| *ticket != self.ticket);
        }
    }
}

/// Where a batch's positions come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Positions {
    /// After the head the batch before this one reached, when known;
    /// the counter update then checks that it still holds that head.
    AfterPrevious,
    /// From the counter, updated before the events are written (the row
    /// lock is then held while they are written).
    Counter,
}

#[derive(Debug)]
enum BatchError {
    /// The counter was not at the head the batch wrote after (another
    /// process committed in between, or the batch before failed).
    PositionsMoved,
    Store(StoreError),
}

impl From<StoreError> for BatchError {
    fn from(error: StoreError) -> Self {
        BatchError::Store(error)
    }
}

fn store_error(error: tokio_postgres::Error) -> BatchError {
    BatchError::Store(unavailable(error))
}

/// Commits a batch; if its positions moved, writes it again with positions
/// from the counter; if it fails as a whole (one bad append, or a deadlock
/// with another process), commits each append on its own instead.
async fn commit_batch(
    pool: &Pool,
    turns: &Turns,
    appends: &[Append],
) -> Vec<Result<Appended, AppendError>> {
    let mut result = write_batch(pool, turns, appends, Positions::AfterPrevious).await;
    if let Err(BatchError::PositionsMoved) = result {
        tracing::debug!(
            appends = appends.len(),
            "positions moved under the batch, writing it again"
        );
        result = write_batch(pool, turns, appends, Positions::Counter).await;
    }
    let error = match result {
        Ok(results) => return results,
        Err(BatchError::PositionsMoved) => {
            StoreError::Unavailable("the position counter moved twice".into())
        }
        Err(BatchError::Store(error)) => error,
    };
    if appends.len() == 1 {
        return vec![Err(error.into())];
    }
    tracing::warn!(%error, appends = appends.len(), "batch failed, committing its appends one by one");
    let mut results = Vec::with_capacity(appends.len());
    for append in appends {
        let one = std::slice::from_ref(append);
        let result = match write_batch(pool, turns, one, Positions::Counter).await {
            Ok(mut one) => one.pop().unwrap_or(Err(StoreError::Closed.into())),
            Err(BatchError::PositionsMoved) => Err(StoreError::Unavailable(
                "the position counter moved under a lone append".into(),
            )
            .into()),
            Err(BatchError::Store(error)) => Err(error.into()),
        };
        results.push(result);
    }
    results
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
/// Waits for the counter's row lock. Sent just before
/// [`TAKE_POSITIONS_AFTER`], whose check must see the row as it is once
/// the lock is held: an UPDATE that waits for a lock computes its new row,
/// and checks it, from the version it found before waiting.
const LOCK_HEAD: &str = "SELECT position FROM store_head FOR UPDATE";
/// Moves the counter by $1 only if it is at $2: otherwise `id` becomes
/// false, which the row's `CHECK (id)` refuses, failing the statement (and
/// so the transaction, whose COMMIT is already on its way).
const TAKE_POSITIONS_AFTER: &str =
    "UPDATE store_head SET position = position + $1, id = (position = $2) RETURNING position";
const HEAD_CHECK: &str = "store_head_id_check";
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
/// the writes. tokio-postgres sends pipelined requests in the order they
/// are first polled, which `try_join!` keeps, so the placeholders exist
/// before the lock and the versions are updated before the placeholders
/// are dropped.
async fn write_batch(
    pool: &Pool,
    turns: &Turns,
    appends: &[Append],
    positions: Positions,
) -> Result<Vec<Result<Appended, AppendError>>, BatchError> {
    let client = pool.get().await.map_err(unavailable)?;
    let result = write_in_transaction(&client, turns, appends, positions).await;
    if result.is_err() {
        // Leave no transaction open on a pooled connection. After a failed
        // statement the pipelined COMMIT already acted as a ROLLBACK, and
        // this one is then a harmless no-op.
        let _ = client.batch_execute("ROLLBACK").await;
    }
    result
}

/// The statements of [`write_in_transaction`], prepared on its connection.
struct Statements {
    select_existing: Statement,
    insert_placeholders: Statement,
    lock_procedures: Statement,
    stream_heads: Statement,
    take_positions: Statement,
    take_positions_after: Statement,
    lock_head: Statement,
    insert_events: Statement,
    update_procedures: Statement,
    notify: Statement,
    drop_placeholders: Statement,
}

async fn prepare(tx: &deadpool_postgres::Client) -> Result<Statements, tokio_postgres::Error> {
    let insert_sql = insert_events_sql();
    let (select_existing, insert_placeholders, lock_procedures, stream_heads, take_positions) = futures_util::try_join!(
        tx.prepare_cached(SELECT_EXISTING),
        tx.prepare_cached(INSERT_PLACEHOLDERS),
        tx.prepare_cached(LOCK_PROCEDURES),
        tx.prepare_cached(STREAM_HEADS),
        tx.prepare_cached(TAKE_POSITIONS),
    )?;
    let (
        take_positions_after,
        lock_head,
        insert_events,
        update_procedures,
        notify,
        drop_placeholders,
    ) = futures_util::try_join!(
        tx.prepare_cached(TAKE_POSITIONS_AFTER),
        tx.prepare_cached(LOCK_HEAD),
        tx.prepare_cached(&insert_sql),
        tx.prepare_cached(UPDATE_PROCEDURES),
        tx.prepare_cached(NOTIFY),
        tx.prepare_cached(DROP_PLACEHOLDERS),
    )?;
    Ok(Statements {
        select_existing,
        insert_placeholders,
        lock_procedures,
        stream_heads,
        take_positions,
        take_positions_after,
        lock_head,
        insert_events,
        update_procedures,
        notify,
        drop_placeholders,
    })
}

/// BEGIN goes out with the reads and COMMIT with the writes, so a batch
/// costs two round trips (three when its positions come from the counter
/// first). A COMMIT that follows a failed statement in the same pipeline
/// rolls back, and the failure is reported by that statement's future.
async fn write_in_transaction(
    tx: &deadpool_postgres::Client,
    turns: &Turns,
    appends: &[Append],
    positions: Positions,
) -> Result<Vec<Result<Appended, AppendError>>, BatchError> {
    let st = prepare(tx).await.map_err(store_error)?;
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
            tx.execute(&st.insert_placeholders, &[&new_ids, &GENESIS_HASH])
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
        tx.query(&st.lock_procedures, &procedure_params),
        tx.query(&st.select_existing, &existing_params),
        tx.query(&st.stream_heads, &stream_params),
    )
    .map_err(store_error)?;
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
    let drop_params: [&Param<'_>; 1] = [&new_ids];
    let drop_placeholders = async {
        if new_ids.is_empty() {
            Ok(0)
        } else {
            tx.execute(&st.drop_placeholders, &drop_params).await
        }
    };
    if plan.is_empty() {
        futures_util::try_join!(drop_placeholders, tx.batch_execute("COMMIT"))
            .map_err(store_error)?;
        return Ok(plan.results());
    }

    // Every lock but the counter's is held: take the turn at the counter.
    // While the batches before this one commit, chain the hashes after the
    // head they are expected to reach.
    let count = plan.len() as i64;
    let mut turn = turns.take(plan.len() as u64);
    let data: Vec<String> = plan.rows.iter().map(|r| r.data.to_string()).collect();
    let metadata: Vec<String> = plan
        .rows
        .iter()
        .map(|r| serde_json::to_string(&r.metadata).map_err(unavailable))
        .collect::<Result<_, _>>()?;
    let mut finalized = turn.guess.map(|guess| (guess, plan.finalize(guess)));
    let head_before = turn.head_before().await;
    let (base, checked) = match (positions, head_before) {
        (Positions::AfterPrevious, Some(head)) => (head, true),
        _ => {
            // The row lock is held from here to COMMIT.
            let head: i64 = tx
                .query_one(&st.take_positions, &[&count])
                .await
                .map_err(store_error)?
                .get(0);
            let head = head as u64;
            turn.reached(head);
            (head - plan.len() as u64, false)
        }
    };
    let updates = match finalized.take() {
        Some((guess, updates)) if guess == base => updates,
        _ => plan.finalize(base),
    };
    let rows = EventColumns::of(&plan.rows, data, metadata);
    let ids: Vec<&str> = updates.iter().map(|u| u.procedure_id.as_str()).collect();
    let kinds: Vec<&str> = updates.iter().map(|u| u.kind.as_str()).collect();
    let versions: Vec<i64> = updates.iter().map(|u| u.version as i64).collect();
    let hashes: Vec<&str> = updates.iter().map(|u| u.head_hash.as_str()).collect();
    let new_head = base + plan.len() as u64;
    let head_text = new_head.to_string();
    let base_param = base as i64;
    let event_params = rows.params();
    let update_params: [&Param<'_>; 4] = [&ids, &kinds, &versions, &hashes];
    let counter_params: [&Param<'_>; 2] = [&count, &base_param];
    let notify_params: [&Param<'_>; 2] = [&CHANNEL, &head_text];
    // The counter's row lock, which orders commits, is taken right before
    // the writes, in the same round trip: it is held while the server
    // writes and commits, but never while this process hashes or waits
    // for an answer. The events are written only by the counter's holder,
    // so no two batches (of any process) ever wait on each other's rows.
    // The next batch may go as soon as this one holds the counter.
    let take_counter = async {
        if !checked {
            return Ok(());
        }
        let (_, taken) = futures_util::join!(
            tx.query_one(&st.lock_head, &[]),
            tx.query_one(&st.take_positions_after, &counter_params)
        );
        match taken {
            Ok(_) => {
                turn.reached(new_head);
                Ok(())
            }
            Err(error) if error.as_db_error().and_then(|e| e.constraint()) == Some(HEAD_CHECK) => {
                Err(BatchError::PositionsMoved)
            }
            Err(error) => Err(store_error(error)),
        }
    };
    // NOTIFY goes in the transaction: the counter already serialises
    // these commits, and a NOTIFY of its own would be one more
    // transaction (and WAL flush) per batch.
    futures_util::try_join!(
        take_counter,
        async {
            tx.execute(&st.insert_events, &event_params)
                .await
                .map_err(store_error)
        },
        async {
            tx.execute(&st.update_procedures, &update_params)
                .await
                .map_err(store_error)
        },
        async { drop_placeholders.await.map_err(store_error) },
        async {
            tx.execute(&st.notify, &notify_params)
                .await
                .map_err(store_error)
        },
        async { tx.batch_execute("COMMIT").await.map_err(store_error) },
    )?;
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
    /// `data` and `metadata` are the rows' JSON, serialised beforehand.
    fn of(rows: &'r [RecordedEvent], data: Vec<String>, metadata: Vec<String>) -> Self {
        EventColumns {
            positions: rows.iter().map(|r| r.position as i64).collect(),
            procedure_ids: rows.iter().map(|r| r.procedure_id.as_str()).collect(),
            procedure_versions: rows.iter().map(|r| r.procedure_version as i64).collect(),
            stream_ids: rows.iter().map(|r| r.stream_id.as_str()).collect(),
            stream_versions: rows.iter().map(|r| r.stream_version as i64).collect(),
            event_ids: rows.iter().map(|r| r.event_id.as_str()).collect(),
            event_types: rows.iter().map(|r| r.event_type.as_str()).collect(),
            schema_versions: rows.iter().map(|r| r.schema_version as i32).collect(),
            data,
            metadata,
            recorded_at: rows.iter().map(|r| r.recorded_at).collect(),
            prev_hashes: rows.iter().map(|r| r.prev_hash.as_str()).collect(),
            hashes: rows.iter().map(|r| r.hash.as_str()).collect(),
        }
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
