//! The embedded backend: one SQLite database file in WAL mode with
//! `synchronous = FULL`, so a commit is on disk (fsync) before the append is
//! acknowledged. A dedicated writer thread batches appends; reads use a small
//! pool of read-only connections on the blocking thread pool.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, params};
use tokio::sync::{mpsc, watch};

use super::plan::{self, ExistingEvent, Lookups, ProcedureHead, StreamHead};
use super::writer::{self, WriteRequest};
use super::{Append, AppendError, Appended, EventStore, RecordedEvent, StoreError};

const BACKEND: &str = "embedded";

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 256;

/// How often the embedded store looks for commits made by other processes.
const HEAD_POLL_INTERVAL: std::time::Duration = std::time::Duration::from_millis(200);

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS store_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    position INTEGER NOT NULL
);
INSERT OR IGNORE INTO store_head (id, position) VALUES (1, 0);
CREATE TABLE IF NOT EXISTS procedures (
    procedure_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    version INTEGER NOT NULL,
    head_hash TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY,
    procedure_id TEXT NOT NULL,
    procedure_version INTEGER NOT NULL,
    stream_id TEXT NOT NULL,
    stream_version INTEGER NOT NULL,
    event_id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    data TEXT NOT NULL,
    metadata TEXT NOT NULL,
    recorded_at_us INTEGER NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (procedure_id, procedure_version),
    UNIQUE (stream_id, stream_version)
);
CREATE TABLE IF NOT EXISTS sequences (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
"#;

/// Each kind with its first event: one row per procedure is joined with
/// that procedure's first event.
const KINDS_IN_LOG: &str = "SELECT p.kind, MIN(e.position) FROM procedures p \
     JOIN events e ON e.procedure_id = p.procedure_id AND e.procedure_version = 1 \
     GROUP BY p.kind ORDER BY 2";

const EVENT_COLUMNS: &str = "position, procedure_id, procedure_version, stream_id, stream_version, \
     event_id, event_type, schema_version, data, metadata, recorded_at_us, prev_hash, hash";

fn unavailable(error: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(error.to_string())
}

fn open_connection(path: &Path, flags: OpenFlags) -> Result<Connection, StoreError> {
    let connection = Connection::open_with_flags(path, flags)
        .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))?;
    connection
        .busy_timeout(std::time::Duration::from_secs(10))
        .map_err(unavailable)?;
    // Every statement a connection runs stays prepared (the default keeps
    // 16, fewer than the store uses, so they were parsed again and again).
    connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // FULL: in WAL mode, NORMAL would not fsync on every commit and a
    // power loss could drop acknowledged appends.
    connection
        .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
        .map_err(unavailable)?;
    Ok(connection)
}

pub struct SqliteStore {
    path: PathBuf,
    queue: mpsc::Sender<WriteRequest>,
    head: watch::Receiver<u64>,
    readers: Arc<Mutex<Vec<Connection>>>,
    /// The read-write connection that hands out sequence numbers (see
    /// [`EventStore::next_in_sequence`]); separate from the append writer so
    /// a number never waits behind a batch of appends in the queue.
    sequencer: Arc<Mutex<Connection>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let mut connection = open_connection(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        connection.execute_batch(SCHEMA).map_err(unavailable)?;
        let head = read_head(&connection)?;
        let (head_tx, head_rx) = watch::channel(head);
        let head_tx = Arc::new(head_tx);
        spawn_head_poller(path, Arc::clone(&head_tx))?;
        let sequencer = open_connection(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        let (queue, requests) = mpsc::channel(4 * writer::MAX_BATCH);
        std::thread::Builder::new()
            .name("cdb-sqlite-writer".into())
            .spawn(move || {
                let mut requests = requests;
                while let Some(first) = requests.blocking_recv() {
                    let batch = writer::drain(first, &mut requests);
                    let appends: Vec<Append> = batch.iter().map(|r| r.append.clone()).collect();
                    let results = write_batch_or_each(&mut connection, &appends);
                    if let Ok(new_head) = read_head(&connection) {
                        publish(&head_tx, new_head);
                    }
                    writer::answer(batch, results, BACKEND);
                }
            })
            .map_err(unavailable)?;
        Ok(SqliteStore {
            path: path.to_owned(),
            queue,
            head: head_rx,
            readers: Arc::new(Mutex::new(Vec::new())),
            sequencer: Arc::new(Mutex::new(sequencer)),
        })
    }

    /// Runs `read` on a pooled read connection on the blocking thread pool.
    async fn with_reader<T: Send + 'static>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let readers = Arc::clone(&self.readers);
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = readers.lock().map_err(|_| StoreError::Closed)?.pop();
            let connection = match pooled {
                Some(connection) => connection,
                None => open_connection(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)?,
            };
            let result = read(&connection);
            if let Ok(mut pool) = readers.lock() {
                pool.push(connection);
            }
            result
        })
        .await
        .map_err(|e| StoreError::Unavailable(format!("read task failed: {e}")))?
    }
}

