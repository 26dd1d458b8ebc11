//! Read models in an SQLite file next to the embedded event store (a file of
//! its own, so projecting never waits for the event writer's lock).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, params};

use super::{
    DIGESTS, Digester, NOT_DRAFT, ReadStore, ReadStoreError, Snapshot, position_of, unavailable,
    uneven,
};
use crate::model::{
    CONTRACTS, ChangeBatch, ContractRow, DOCUMENTS, Digest, DocumentRow, FEED, FeedEntry,
    FeedQuery, FeedRow, READ_MODELS,
};
use crate::public_events::PublicEventRow;
use crate::revisions::{RevisionChange, RevisionQuery, RevisionRow};
use crate::search::{SearchRow, amount_from_sortable, sortable_amount};
use crate::search_query::{
    Dialect, Param, SearchHit, SearchQuery, Sort, StatsQuery, StatsRow, search_sql, stats_sql,
};

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS read_positions (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO read_positions (name, position) VALUES ('documents', 0), ('feed', 0),
    ('contracts', 0);
CREATE TABLE IF NOT EXISTS read_documents (
    procedure_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    revision INTEGER NOT NULL,
    position INTEGER NOT NULL,
    body TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS read_feed (
    procedure_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    position INTEGER NOT NULL UNIQUE,
    date_modified TEXT NOT NULL,
    status TEXT NOT NULL,
    procurement_method_type TEXT NOT NULL,
    owner TEXT NOT NULL,
    bids_disclosed INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS read_feed_kind_position ON read_feed (kind, position);
CREATE TABLE IF NOT EXISTS read_public_bodies (
    key TEXT NOT NULL,
    procedure_id TEXT NOT NULL,
    PRIMARY KEY (key, procedure_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS read_public_bodies_procedure ON read_public_bodies (procedure_id);
CREATE TABLE IF NOT EXISTS read_contracts (
    procedure_id TEXT NOT NULL,
    contract_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    revision INTEGER NOT NULL,
    position INTEGER NOT NULL,
    date_modified TEXT NOT NULL,
    status TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (procedure_id, contract_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS read_contracts_id ON read_contracts (contract_id);
CREATE INDEX IF NOT EXISTS read_contracts_position ON read_contracts (position, contract_id);
"#;

/// The search index (`crate::search`), kept with the documents. Amounts are
/// sortable text (`crate::search::sortable_amount`); the full-text table
/// indexes the words of `read_search` (external content, kept by triggers).
const SEARCH_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS read_search (
    id INTEGER PRIMARY KEY,
    procedure_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    position INTEGER NOT NULL,
    method TEXT NOT NULL,
    status TEXT NOT NULL,
    public_id TEXT NOT NULL,
    buyer TEXT NOT NULL,
    classification TEXT NOT NULL,
    region TEXT NOT NULL,
    amount TEXT,
    currency TEXT NOT NULL,
    awarded TEXT,
    bids INTEGER,
    date TEXT NOT NULL,
    date_modified TEXT NOT NULL,
    tender_start TEXT NOT NULL,
    tender_end TEXT NOT NULL,
    auction_start TEXT NOT NULL,
    month TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS read_search_date_modified ON read_search (date_modified, procedure_id);
CREATE INDEX IF NOT EXISTS read_search_date ON read_search (date, procedure_id);
CREATE INDEX IF NOT EXISTS read_search_amount ON read_search (amount, procedure_id);
CREATE INDEX IF NOT EXISTS read_search_method ON read_search (method, status);
CREATE INDEX IF NOT EXISTS read_search_status ON read_search (status);
CREATE INDEX IF NOT EXISTS read_search_buyer ON read_search (buyer);
CREATE INDEX IF NOT EXISTS read_search_tender_start ON read_search (tender_start);
CREATE INDEX IF NOT EXISTS read_search_tender_end ON read_search (tender_end);
CREATE INDEX IF NOT EXISTS read_search_auction_start ON read_search (auction_start);
CREATE TABLE IF NOT EXISTS read_search_facets (
    facet TEXT NOT NULL,
    value TEXT NOT NULL,
    procedure_id TEXT NOT NULL,
    PRIMARY KEY (facet, value, procedure_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS read_search_facets_procedure ON read_search_facets (procedure_id);
CREATE VIRTUAL TABLE IF NOT EXISTS read_search_text USING fts5(
    title, description, content='read_search', content_rowid='id',
    tokenize='unicode61 remove_diacritics 0'
);
CREATE TRIGGER IF NOT EXISTS read_search_inserted AFTER INSERT ON read_search BEGIN
    INSERT INTO read_search_text (rowid, title, description)
        VALUES (new.id, new.title, new.description);
END;
CREATE TRIGGER IF NOT EXISTS read_search_deleted AFTER DELETE ON read_search BEGIN
    INSERT INTO read_search_text (read_search_text, rowid, title, description)
        VALUES ('delete', old.id, old.title, old.description);
END;
CREATE TRIGGER IF NOT EXISTS read_search_updated AFTER UPDATE ON read_search BEGIN
    INSERT INTO read_search_text (read_search_text, rowid, title, description)
        VALUES ('delete', old.id, old.title, old.description);
    INSERT INTO read_search_text (rowid, title, description)
        VALUES (new.id, new.title, new.description);
END;
"#;

/// The history of the documents (`crate::revisions`), kept with them, and
/// the index that finds a procedure by its public id (an ocid names it).
const REVISIONS_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS read_revisions (
    procedure_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    kind TEXT NOT NULL,
    position INTEGER NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    published INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (procedure_id, revision)
);
CREATE INDEX IF NOT EXISTS read_search_public_id ON read_search (public_id);
"#;

/// The public event log (`crate::public_events`), kept with the feed.
const EVENTS_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS read_events (
    position INTEGER PRIMARY KEY,
    body TEXT NOT NULL
);
"#;

/// The tables a store from before an upgrade may lack: its documents have
/// no rows in them, so everything starts over.
const LATER_TABLES: &str = "SELECT count(*) < 3 FROM sqlite_master \
     WHERE name IN ('read_search', 'read_revisions', 'read_events')";

/// Every read-model table, emptied together (a replace, an upgrade).
const CLEAR: &str = "DELETE FROM read_documents; DELETE FROM read_feed; \
     DELETE FROM read_public_bodies; DELETE FROM read_contracts; DELETE FROM read_search; \
     DELETE FROM read_search_facets; DELETE FROM read_revisions; DELETE FROM read_events;";

const SEARCH_COLUMNS: &str = "SELECT procedure_id, kind, position, method, status, public_id, buyer, classification, \
     region, amount, currency, awarded, bids, date, date_modified, tender_start, tender_end, \
     auction_start, month, title, description FROM read_search";

const FEED_COLUMNS: &str = "f.procedure_id, f.kind, f.position, f.date_modified, f.status, \
     f.procurement_method_type, f.owner, f.bids_disclosed";

const REVISION_COLUMNS: &str = "r.procedure_id, r.kind, r.revision, r.position, r.event_type, \
     r.recorded_at, r.published, r.body";

const CONTRACT_COLUMNS: &str = "c.procedure_id, c.contract_id, c.kind, c.revision, c.position, \
     c.date_modified, c.status, c.body";

pub struct SqliteReadStore {
    path: PathBuf,
    writer: Arc<Mutex<Connection>>,
    readers: Arc<Mutex<Vec<Connection>>>,
}

fn open(path: &Path, flags: OpenFlags) -> Result<Connection, ReadStoreError> {
    let connection = Connection::open_with_flags(path, flags)
        .map_err(|e| ReadStoreError::Unavailable(format!("cannot open {}: {e}", path.display())))?;
    connection
        .busy_timeout(std::time::Duration::from_secs(10))
        .map_err(unavailable)?;
    // Every statement the read models run stays prepared (the default
    // keeps 16, fewer than they use).
    connection.set_prepared_statement_cache_capacity(256);
    connection
        .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
        .map_err(unavailable)?;
    connection
        .create_aggregate_function(
            "cdb_decimal_sum",
            1,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8
                | rusqlite::functions::FunctionFlags::SQLITE_DETERMINISTIC,
            DecimalSum,
        )
        .map_err(unavailable)?;
    Ok(connection)
}

/// `cdb_decimal_sum(text)`: the exact sum of decimal texts (NULLs left
/// out; NULL when there are none), as SQLite has no decimal type.
struct DecimalSum;

impl rusqlite::functions::Aggregate<Option<rust_decimal::Decimal>, Option<String>> for DecimalSum {
    fn init(
        &self,
        _: &mut rusqlite::functions::Context<'_>,
    ) -> rusqlite::Result<Option<rust_decimal::Decimal>> {
        Ok(None)
    }

    fn step(
        &self,
        context: &mut rusqlite::functions::Context<'_>,
        total: &mut Option<rust_decimal::Decimal>,
    ) -> rusqlite::Result<()> {
        let Some(text) = context.get::<Option<String>>(0)? else {
            return Ok(());
        };
        let amount = text
            .parse::<rust_decimal::Decimal>()
            .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))?;
        let sum = total
            .unwrap_or_default()
            .checked_add(amount)
            .ok_or_else(|| rusqlite::Error::UserFunctionError("decimal sum overflows".into()))?;
        *total = Some(sum);
        Ok(())
    }

    fn finalize(
        &self,
        _: &mut rusqlite::functions::Context<'_>,
        total: Option<Option<rust_decimal::Decimal>>,
    ) -> rusqlite::Result<Option<String>> {
        Ok(total.flatten().map(|sum| sum.normalize().to_string()))
    }
}

fn sqlite_params(params: &[Param]) -> Vec<rusqlite::types::Value> {
    params
        .iter()
        .map(|param| match param {
            Param::Text(text) => rusqlite::types::Value::Text(text.clone()),
            Param::Int(n) => rusqlite::types::Value::Integer(*n),
        })
        .collect()
}

impl SqliteReadStore {
    /// Opens (creating if needed) the read-model file at `path`.
    pub fn open(path: &Path) -> Result<Self, ReadStoreError> {
        let mut connection = open(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        let tx = connection
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(unavailable)?;
        // A store from before the search index, the history or the event
        // log has documents but no rows there: everything starts over, like an
        // uneven upgrade.
        let model_is_new: bool = tx
            .query_row(LATER_TABLES, [], |row| row.get(0))
            .map_err(unavailable)?;
        tx.execute_batch(SCHEMA).map_err(unavailable)?;
        tx.execute_batch(SEARCH_SCHEMA).map_err(unavailable)?;
        tx.execute_batch(REVISIONS_SCHEMA).map_err(unavailable)?;
        tx.execute_batch(EVENTS_SCHEMA).map_err(unavailable)?;
        if uneven(&positions(&tx)?) || model_is_new {
            tx.execute_batch(CLEAR).map_err(unavailable)?;
            set_positions(&tx, 0)?;
        }
        tx.commit().map_err(unavailable)?;
        Ok(SqliteReadStore {
            path: path.to_owned(),
            writer: Arc::new(Mutex::new(connection)),
            readers: Arc::new(Mutex::new(Vec::new())),
        })
    }

    async fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, ReadStoreError> + Send + 'static,
    ) -> Result<T, ReadStoreError> {
        let writer = Arc::clone(&self.writer);
        tokio::task::spawn_blocking(move || {
            let mut connection = writer
                .lock()
                .map_err(|_| unavailable("read store writer poisoned"))?;
            work(&mut connection)
        })
        .await
        .map_err(unavailable)?
    }

    async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, ReadStoreError> + Send + 'static,
    ) -> Result<T, ReadStoreError> {
        let readers = Arc::clone(&self.readers);
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = readers.lock().map_err(|_| unavailable("poisoned"))?.pop();
            let mut connection = match pooled {
                Some(connection) => connection,
                None => open(&path, OpenFlags::SQLITE_OPEN_READ_WRITE)?,
            };
            let result = work(&mut connection);
            if let Ok(mut pool) = readers.lock() {
                pool.push(connection);
            }
            result
        })
        .await
        .map_err(unavailable)?
    }
}

impl SqliteReadStore {
    /// Up to `limit` documents after procedure id `after` (from the first
    /// with `None`), in procedure-id order: for copying the read models a
    /// page at a time.
    pub async fn documents_page(
        &self,
        after: Option<String>,
        limit: usize,
    ) -> Result<Vec<DocumentRow>, ReadStoreError> {
        self.read(move |connection| {
            connection
                .prepare_cached(
                    "SELECT procedure_id, kind, revision, position, body FROM read_documents \
                     WHERE ?1 IS NULL OR procedure_id > ?1 ORDER BY procedure_id LIMIT ?2",
                )
                .and_then(|mut s| {
                    s.query_map(params![after, limit as i64], document_row)?
                        .collect()
                })
                .map_err(unavailable)
        })
        .await
    }

    /// Up to `limit` feed rows after procedure id `after`, in procedure-id order.
    pub async fn feed_page(
        &self,
        after: Option<String>,
        limit: usize,
    ) -> Result<Vec<FeedRow>, ReadStoreError> {
        self.read(move |connection| {
            connection
                .prepare_cached(&format!(
                    "SELECT {FEED_COLUMNS} FROM read_feed f \
                     WHERE ?1 IS NULL OR f.procedure_id > ?1 ORDER BY f.procedure_id LIMIT ?2"
                ))
                .and_then(|mut s| {
                    s.query_map(params![after, limit as i64], feed_row)?
                        .collect()
                })
                .map_err(unavailable)
        })
        .await
    }

    /// Up to `limit` contracts after (procedure id, contract id) `after`, in
    /// that order.
    pub async fn contracts_page(
        &self,
        after: Option<(String, String)>,
        limit: usize,
    ) -> Result<Vec<ContractRow>, ReadStoreError> {
        self.read(move |connection| {
            let (procedure, contract) = after.unzip();
            connection
                .prepare_cached(&format!(
                    "SELECT {CONTRACT_COLUMNS} FROM read_contracts c \
                     WHERE ?1 IS NULL OR (c.procedure_id, c.contract_id) > (?1, ?2) \
                     ORDER BY c.procedure_id, c.contract_id LIMIT ?3"
                ))
                .and_then(|mut s| {
                    s.query_map(params![procedure, contract, limit as i64], contract_row)?
                        .collect()
                })
                .map_err(unavailable)
        })
        .await
    }
}

impl SqliteReadStore {
    /// Up to `limit` history rows after (procedure id, revision) `after`, in
    /// that order.
    pub async fn revisions_page(
        &self,
        after: Option<(String, u64)>,
        limit: usize,
    ) -> Result<Vec<RevisionRow>, ReadStoreError> {
        self.read(move |connection| {
            let (procedure, revision) = after.unzip();
            connection
                .prepare_cached(&format!(
                    "SELECT {REVISION_COLUMNS} FROM read_revisions r \
                     WHERE ?1 IS NULL OR (r.procedure_id, r.revision) > (?1, ?2) \
                     ORDER BY r.procedure_id, r.revision LIMIT ?3"
                ))
                .and_then(|mut s| {
                    s.query_map(
                        params![procedure, revision.map(|r| r as i64), limit as i64],
                        revision_row,
                    )?
                    .collect()
                })
                .map_err(unavailable)
        })
        .await
    }
}

fn positions(connection: &Connection) -> Result<Vec<(&'static str, u64)>, ReadStoreError> {
    READ_MODELS
        .iter()
        .map(|name| {
            connection
                .query_row(
                    "SELECT position FROM read_positions WHERE name = ?1",
                    [name],
                    |row| row.get::<_, i64>(0),
                )
                .map(|position| (*name, position as u64))
                .map_err(unavailable)
        })
        .collect()
}

fn document_row(row: &Row<'_>) -> rusqlite::Result<DocumentRow> {
    Ok(DocumentRow {
        procedure_id: row.get(0)?,
        kind: row.get(1)?,
        revision: row.get::<_, i64>(2)? as u64,
        position: row.get::<_, i64>(3)? as u64,
        body: row.get(4)?,
    })
}

fn feed_row(row: &Row<'_>) -> rusqlite::Result<FeedRow> {
    Ok(FeedRow {
        procedure_id: row.get(0)?,
        kind: row.get(1)?,
        position: row.get::<_, i64>(2)? as u64,
        date_modified: row.get(3)?,
        status: row.get(4)?,
        procurement_method_type: row.get(5)?,
        owner: row.get(6)?,
        bids_disclosed: row.get(7)?,
    })
}

fn event_row(row: &Row<'_>) -> rusqlite::Result<PublicEventRow> {
    Ok(PublicEventRow {
        position: row.get::<_, i64>(0)? as u64,
        body: row.get(1)?,
    })
}

fn revision_row(row: &Row<'_>) -> rusqlite::Result<RevisionRow> {
    Ok(RevisionRow {
        procedure_id: row.get(0)?,
        kind: row.get(1)?,
        revision: row.get::<_, i64>(2)? as u64,
        position: row.get::<_, i64>(3)? as u64,
        event_type: row.get(4)?,
        recorded_at: row.get(5)?,
        published: row.get(6)?,
        body: row.get(7)?,
    })
}

fn contract_row(row: &Row<'_>) -> rusqlite::Result<ContractRow> {
    Ok(ContractRow {
        procedure_id: row.get(0)?,
        contract_id: row.get(1)?,
        kind: row.get(2)?,
        revision: row.get::<_, i64>(3)? as u64,
        position: row.get::<_, i64>(4)? as u64,
        date_modified: row.get(5)?,
        status: row.get(6)?,
        body: row.get(7)?,
    })
}

/// `kinds` as an SQL list of string literals (kind names come from the
/// registry, but are quoted all the same).
fn kind_list(kinds: &[String]) -> String {
    kinds
        .iter()
        .map(|kind| format!("'{}'", kind.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(",")
}

fn write_rows(
    tx: &rusqlite::Transaction<'_>,
    documents: &[DocumentRow],
    feed: &[FeedRow],
    contracts: &[ContractRow],
    revisions: &[RevisionRow],
    events: &[PublicEventRow],
) -> rusqlite::Result<()> {
    let mut upsert_document = tx.prepare_cached(
        "INSERT OR REPLACE INTO read_documents (procedure_id, kind, revision, position, body) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut forget_bodies =
        tx.prepare_cached("DELETE FROM read_public_bodies WHERE procedure_id = ?1")?;
    let mut add_body = tx.prepare_cached(
        "INSERT OR IGNORE INTO read_public_bodies (key, procedure_id) VALUES (?1, ?2)",
    )?;
    for row in documents {
        upsert_document.execute(params![
            row.procedure_id,
            row.kind,
            row.revision as i64,
            row.position as i64,
            row.body
        ])?;
        forget_bodies.execute([&row.procedure_id])?;
        for key in crate::model::referenced_bodies(&row.body) {
            add_body.execute(params![key, row.procedure_id])?;
        }
    }
    write_search(tx, documents)?;
    let mut upsert_feed = tx.prepare_cached(
        "INSERT OR REPLACE INTO read_feed (procedure_id, kind, position, date_modified, status, \
         procurement_method_type, owner, bids_disclosed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for row in feed {
        upsert_feed.execute(params![
            row.procedure_id,
            row.kind,
            row.position as i64,
            row.date_modified,
            row.status,
            row.procurement_method_type,
            row.owner,
            row.bids_disclosed
        ])?;
    }
    let mut upsert_contract = tx.prepare_cached(
        "INSERT OR REPLACE INTO read_contracts (procedure_id, contract_id, kind, revision, \
         position, date_modified, status, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for row in contracts {
        upsert_contract.execute(params![
            row.procedure_id,
            row.contract_id,
            row.kind,
            row.revision as i64,
            row.position as i64,
            row.date_modified,
            row.status,
            row.body
        ])?;
    }
    let mut add_revision = tx.prepare_cached(
        "INSERT INTO read_revisions (procedure_id, revision, kind, position, event_type, \
         recorded_at, published, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for row in revisions {
        add_revision.execute(params![
            row.procedure_id,
            row.revision as i64,
            row.kind,
            row.position as i64,
            row.event_type,
            row.recorded_at,
            row.published,
            row.body
        ])?;
    }
    let mut add_event =
        tx.prepare_cached("INSERT INTO read_events (position, body) VALUES (?1, ?2)")?;
    for row in events {
        add_event.execute(params![row.position as i64, row.body])?;
    }
    Ok(())
}

/// The search rows of `documents` (see [`crate::search`]).
fn write_search(tx: &rusqlite::Transaction<'_>, documents: &[DocumentRow]) -> rusqlite::Result<()> {
    let mut upsert = tx.prepare_cached(
        "INSERT INTO read_search (procedure_id, kind, position, method, status, public_id, buyer, \
         classification, region, amount, currency, awarded, bids, date, date_modified, \
         tender_start, tender_end, auction_start, month, title, description) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, \
         ?19, ?20, ?21) \
         ON CONFLICT (procedure_id) DO UPDATE SET kind = excluded.kind, \
         position = excluded.position, method = excluded.method, status = excluded.status, \
         public_id = excluded.public_id, buyer = excluded.buyer, \
         classification = excluded.classification, region = excluded.region, \
         amount = excluded.amount, currency = excluded.currency, awarded = excluded.awarded, \
         bids = excluded.bids, date = excluded.date, date_modified = excluded.date_modified, \
         tender_start = excluded.tender_start, tender_end = excluded.tender_end, \
         auction_start = excluded.auction_start, month = excluded.month, \
         title = excluded.title, description = excluded.description",
    )?;
    let mut forget = tx.prepare_cached("DELETE FROM read_search WHERE procedure_id = ?1")?;
    let mut forget_facets =
        tx.prepare_cached("DELETE FROM read_search_facets WHERE procedure_id = ?1")?;
    let mut add_facet = tx.prepare_cached(
        "INSERT OR IGNORE INTO read_search_facets (facet, value, procedure_id) VALUES (?1, ?2, ?3)",
    )?;
    for document in documents {
        forget_facets.execute([&document.procedure_id])?;
        let Some(row) = SearchRow::from_document(document) else {
            forget.execute([&document.procedure_id])?;
            continue;
        };
        upsert.execute(params![
            row.procedure_id,
            row.kind,
            row.position as i64,
            row.method,
            row.status,
            row.public_id,
            row.buyer,
            row.classification,
            row.region,
            row.amount.map(sortable_amount),
            row.currency,
            row.awarded.map(sortable_amount),
            row.bids.map(|bids| bids as i64),
            row.date,
            row.date_modified,
            row.tender_start,
            row.tender_end,
            row.auction_start,
            row.month,
            row.title,
            row.description,
        ])?;
        for (facet, value) in &row.facets {
            add_facet.execute(params![facet, value, row.procedure_id])?;
        }
    }
    Ok(())
}

fn check_positions(tx: &rusqlite::Transaction<'_>, expected: u64) -> Result<(), ReadStoreError> {
    for (_, actual) in positions(tx)? {
        if actual != expected {
            return Err(ReadStoreError::Moved { expected, actual });
        }
    }
    Ok(())
}

fn set_positions(tx: &rusqlite::Transaction<'_>, to: u64) -> Result<(), ReadStoreError> {
    tx.execute("UPDATE read_positions SET position = ?1", [to as i64])
        .map_err(unavailable)?;
    Ok(())
}

/// Runs `sql` and hands each row, as it is read, to `each`.
fn digest_rows<T>(
    connection: &Connection,
    sql: &str,
    parse: fn(&Row<'_>) -> rusqlite::Result<T>,
    mut each: impl FnMut(T),
) -> Result<(), ReadStoreError> {
    let mut statement = connection.prepare(sql).map_err(unavailable)?;
    let mut rows = statement.query([]).map_err(unavailable)?;
    while let Some(row) = rows.next().map_err(unavailable)? {
        each(parse(row).map_err(unavailable)?);
    }
    Ok(())
}

/// The search index's rows as [`SearchRow::digest_fields`] gives them
/// (amounts back from their sortable text), then its facets.
fn digest_search(connection: &Connection, digester: &mut Digester) -> Result<(), ReadStoreError> {
    let mut statement = connection
        .prepare(&format!("{SEARCH_COLUMNS} ORDER BY procedure_id"))
        .map_err(unavailable)?;
    let mut rows = statement.query([]).map_err(unavailable)?;
    while let Some(row) = rows.next().map_err(unavailable)? {
        let mut fields = Vec::with_capacity(21);
        for i in 0..21 {
            let value: rusqlite::types::Value = row.get(i).map_err(unavailable)?;
            let text = match value {
                rusqlite::types::Value::Null => String::new(),
                rusqlite::types::Value::Integer(n) => n.to_string(),
                rusqlite::types::Value::Text(text) if i == 9 || i == 11 => {
                    amount_from_sortable(&text)
                        .map(|a| a.to_string())
                        .unwrap_or(text)
                }
                rusqlite::types::Value::Text(text) => text,
                other => format!("{other:?}"),
            };
            fields.push(text);
        }
        digester.search_row(&fields);
    }
    let mut statement = connection
        .prepare(
            "SELECT procedure_id, facet, value FROM read_search_facets \
             ORDER BY procedure_id, facet, value",
        )
        .map_err(unavailable)?;
    let mut rows = statement.query([]).map_err(unavailable)?;
    while let Some(row) = rows.next().map_err(unavailable)? {
        let text = |i| row.get::<_, String>(i).map_err(unavailable);
        digester.search_facet(&text(0)?, &text(1)?, &text(2)?);
    }
    Ok(())
}

/// Replaces every read-model table of `main` with the attached `rebuilt`
/// one's, in one transaction, if `main` is still at `expected`.
fn copy_attached(connection: &mut Connection, expected: u64) -> Result<(), ReadStoreError> {
    let tx = connection
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(unavailable)?;
    check_positions(&tx, expected)?;
    let to: i64 = tx
        .query_row(
            "SELECT coalesce(min(position), 0) FROM rebuilt.read_positions",
            [],
            |row| row.get(0),
        )
        .map_err(unavailable)?;
    tx.execute_batch(CLEAR).map_err(unavailable)?;
    tx.execute_batch(
        "INSERT INTO main.read_documents (procedure_id, kind, revision, position, body) \
         SELECT procedure_id, kind, revision, position, body FROM rebuilt.read_documents; \
         INSERT INTO main.read_feed (procedure_id, kind, position, date_modified, status, \
         procurement_method_type, owner, bids_disclosed) \
         SELECT procedure_id, kind, position, date_modified, status, procurement_method_type, \
         owner, bids_disclosed FROM rebuilt.read_feed; \
         INSERT INTO main.read_public_bodies (key, procedure_id) \
         SELECT key, procedure_id FROM rebuilt.read_public_bodies; \
         INSERT INTO main.read_contracts (procedure_id, contract_id, kind, revision, position, \
         date_modified, status, body) \
         SELECT procedure_id, contract_id, kind, revision, position, date_modified, status, body \
         FROM rebuilt.read_contracts; \
         INSERT INTO main.read_search (procedure_id, kind, position, method, status, public_id, \
         buyer, classification, region, amount, currency, awarded, bids, date, date_modified, \
         tender_start, tender_end, auction_start, month, title, description) \
         SELECT procedure_id, kind, position, method, status, public_id, buyer, classification, \
         region, amount, currency, awarded, bids, date, date_modified, tender_start, tender_end, \
         auction_start, month, title, description FROM rebuilt.read_search ORDER BY procedure_id; \
         INSERT INTO main.read_search_facets (facet, value, procedure_id) \
         SELECT facet, value, procedure_id FROM rebuilt.read_search_facets; \
         INSERT INTO main.read_revisions (procedure_id, revision, kind, position, event_type, \
         recorded_at, published, body) \
         SELECT procedure_id, revision, kind, position, event_type, recorded_at, published, body \
         FROM rebuilt.read_revisions; \
         INSERT INTO main.read_events (position, body) \
         SELECT position, body FROM rebuilt.read_events ORDER BY position;",
    )
    .map_err(unavailable)?;
    set_positions(&tx, to as u64)?;
    tx.commit().map_err(unavailable)
}

#[async_trait]
impl ReadStore for SqliteReadStore {
    async fn positions(&self) -> Result<Vec<(&'static str, u64)>, ReadStoreError> {
        self.read(|connection| positions(connection)).await
    }

    async fn apply(&self, batch: ChangeBatch) -> Result<(), ReadStoreError> {
        self.write(move |connection| {
            let tx = connection
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(unavailable)?;
            check_positions(&tx, batch.from)?;
            write_rows(
                &tx,
                &batch.documents,
                &batch.feed,
                &batch.contracts,
                &batch.revisions,
                &batch.events,
            )
            .map_err(unavailable)?;
            set_positions(&tx, batch.to)?;
            tx.commit().map_err(unavailable)
        })
        .await
    }

    async fn document(&self, procedure_id: &str) -> Result<Option<DocumentRow>, ReadStoreError> {
        let id = procedure_id.to_owned();
        self.read(move |connection| {
            connection
                .prepare_cached(
                    "SELECT procedure_id, kind, revision, position, body FROM read_documents \
                     WHERE procedure_id = ?1",
                )
                .and_then(|mut statement| statement.query_row([id], document_row).optional())
                .map_err(unavailable)
        })
        .await
    }

    async fn body_is_public(&self, key: &str) -> Result<bool, ReadStoreError> {
        let key = key.to_owned();
        self.read(move |connection| {
            connection
                .prepare_cached("SELECT 1 FROM read_public_bodies WHERE key = ?1 LIMIT 1")
                .and_then(|mut statement| statement.exists([key]))
                .map_err(unavailable)
        })
        .await
    }

    async fn feed_row(&self, procedure_id: &str) -> Result<Option<FeedRow>, ReadStoreError> {
        let id = procedure_id.to_owned();
        self.read(move |connection| {
            connection
                .prepare_cached(&format!(
                    "SELECT {FEED_COLUMNS} FROM read_feed f WHERE f.procedure_id = ?1"
                ))
                .and_then(|mut statement| statement.query_row([id], feed_row).optional())
                .map_err(unavailable)
        })
        .await
    }

    async fn documents(
        &self,
        procedure_ids: &[String],
    ) -> Result<HashMap<String, DocumentRow>, ReadStoreError> {
        let ids = serde_json::to_string(procedure_ids).map_err(unavailable)?;
        self.read(move |connection| {
            let mut statement = connection
                .prepare_cached(
                    "SELECT procedure_id, kind, revision, position, body FROM read_documents \
                     WHERE procedure_id IN (SELECT value FROM json_each(?1))",
                )
                .map_err(unavailable)?;
            let rows = statement
                .query_map([ids], document_row)
                .map_err(unavailable)?;
            rows.map(|row| row.map(|row| (row.procedure_id.clone(), row)))
                .collect::<Result<_, _>>()
                .map_err(unavailable)
        })
        .await
    }

    async fn public_events(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<PublicEventRow>, ReadStoreError> {
        self.read(move |connection| {
            let mut statement = connection
                .prepare_cached(
                    "SELECT position, body FROM read_events WHERE position > ?1 \
                     ORDER BY position LIMIT ?2",
                )
                .map_err(unavailable)?;
            let rows = statement
                .query_map(params![after as i64, limit as i64], event_row)
                .map_err(unavailable)?;
            rows.collect::<Result<_, _>>().map_err(unavailable)
        })
        .await
    }

    async fn feed(&self, query: &FeedQuery) -> Result<Vec<FeedEntry>, ReadStoreError> {
        let query = query.clone();
        self.read(move |connection| {
            let kinds = kind_list(&query.kinds);
            let (comparison, order) = if query.descending {
                ("<", "DESC")
            } else {
                (">", "ASC")
            };
            let offset = match (query.offset, query.descending) {
                (Some(offset), _) => offset as i64,
                (None, true) => i64::MAX,
                (None, false) => 0,
            };
            let body = if query.with_body { "d.body" } else { "NULL" };
            let sql = format!(
                "SELECT {FEED_COLUMNS}, {body} FROM read_feed f \
                 JOIN read_documents d ON d.procedure_id = f.procedure_id \
                 WHERE f.kind IN ({kinds}) AND f.position {comparison} ?1 AND {NOT_DRAFT} \
                 ORDER BY f.position {order} LIMIT ?2"
            );
            let mut statement = connection.prepare_cached(&sql).map_err(unavailable)?;
            let rows = statement
                .query_map(params![offset, query.limit as i64], |row| {
                    Ok(FeedEntry {
                        row: feed_row(row)?,
                        body: row.get(8)?,
                    })
                })
                .map_err(unavailable)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
        })
        .await
    }

    async fn contract(&self, contract_id: &str) -> Result<Option<ContractRow>, ReadStoreError> {
        let id = contract_id.to_owned();
        self.read(move |connection| {
            connection
                .prepare_cached(&format!(
                    "SELECT {CONTRACT_COLUMNS} FROM read_contracts c WHERE c.contract_id = ?1 \
                     ORDER BY c.position DESC, c.procedure_id LIMIT 1"
                ))
                .and_then(|mut statement| statement.query_row([id], contract_row).optional())
                .map_err(unavailable)
        })
        .await
    }

    async fn procedure_contracts(
        &self,
        procedure_ids: &[String],
    ) -> Result<Vec<ContractRow>, ReadStoreError> {
        let ids = serde_json::to_string(procedure_ids).map_err(unavailable)?;
        self.read(move |connection| {
            let mut statement = connection
                .prepare_cached(&format!(
                    "SELECT {CONTRACT_COLUMNS} FROM read_contracts c \
                     WHERE c.procedure_id IN (SELECT value FROM json_each(?1))"
                ))
                .map_err(unavailable)?;
            let rows = statement
                .query_map([ids], contract_row)
                .map_err(unavailable)?;
            rows.collect::<Result<_, _>>().map_err(unavailable)
        })
        .await
    }

    async fn contracts_feed(&self, query: &FeedQuery) -> Result<Vec<ContractRow>, ReadStoreError> {
        let query = query.clone();
        self.read(move |connection| {
            let kinds = kind_list(&query.kinds);
            // The last position of the page (the first `limit` contracts),
            // then every contract up to and including it.
            let (comparison, bound, edge, order) = if query.descending {
                ("<", ">=", "min", "DESC")
            } else {
                (">", "<=", "max", "ASC")
            };
            let offset = match (query.offset, query.descending) {
                (Some(offset), _) => offset as i64,
                (None, true) => i64::MAX,
                (None, false) => 0,
            };
            let sql = format!(
                "SELECT {CONTRACT_COLUMNS} FROM read_contracts c \
                 WHERE c.kind IN ({kinds}) AND c.position {comparison} ?1 \
                 AND c.position {bound} (SELECT {edge}(position) FROM \
                   (SELECT position FROM read_contracts WHERE kind IN ({kinds}) \
                    AND position {comparison} ?1 ORDER BY position {order} LIMIT ?2)) \
                 ORDER BY c.position {order}, c.contract_id {order}, c.procedure_id {order}"
            );
            let mut statement = connection.prepare_cached(&sql).map_err(unavailable)?;
            let rows = statement
                .query_map(params![offset, query.limit as i64], contract_row)
                .map_err(unavailable)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
        })
        .await
    }

    async fn snapshot(&self) -> Result<Snapshot, ReadStoreError> {
        self.read(|connection| {
            // One read transaction: a WAL snapshot of both tables and positions.
            let tx = connection.transaction().map_err(unavailable)?;
            let positions = positions(&tx)?;
            let documents = tx
                .prepare(
                    "SELECT procedure_id, kind, revision, position, body FROM read_documents \
                     ORDER BY procedure_id",
                )
                .and_then(|mut s| s.query_map([], document_row)?.collect())
                .map_err(unavailable)?;
            let feed = tx
                .prepare(&format!(
                    "SELECT {FEED_COLUMNS} FROM read_feed f ORDER BY f.procedure_id"
                ))
                .and_then(|mut s| s.query_map([], feed_row)?.collect())
                .map_err(unavailable)?;
            let contracts = tx
                .prepare(&format!(
                    "SELECT {CONTRACT_COLUMNS} FROM read_contracts c \
                     ORDER BY c.procedure_id, c.contract_id"
                ))
                .and_then(|mut s| s.query_map([], contract_row)?.collect())
                .map_err(unavailable)?;
            let revisions = tx
                .prepare(&format!(
                    "SELECT {REVISION_COLUMNS} FROM read_revisions r \
                     ORDER BY r.procedure_id, r.revision"
                ))
                .and_then(|mut s| s.query_map([], revision_row)?.collect())
                .map_err(unavailable)?;
            let events = tx
                .prepare("SELECT position, body FROM read_events ORDER BY position")
                .and_then(|mut s| s.query_map([], event_row)?.collect())
                .map_err(unavailable)?;
            let position = |name: &str| {
                positions
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map_or(0, |(_, p)| *p)
            };
            Ok(Snapshot {
                documents_position: position(crate::model::DOCUMENTS),
                feed_position: position(crate::model::FEED),
                contracts_position: position(crate::model::CONTRACTS),
                documents,
                feed,
                contracts,
                revisions,
                events,
            })
        })
        .await
    }

    async fn replace(&self, snapshot: Snapshot, expected: u64) -> Result<(), ReadStoreError> {
        self.write(move |connection| {
            let tx = connection
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(unavailable)?;
            check_positions(&tx, expected)?;
            tx.execute_batch(CLEAR).map_err(unavailable)?;
            write_rows(
                &tx,
                &snapshot.documents,
                &snapshot.feed,
                &snapshot.contracts,
                &snapshot.revisions,
                &snapshot.events,
            )
            .map_err(unavailable)?;
            set_positions(&tx, snapshot.position())?;
            tx.commit().map_err(unavailable)
        })
        .await
    }

    async fn digests(&self) -> Result<[Digest; DIGESTS], ReadStoreError> {
        self.read(|connection| {
            // One read transaction: a WAL snapshot of every table and the
            // positions; each row is hashed as it is read.
            let tx = connection.transaction().map_err(unavailable)?;
            let positions = positions(&tx)?;
            let mut digester = Digester::default();
            digest_rows(
                &tx,
                "SELECT procedure_id, kind, revision, position, body FROM read_documents \
                 ORDER BY procedure_id",
                document_row,
                |row| digester.document(&row),
            )?;
            digest_rows(
                &tx,
                &format!("SELECT {FEED_COLUMNS} FROM read_feed f ORDER BY f.procedure_id"),
                feed_row,
                |row| digester.feed(&row),
            )?;
            digest_rows(
                &tx,
                &format!(
                    "SELECT {CONTRACT_COLUMNS} FROM read_contracts c \
                     ORDER BY c.procedure_id, c.contract_id"
                ),
                contract_row,
                |row| digester.contract(&row),
            )?;
            digest_search(&tx, &mut digester)?;
            digest_rows(
                &tx,
                &format!(
                    "SELECT {REVISION_COLUMNS} FROM read_revisions r \
                     ORDER BY r.procedure_id, r.revision"
                ),
                revision_row,
                |row| digester.revision(&row),
            )?;
            digest_rows(
                &tx,
                "SELECT position, body FROM read_events ORDER BY position",
                event_row,
                |row| digester.event(&row),
            )?;
            Ok(digester.finish(
                position_of(&positions, DOCUMENTS),
                position_of(&positions, FEED),
                position_of(&positions, CONTRACTS),
            ))
        })
        .await
    }

    async fn replace_with(
        &self,
        rebuilt: &SqliteReadStore,
        expected: u64,
    ) -> Result<(), ReadStoreError> {
        let source = rebuilt.path.to_string_lossy().into_owned();
        self.write(move |connection| {
            // Attached outside the transaction (SQLite requires it), copied
            // table to table inside it: SQLite streams the rows through its
            // page cache, so nothing is held whole in memory.
            connection
                .execute("ATTACH DATABASE ?1 AS rebuilt", [&source])
                .map_err(unavailable)?;
            let copied = copy_attached(connection, expected);
            let detached = connection
                .execute_batch("DETACH DATABASE rebuilt")
                .map_err(unavailable);
            copied.and(detached)
        })
        .await
    }

    async fn revisions(
        &self,
        query: &RevisionQuery,
    ) -> Result<Vec<RevisionChange>, ReadStoreError> {
        let (order, compare) = if query.descending {
            ("DESC", "<")
        } else {
            ("ASC", ">")
        };
        let offset = query
            .offset
            .map_or(if query.descending { i64::MAX } else { 0 }, |o| o as i64);
        let sql = format!(
            "SELECT {REVISION_COLUMNS}, p.published, p.body FROM read_revisions r \
             LEFT JOIN read_revisions p \
             ON p.procedure_id = r.procedure_id AND p.revision = r.revision - 1 \
             WHERE r.published AND r.kind IN ({}) AND r.position {compare} ?1 \
             ORDER BY r.position {order} LIMIT ?2",
            kind_list(&query.kinds)
        );
        let limit = query.limit as i64;
        self.read(move |connection| {
            connection
                .prepare_cached(&sql)
                .and_then(|mut s| {
                    s.query_map(params![offset, limit], |row| {
                        let previous_published: Option<bool> = row.get(8)?;
                        Ok(RevisionChange {
                            revision: revision_row(row)?,
                            previous: match previous_published {
                                Some(true) => row.get(9)?,
                                _ => None,
                            },
                        })
                    })?
                    .collect()
                })
                .map_err(unavailable)
        })
        .await
    }

    async fn procedure_revisions(
        &self,
        procedure_id: &str,
    ) -> Result<Vec<RevisionRow>, ReadStoreError> {
        let id = procedure_id.to_owned();
        self.read(move |connection| {
            connection
                .prepare_cached(&format!(
                    "SELECT {REVISION_COLUMNS} FROM read_revisions r \
                     WHERE r.procedure_id = ?1 ORDER BY r.revision"
                ))
                .and_then(|mut s| s.query_map([id], revision_row)?.collect())
                .map_err(unavailable)
        })
        .await
    }

    async fn procedure_by_public_id(
        &self,
        public_id: &str,
    ) -> Result<Option<String>, ReadStoreError> {
        let id = public_id.to_owned();
        self.read(move |connection| {
            connection
                .prepare_cached(
                    "SELECT procedure_id FROM read_search WHERE public_id = ?1 \
                     ORDER BY procedure_id LIMIT 1",
                )
                .and_then(|mut s| s.query_row([id], |row| row.get(0)).optional())
                .map_err(unavailable)
        })
        .await
    }

    async fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>, ReadStoreError> {
        let sql = search_sql(Dialect::Sqlite, query);
        let sort = query.sort;
        self.read(move |connection| {
            let mut statement = connection.prepare_cached(&sql.text).map_err(unavailable)?;
            let rows = statement
                .query_map(
                    rusqlite::params_from_iter(sqlite_params(&sql.params)),
                    |row| {
                        Ok(SearchHit {
                            procedure_id: row.get(0)?,
                            kind: row.get(1)?,
                            date_modified: row.get(2)?,
                            key: row.get(3)?,
                            body: row.get(4)?,
                        })
                    },
                )
                .map_err(unavailable)?;
            let mut hits = rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)?;
            if sort == Sort::Value {
                for hit in &mut hits {
                    hit.key = amount_from_sortable(&hit.key)
                        .map(|amount| amount.to_string())
                        .unwrap_or_default();
                }
            }
            Ok(hits)
        })
        .await
    }

    async fn stats(&self, query: &StatsQuery) -> Result<Vec<StatsRow>, ReadStoreError> {
        let sql = stats_sql(Dialect::Sqlite, query);
        let groups = query.groups.len();
        self.read(move |connection| {
            let mut statement = connection.prepare_cached(&sql.text).map_err(unavailable)?;
            let mut rows = statement
                .query(rusqlite::params_from_iter(sqlite_params(&sql.params)))
                .map_err(unavailable)?;
            let mut out = Vec::new();
            while let Some(row) = rows.next().map_err(unavailable)? {
                let keys = (0..groups)
                    .map(|i| {
                        row.get::<_, Option<String>>(i)
                            .map(Option::unwrap_or_default)
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(unavailable)?;
                let count = |i: usize| row.get::<_, i64>(groups + i).map_err(unavailable);
                let text = |i: usize| {
                    row.get::<_, Option<String>>(groups + i)
                        .map_err(unavailable)
                };
                out.push(super::stats_row(
                    keys,
                    [count(0)?, count(1)?, count(2)?, count(4)?],
                    [text(3)?, text(5)?, text(6)?],
                )?);
            }
            Ok(out)
        })
        .await
    }

    fn backend(&self) -> &'static str {
        "embedded"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed_row(id: &str, position: u64, status: &str) -> FeedRow {
        FeedRow {
            procedure_id: id.into(),
            kind: "k".into(),
            position,
            date_modified: String::new(),
            status: status.into(),
            procurement_method_type: "k".into(),
            owner: "broker".into(),
            bids_disclosed: false,
        }
    }

    fn document(id: &str, position: u64) -> DocumentRow {
        DocumentRow {
            procedure_id: id.into(),
            kind: "k".into(),
            revision: 1,
            position,
            body: "{}".into(),
        }
    }

    fn contract(procedure: &str, id: &str, position: u64) -> ContractRow {
        ContractRow {
            procedure_id: procedure.into(),
            contract_id: id.into(),
            kind: "k".into(),
            revision: 1,
            position,
            date_modified: String::new(),
            status: "pending".into(),
            body: format!(r#"{{"id":"{id}"}}"#),
        }
    }

    fn revision(id: &str, revision: u64, position: u64, status: &str) -> RevisionRow {
        RevisionRow {
            procedure_id: id.into(),
            kind: "priceQuotation".into(),
            revision,
            position,
            event_type: "Changed".into(),
            recorded_at: "2026-07-01T12:00:00+03:00".into(),
            published: !crate::model::is_draft(status),
            body: format!(r#"{{"data":{{"id":"{id}","status":"{status}","n":{revision}}}}}"#),
        }
    }

    #[tokio::test]
    async fn the_history_pages_published_versions_with_the_published_one_before() {
        let dir = tempfile::tempdir().expect("dir");
        let store = SqliteReadStore::open(&dir.path().join("read")).expect("open");
        let mut sale = revision("s", 1, 3, "active.auction");
        sale.kind = "basicSell-dutch".into();
        let revisions = vec![
            revision("a", 1, 1, "draft"),
            revision("a", 2, 2, "active.tendering"),
            sale,
            revision("a", 3, 4, "active.qualification"),
            revision("b", 1, 5, "active.tendering"),
        ];
        store
            .apply(ChangeBatch {
                from: 0,
                to: 5,
                revisions: revisions.clone(),
                ..ChangeBatch::default()
            })
            .await
            .expect("apply");
        let page = |offset, limit, descending| RevisionQuery {
            kinds: vec!["priceQuotation".into()],
            offset,
            limit,
            descending,
        };
        let changes = store.revisions(&page(None, 10, false)).await.expect("read");
        let at: Vec<(u64, bool)> = changes
            .iter()
            .map(|c| (c.revision.position, c.previous.is_some()))
            .collect();
        assert_eq!(at, [(2, false), (4, true), (5, false)], "no draft, no sale");
        assert_eq!(
            changes[1].previous.as_deref(),
            Some(revisions[1].body.as_str())
        );
        let after = store
            .revisions(&page(Some(2), 1, false))
            .await
            .expect("read");
        assert_eq!(after[0].revision.position, 4);
        let back = store.revisions(&page(None, 2, true)).await.expect("read");
        assert_eq!(
            back.iter().map(|c| c.revision.position).collect::<Vec<_>>(),
            [5, 4]
        );
        let history = store.procedure_revisions("a").await.expect("read");
        assert_eq!(
            history,
            revisions
                .iter()
                .filter(|r| r.procedure_id == "a")
                .cloned()
                .collect::<Vec<_>>()
        );
        assert_eq!(RevisionChange::history(history), changes[..2].to_vec());
    }

    fn query(offset: Option<u64>, limit: usize, descending: bool) -> FeedQuery {
        FeedQuery {
            kinds: vec!["k".into()],
            offset,
            limit,
            descending,
            with_body: false,
        }
    }

    #[tokio::test]
    async fn feeds_leave_drafts_out_and_never_split_a_position() {
        let dir = tempfile::tempdir().expect("dir");
        let store = SqliteReadStore::open(&dir.path().join("read")).expect("open");
        let batch = ChangeBatch {
            from: 0,
            to: 9,
            documents: ["a", "b", "c", "d"]
                .iter()
                .zip(1..)
                .map(|(id, position)| document(id, position))
                .collect(),
            feed: vec![
                feed_row("a", 1, "draft"),
                feed_row("b", 2, "active.tendering"),
                feed_row("c", 3, "draft.publishing"),
                feed_row("d", 4, "drafted"),
            ],
            contracts: vec![
                contract("b", "c1", 5),
                contract("b", "c3", 7),
                contract("b", "c2", 7),
                contract("d", "c4", 9),
            ],
            revisions: vec![],
            events: vec![],
        };
        store.apply(batch).await.expect("apply");
        let listed: Vec<String> = store
            .feed(&query(None, 10, false))
            .await
            .expect("feed")
            .into_iter()
            .map(|entry| entry.row.procedure_id)
            .collect();
        assert_eq!(listed, ["b", "d"]);
        let ids = |rows: Vec<ContractRow>| -> Vec<String> {
            rows.into_iter().map(|row| row.contract_id).collect()
        };
        // A page of 2 ends inside position 7: it takes the rest of it.
        assert_eq!(
            ids(store
                .contracts_feed(&query(None, 2, false))
                .await
                .expect("page")),
            ["c1", "c2", "c3"]
        );
        assert_eq!(
            ids(store
                .contracts_feed(&query(Some(7), 2, false))
                .await
                .expect("page")),
            ["c4"]
        );
        assert!(
            store
                .contracts_feed(&query(Some(9), 2, false))
                .await
                .expect("page")
                .is_empty()
        );
        assert_eq!(
            ids(store
                .contracts_feed(&query(None, 2, true))
                .await
                .expect("page")),
            ["c4", "c3", "c2"]
        );
        assert_eq!(
            ids(store
                .contracts_feed(&query(Some(7), 5, true))
                .await
                .expect("page")),
            ["c1"]
        );
        let found = store.contract("c2").await.expect("read").expect("c2");
        assert_eq!(found.procedure_id, "b");
        assert!(store.contract("c9").await.expect("read").is_none());
        let snapshot = store.snapshot().await.expect("snapshot");
        assert_eq!(snapshot.position(), 9);
        assert_eq!(ids(snapshot.contracts), ["c1", "c2", "c3", "c4"]);
    }

    #[tokio::test]
    async fn a_read_model_added_by_an_upgrade_starts_everything_over() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("read");
        let store = SqliteReadStore::open(&path).expect("open");
        let batch = ChangeBatch {
            from: 0,
            to: 4,
            documents: vec![document("a", 4)],
            feed: vec![feed_row("a", 4, "active")],
            contracts: vec![],
            revisions: vec![],
            events: vec![],
        };
        store.apply(batch).await.expect("apply");
        drop(store);
        // As a store written before the contracts model existed.
        let store = downgraded(
            &path,
            "DELETE FROM read_positions WHERE name = 'contracts'; DROP TABLE read_contracts;",
        )
        .await;
        // An even store is left alone.
        store
            .apply(ChangeBatch {
                from: 0,
                to: 4,
                documents: vec![document("a", 4)],
                feed: vec![feed_row("a", 4, "active")],
                contracts: vec![contract("a", "c1", 4)],
                revisions: vec![],
                events: vec![],
            })
            .await
            .expect("apply");
        drop(store);
        let store = SqliteReadStore::open(&path).expect("reopen");
        assert!(store.document("a").await.expect("read").is_some());
        assert_eq!(
            store.positions().await.expect("positions"),
            [("documents", 4), ("feed", 4), ("contracts", 4)]
        );
        drop(store);
        // As a store written before the public event log was kept.
        downgraded(&path, "DROP TABLE read_events;").await;
    }

    /// Runs `sql` on the closed store at `path` (to make it look written
    /// by an earlier build), reopens it and checks that it started over.
    async fn downgraded(path: &Path, sql: &str) -> SqliteReadStore {
        Connection::open(path)
            .and_then(|connection| connection.execute_batch(sql))
            .expect("downgrade");
        let store = SqliteReadStore::open(path).expect("reopen");
        let positions = store.positions().await.expect("positions");
        assert!(positions.iter().all(|(_, p)| *p == 0), "{positions:?}");
        assert!(store.document("a").await.expect("read").is_none());
        store
    }

    #[tokio::test]
    async fn streamed_digests_and_a_paged_install_equal_the_snapshot() {
        let dir = tempfile::tempdir().expect("dir");
        let rebuilt = SqliteReadStore::open(&dir.path().join("rebuilt")).expect("open");
        let documents: Vec<DocumentRow> = (0..2500)
            .map(|n| document(&format!("p{n:05}"), n + 1))
            .collect();
        let feed: Vec<FeedRow> = (0..2500)
            .map(|n| feed_row(&format!("p{n:05}"), n + 1, "active"))
            .collect();
        let contracts = vec![contract("p00001", "c2", 2), contract("p00001", "c1", 2)];
        let revisions = (0..2500)
            .map(|n| revision(&format!("p{n:05}"), 1, n + 1, "active"))
            .collect();
        let events: Vec<PublicEventRow> = (1..=2500)
            .map(|position| PublicEventRow {
                position,
                body: format!(r#"{{"position":{position}}}"#),
            })
            .collect();
        rebuilt
            .apply(ChangeBatch {
                from: 0,
                to: 2500,
                documents,
                feed,
                contracts,
                revisions,
                events: events.clone(),
            })
            .await
            .expect("apply");
        let snapshot = rebuilt.snapshot().await.expect("snapshot");
        assert_eq!(
            rebuilt.digests().await.expect("digests"),
            snapshot.digests()
        );

        let live = SqliteReadStore::open(&dir.path().join("live")).expect("open");
        live.apply(ChangeBatch {
            from: 0,
            to: 7,
            documents: vec![document("old", 7)],
            feed: vec![feed_row("old", 7, "active")],
            contracts: vec![],
            revisions: vec![revision("old", 1, 7, "active")],
            events: vec![],
        })
        .await
        .expect("apply");
        // Guarded by the position: a live store that moved is left alone.
        assert!(matches!(
            live.replace_with(&rebuilt, 6).await,
            Err(ReadStoreError::Moved {
                expected: 6,
                actual: 7
            })
        ));
        assert!(live.document("old").await.expect("read").is_some());
        live.replace_with(&rebuilt, 7).await.expect("install");
        assert_eq!(live.snapshot().await.expect("snapshot"), snapshot);
        assert_eq!(live.digests().await.expect("digests"), snapshot.digests());
        assert!(live.document("old").await.expect("read").is_none());
        // Twice: the scratch file was detached again.
        live.replace_with(&rebuilt, 2500).await.expect("again");
        // The pages a PostgreSQL install reads: every row once, in order.
        let mut ids = Vec::new();
        let mut after = None;
        loop {
            let page = rebuilt
                .documents_page(after.take(), 1000)
                .await
                .expect("page");
            ids.extend(page.iter().map(|row| row.procedure_id.clone()));
            match page.last() {
                Some(last) if page.len() == 1000 => after = Some(last.procedure_id.clone()),
                _ => break,
            }
        }
        assert_eq!(ids.len(), 2500);
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
        // The public event log: pages after a position, in log order.
        assert_eq!(snapshot.events, events);
        let page = rebuilt.public_events(1000, 3).await.expect("page");
        assert_eq!(page, events[1000..1003]);
        assert!(
            rebuilt
                .public_events(2500, 10)
                .await
                .expect("page")
                .is_empty()
        );
        let first = rebuilt.contracts_page(None, 1).await.expect("page");
        assert_eq!(first[0].contract_id, "c1");
        let next = rebuilt
            .contracts_page(Some(("p00001".into(), "c1".into())), 5)
            .await
            .expect("page");
        assert_eq!(next.len(), 1);
        assert_eq!(next[0].contract_id, "c2");
        assert_eq!(
            rebuilt
                .feed_page(Some("p02498".into()), 5)
                .await
                .expect("page")
                .len(),
            1
        );
    }
}