fn publish(head_tx: &watch::Sender<u64>, new_head: u64) {
    head_tx.send_if_modified(|head| {
        let moved = new_head > *head;
        *head = (*head).max(new_head);
        moved
    });
}

/// Commits made through this instance wake subscribers at once; this thread
/// catches commits by *other* processes sharing the file (for example a
/// `cdb` tool run next to the server), which SQLite cannot signal. It stops
/// when nobody subscribes any more.
fn spawn_head_poller(path: &Path, head_tx: Arc<watch::Sender<u64>>) -> Result<(), StoreError> {
    let connection = open_connection(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    std::thread::Builder::new()
        .name("cdb-sqlite-head".into())
        .spawn(move || {
            while !head_tx.is_closed() {
                std::thread::sleep(HEAD_POLL_INTERVAL);
                if let Ok(head) = read_head(&connection) {
                    publish(&head_tx, head);
                }
            }
        })
        .map_err(unavailable)?;
    Ok(())
}

/// Takes the next number of a sequence in its own `BEGIN IMMEDIATE`
/// transaction: the write lock serialises it with every other writer of the
/// file (this process's append writer and other processes), and the commit
/// is on disk before the number is handed out, so no number is given twice.
fn reserve_in_sequence(
    connection: &mut Connection,
    name: &str,
    count: u64,
) -> Result<u64, StoreError> {
    let count = i64::try_from(count.max(1))
        .map_err(|_| StoreError::Unavailable(format!("cannot reserve {count} numbers")))?;
    let tx = connection
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(unavailable)?;
    let value: i64 = tx
        .query_row(
            "INSERT INTO sequences (name, value) VALUES (?1, ?2) \
             ON CONFLICT (name) DO UPDATE SET value = sequences.value + ?2 RETURNING value",
            params![name, count],
            |row| row.get(0),
        )
        .map_err(unavailable)?;
    tx.commit().map_err(unavailable)?;
    u64::try_from(value - count + 1)
        .map_err(|_| StoreError::Corrupt(format!("sequence {name} is at {value}")))
}

fn read_head(connection: &Connection) -> Result<u64, StoreError> {
    connection
        .query_row("SELECT position FROM store_head WHERE id = 1", [], |row| {
            row.get::<_, i64>(0)
        })
        .map(|p| p as u64)
        .map_err(unavailable)
}

/// Commits the batch in one transaction; if that fails as a whole, commits
/// each append on its own so one bad append cannot fail its neighbours.
fn write_batch_or_each(
    connection: &mut Connection,
    appends: &[Append],
) -> Vec<Result<Appended, AppendError>> {
    match write_batch(connection, appends) {
        Ok(results) => results,
        Err(error) if appends.len() == 1 => vec![Err(error.into())],
        Err(error) => {
            tracing::warn!(%error, appends = appends.len(), "batch failed, committing its appends one by one");
            appends
                .iter()
                .map(|append| {
                    write_batch(connection, std::slice::from_ref(append))
                        .map_err(AppendError::from)
                        .and_then(|mut results| {
                            results.pop().unwrap_or(Err(StoreError::Closed.into()))
                        })
                })
                .collect()
        }
    }
}

fn write_batch(
    connection: &mut Connection,
    appends: &[Append],
) -> Result<Vec<Result<Appended, AppendError>>, StoreError> {
    // IMMEDIATE takes the write lock up front, so another process sharing the
    // file cannot interleave between our reads and writes.
    let tx = connection
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(unavailable)?;
    let lookups = lookups(&tx, appends).map_err(unavailable)?;
    let mut plan = plan::plan(appends, &lookups);
    if !plan.is_empty() {
        let base: i64 = tx
            .query_row(
                "UPDATE store_head SET position = position + ?1 WHERE id = 1 RETURNING position",
                [plan.len() as i64],
                |row| row.get(0),
            )
            .map_err(unavailable)?;
        let updates = plan.finalize(base as u64 - plan.len() as u64);
        {
            let mut insert = tx
                .prepare_cached(&format!(
                    "INSERT INTO events ({EVENT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
                ))
                .map_err(unavailable)?;
            for row in &plan.rows {
                let metadata = serde_json::to_string(&row.metadata).map_err(unavailable)?;
                insert
                    .execute(params![
                        row.position as i64,
                        row.procedure_id,
                        row.procedure_version as i64,
                        row.stream_id,
                        row.stream_version as i64,
                        row.event_id,
                        row.event_type,
                        row.schema_version,
                        row.data.to_string(),
                        metadata,
                        row.recorded_at.timestamp_micros(),
                        row.prev_hash,
                        row.hash,
                    ])
                    .map_err(unavailable)?;
            }
            let mut upsert = tx
                .prepare_cached(
                    "INSERT INTO procedures (procedure_id, kind, version, head_hash) VALUES (?1, ?2, ?3, ?4) \
                     ON CONFLICT (procedure_id) DO UPDATE SET version = excluded.version, head_hash = excluded.head_hash",
                )
                .map_err(unavailable)?;
            for update in &updates {
                upsert
                    .execute(params![
                        update.procedure_id,
                        update.kind,
                        update.version as i64,
                        update.head_hash
                    ])
                    .map_err(unavailable)?;
            }
        }
    }
    let results = plan.results();
    tx.commit().map_err(unavailable)?;
    Ok(results)
}

fn lookups(tx: &Transaction<'_>, appends: &[Append]) -> rusqlite::Result<Lookups> {
    let keys = plan::keys(appends);
    let mut lookups = Lookups::default();
    let mut event = tx.prepare_cached(
        "SELECT position, procedure_id, procedure_version FROM events WHERE event_id = ?1",
    )?;
    for id in &keys.event_ids {
        if let Some(existing) = event
            .query_row([id], |row| {
                Ok(ExistingEvent {
                    position: row.get::<_, i64>(0)? as u64,
                    procedure_id: row.get(1)?,
                    procedure_version: row.get::<_, i64>(2)? as u64,
                })
            })
            .optional()?
        {
            lookups.existing_events.insert(id.clone(), existing);
        }
    }
    let mut procedure = tx.prepare_cached(
        "SELECT kind, version, head_hash FROM procedures WHERE procedure_id = ?1",
    )?;
    for id in &keys.procedure_ids {
        if let Some(head) = procedure
            .query_row([id], |row| {
                Ok(ProcedureHead {
                    kind: row.get(0)?,
                    version: row.get::<_, i64>(1)? as u64,
                    head_hash: row.get(2)?,
                })
            })
            .optional()?
        {
            lookups.procedures.insert(id.clone(), head);
        }
    }
    let mut stream = tx.prepare_cached(
        "SELECT procedure_id, stream_version FROM events WHERE stream_id = ?1 ORDER BY stream_version DESC LIMIT 1",
    )?;
    for id in &keys.stream_ids {
        if let Some(head) = stream
            .query_row([id], |row| {
                Ok(StreamHead {
                    procedure_id: row.get(0)?,
                    version: row.get::<_, i64>(1)? as u64,
                })
            })
            .optional()?
        {
            lookups.streams.insert(id.clone(), head);
        }
    }
    Ok(lookups)
}

fn recorded_event(row: &rusqlite::Row<'_>) -> rusqlite::Result<RecordedEvent> {
    fn json<T: serde::de::DeserializeOwned>(index: usize, text: String) -> rusqlite::Result<T> {
        serde_json::from_str(&text).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(
                index,
                rusqlite::types::Type::Text,
                Box::new(e),
            )
        })
    }
    let recorded_at_us: i64 = row.get(10)?;
    Ok(RecordedEvent {
        position: row.get::<_, i64>(0)? as u64,
        procedure_id: row.get(1)?,
        procedure_version: row.get::<_, i64>(2)? as u64,
        stream_id: row.get(3)?,
        stream_version: row.get::<_, i64>(4)? as u64,
        event_id: row.get(5)?,
        event_type: row.get(6)?,
        schema_version: row.get(7)?,
        data: json(8, row.get(8)?)?,
        metadata: json(9, row.get(9)?)?,
        recorded_at: DateTime::<Utc>::from_timestamp_micros(recorded_at_us)
            .ok_or_else(|| rusqlite::Error::IntegralValueOutOfRange(10, recorded_at_us))?,
        prev_hash: row.get(11)?,
        hash: row.get(12)?,
    })
}

fn query_events(
    connection: &Connection,
    filter: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<RecordedEvent>, StoreError> {
    let sql = format!("SELECT {EVENT_COLUMNS} FROM events {filter}");
    let mut statement = connection.prepare_cached(&sql).map_err(unavailable)?;
    statement
        .query_map(params, recorded_event)
        .map_err(unavailable)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

#[async_trait]
impl EventStore for SqliteStore {
    async fn append(&self, append: Append) -> Result<Appended, AppendError> {
        writer::submit(&self.queue, append).await
    }

    async fn read_procedure(&self, procedure_id: &str) -> Result<Vec<RecordedEvent>, StoreError> {
        let id = procedure_id.to_owned();
        self.with_reader(move |c| {
            query_events(
                c,
                "WHERE procedure_id = ?1 ORDER BY procedure_version",
                [id],
            )
        })
        .await
    }

    async fn read_procedure_after(
        &self,
        procedure_id: &str,
        after: u64,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let id = procedure_id.to_owned();
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        self.with_reader(move |c| {
            query_events(
                c,
                "WHERE procedure_id = ?1 AND procedure_version > ?2 ORDER BY procedure_version",
                params![id, after],
            )
        })
        .await
    }

    async fn read_stream(&self, stream_id: &str) -> Result<Vec<RecordedEvent>, StoreError> {
        let id = stream_id.to_owned();
        self.with_reader(move |c| {
            query_events(c, "WHERE stream_id = ?1 ORDER BY stream_version", [id])
        })
        .await
    }

    async fn read_all(&self, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        self.with_reader(move |c| {
            query_events(
                c,
                "WHERE position > ?1 ORDER BY position LIMIT ?2",
                params![after as i64, limit.min(i64::MAX as usize) as i64],
            )
        })
        .await
    }

    async fn head(&self) -> Result<u64, StoreError> {
        self.with_reader(read_head).await
    }

    async fn procedure_kind(&self, procedure_id: &str) -> Result<Option<String>, StoreError> {
        let id = procedure_id.to_owned();
        self.with_reader(move |c| {
            c.prepare_cached("SELECT kind FROM procedures WHERE procedure_id = ?1")
                .and_then(|mut statement| {
                    statement
                        .query_row([id], |row| row.get::<_, String>(0))
                        .optional()
                })
                .map_err(unavailable)
        })
        .await
    }

    async fn procedure_kinds(
        &self,
        procedure_ids: &[String],
    ) -> Result<std::collections::HashMap<String, String>, StoreError> {
        let ids = serde_json::to_string(procedure_ids).map_err(unavailable)?;
        self.with_reader(move |c| {
            let mut statement = c
                .prepare_cached(
                    "SELECT procedure_id, kind FROM procedures \
                     WHERE procedure_id IN (SELECT value FROM json_each(?1))",
                )
                .map_err(unavailable)?;
            let rows = statement
                .query_map([ids], |row| Ok((row.get(0)?, row.get(1)?)))
                .map_err(unavailable)?;
            rows.collect::<Result<_, _>>().map_err(unavailable)
        })
        .await
    }

    async fn kinds_in_log(&self) -> Result<Vec<(String, u64)>, StoreError> {
        self.with_reader(|c| {
            let mut statement = c.prepare_cached(KINDS_IN_LOG).map_err(unavailable)?;
            let rows = statement
                .query_map([], |row| Ok((row.get(0)?, row.get::<_, i64>(1)? as u64)))
                .map_err(unavailable)?;
            rows.collect::<Result<_, _>>().map_err(unavailable)
        })
        .await
    }

    async fn reserve_in_sequence(&self, name: &str, count: u64) -> Result<u64, StoreError> {
        let sequencer = Arc::clone(&self.sequencer);
        let name = name.to_owned();
        tokio::task::spawn_blocking(move || {
            // A panic mid-transaction rolled it back (Drop), so the
            // connection is still usable.
            let mut connection = sequencer
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            reserve_in_sequence(&mut connection, &name, count)
        })
        .await
        .map_err(|e| StoreError::Unavailable(format!("sequence task failed: {e}")))?
    }

    fn subscribe(&self) -> watch::Receiver<u64> {
        self.head.clone()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.with_reader(|c| read_head(c).map(drop)).await
    }

    fn backend(&self) -> &'static str {
        BACKEND
    }
}
