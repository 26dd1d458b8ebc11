//! Read models in the PostgreSQL database of the event store (tables
//! `read_positions`, `read_documents`, `read_feed`, `read_public_bodies`,
//! `read_contracts`). Several servers may
//! project into them at once: a batch locks the position rows and applies
//! only if they are still where it started.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::{NoTls, Row};

use super::sqlite::SqliteReadStore;
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
use crate::search::SearchRow;
use crate::search_query::{
    Dialect, Param, SearchHit, SearchQuery, Sort, StatsQuery, StatsRow, search_sql, stats_sql,
};

const SCHEMA: &str = r#"
SELECT pg_advisory_xact_lock(7470812);
CREATE TABLE IF NOT EXISTS read_positions (
    name TEXT PRIMARY KEY,
    position BIGINT NOT NULL
);
INSERT INTO read_positions (name, position) VALUES ('documents', 0), ('feed', 0), ('contracts', 0)
    ON CONFLICT (name) DO NOTHING;
CREATE TABLE IF NOT EXISTS read_documents (
    procedure_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    revision BIGINT NOT NULL,
    position BIGINT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS read_feed (
    procedure_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    position BIGINT NOT NULL,
    date_modified TEXT NOT NULL,
    status TEXT NOT NULL,
    procurement_method_type TEXT NOT NULL,
    owner TEXT NOT NULL,
    bids_disclosed BOOLEAN NOT NULL
);
CREATE INDEX IF NOT EXISTS read_feed_kind_position ON read_feed (kind, position);
CREATE TABLE IF NOT EXISTS read_public_bodies (
    key TEXT NOT NULL,
    procedure_id TEXT NOT NULL,
    PRIMARY KEY (key, procedure_id)
);
CREATE INDEX IF NOT EXISTS read_public_bodies_procedure ON read_public_bodies (procedure_id);
CREATE TABLE IF NOT EXISTS read_contracts (
    procedure_id TEXT NOT NULL,
    contract_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    revision BIGINT NOT NULL,
    position BIGINT NOT NULL,
    date_modified TEXT NOT NULL,
    status TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (procedure_id, contract_id)
);
CREATE INDEX IF NOT EXISTS read_contracts_id ON read_contracts (contract_id);
CREATE INDEX IF NOT EXISTS read_contracts_position ON read_contracts (position, contract_id);
"#;

/// The search index (`crate::search`), kept with the documents. Text
/// columns compare byte by byte (`COLLATE "C"`), as SQLite's do; the words
/// are indexed by the `simple` configuration, which lowercases and splits
/// at spaces only what `crate::search::words` already gave.
const SEARCH_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS read_search (
    procedure_id TEXT COLLATE "C" PRIMARY KEY,
    kind TEXT NOT NULL,
    position BIGINT NOT NULL,
    method TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    public_id TEXT NOT NULL,
    buyer TEXT COLLATE "C" NOT NULL,
    classification TEXT COLLATE "C" NOT NULL,
    region TEXT COLLATE "C" NOT NULL,
    amount NUMERIC,
    currency TEXT COLLATE "C" NOT NULL,
    awarded NUMERIC,
    bids BIGINT,
    date TEXT COLLATE "C" NOT NULL,
    date_modified TEXT COLLATE "C" NOT NULL,
    tender_start TEXT COLLATE "C" NOT NULL,
    tender_end TEXT COLLATE "C" NOT NULL,
    auction_start TEXT COLLATE "C" NOT NULL,
    month TEXT COLLATE "C" NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    title_words tsvector GENERATED ALWAYS AS (to_tsvector('simple', title)) STORED,
    description_words tsvector GENERATED ALWAYS AS (to_tsvector('simple', description)) STORED,
    words tsvector GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || description)) STORED
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
CREATE INDEX IF NOT EXISTS read_search_words ON read_search USING GIN (words);
CREATE TABLE IF NOT EXISTS read_search_facets (
    facet TEXT COLLATE "C" NOT NULL,
    value TEXT COLLATE "C" NOT NULL,
    procedure_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (facet, value, procedure_id)
);
CREATE INDEX IF NOT EXISTS read_search_facets_procedure ON read_search_facets (procedure_id);
"#;

/// The history of the documents (`crate::revisions`), kept with them, and
/// the index that finds a procedure by its public id (an ocid names it).
const REVISIONS_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS read_revisions (
    procedure_id TEXT NOT NULL,
    revision BIGINT NOT NULL,
    kind TEXT NOT NULL,
    position BIGINT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    published BOOLEAN NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (procedure_id, revision)
);
CREATE INDEX IF NOT EXISTS read_search_public_id ON read_search (public_id);
"#;

/// The public event log (`crate::public_events`), kept with the feed.
const EVENTS_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS read_events (
    position BIGINT PRIMARY KEY,
    body TEXT NOT NULL
);
"#;

/// Every read-model table, emptied together (a replace, an upgrade).
const CLEAR: &str = "DELETE FROM read_documents; DELETE FROM read_feed; \
     DELETE FROM read_public_bodies; DELETE FROM read_contracts; DELETE FROM read_search; \
     DELETE FROM read_search_facets; DELETE FROM read_revisions; DELETE FROM read_events;";

const FEED_COLUMNS: &str = "f.procedure_id, f.kind, f.position, f.date_modified, f.status, \
     f.procurement_method_type, f.owner, f.bids_disclosed";

const REVISION_COLUMNS: &str = "r.procedure_id, r.kind, r.revision, r.position, r.event_type, \
     r.recorded_at, r.published, r.body";

const CONTRACT_COLUMNS: &str = "c.procedure_id, c.contract_id, c.kind, c.revision, c.position, \
     c.date_modified, c.status, c.body";

pub struct PostgresReadStore {
    pool: Pool,
    /// Documents written since the search tables were last analyzed, and
    /// about how many rows they had then (see [`Self::analyze_if_grown`]).
    written: AtomicU64,
    analyzed: AtomicU64,
}

/// The planner's statistics of the search tables are refreshed once this
/// many documents, plus a tenth of the rows at the last refresh, have been
/// written: autovacuum's default rule, but at once rather than up to a
/// minute later.
const ANALYZE_THRESHOLD: u64 = 50;

/// Refreshes the planner's statistics of the search tables. Without them
/// (a store just filled, or rebuilt) PostgreSQL takes the tables for nearly
/// empty and may join a facet to the procedures by rescanning the whole
/// facet range once per procedure.
const ANALYZE_SEARCH: &str = "ANALYZE read_search, read_search_facets";

/// The rows of `read_search` as the statistics last counted them (-1 when
/// never analyzed).
const SEARCH_ROWS: &str = "SELECT reltuples FROM pg_class WHERE oid = 'read_search'::regclass";

impl PostgresReadStore {
    /// Connects and creates the read-model tables if they are missing.
    pub async fn connect(url: &str) -> Result<Self, ReadStoreError> {
        let config = commands::store::postgres::config(url).map_err(unavailable)?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(8)
            .build()
            .map_err(unavailable)?;
        let mut client = pool.get().await.map_err(unavailable)?;
        let tx = client.transaction().await.map_err(unavailable)?;
        tx.batch_execute(SCHEMA).await.map_err(unavailable)?;
        // A store from before the search index, the history or the event
        // log has documents but no rows there: everything starts over, like
        // an uneven upgrade.
        let model_is_new: bool = tx
            .query_one(
                "SELECT to_regclass('read_search') IS NULL OR to_regclass('read_revisions') IS NULL \
                 OR to_regclass('read_events') IS NULL",
                &[],
            )
            .await
            .map_err(unavailable)?
            .get(0);
        tx.batch_execute(SEARCH_SCHEMA).await.map_err(unavailable)?;
        tx.batch_execute(REVISIONS_SCHEMA)
            .await
            .map_err(unavailable)?;
        tx.batch_execute(EVENTS_SCHEMA).await.map_err(unavailable)?;
        // Under the schema's advisory lock, so one server does this once.
        if uneven(&positions(&tx, true).await?) || model_is_new {
            tx.batch_execute(CLEAR).await.map_err(unavailable)?;
            tx.execute("UPDATE read_positions SET position = 0", &[])
                .await
                .map_err(unavailable)?;
        }
        let analyzed: f32 = tx
            .query_one(SEARCH_ROWS, &[])
            .await
            .map_err(unavailable)?
            .get(0);
        tx.commit().await.map_err(unavailable)?;
        drop(client);
        Ok(PostgresReadStore {
            pool,
            written: AtomicU64::new(0),
            analyzed: AtomicU64::new(analyzed.max(0.0) as u64),
        })
    }

    /// Counts `documents` more written and refreshes the search tables'
    /// statistics when they have grown enough since the last refresh (or
    /// always, with `force`, after a rebuild). A failure only leaves the
    /// statistics to autovacuum: the rows are already committed.
    async fn analyze_if_grown(&self, client: &impl GenericClient, documents: u64, force: bool) {
        let written = self.written.fetch_add(documents, Ordering::Relaxed) + documents;
        let analyzed = self.analyzed.load(Ordering::Relaxed);
        if !force && written <= ANALYZE_THRESHOLD + analyzed / 10 {
            return;
        }
        self.written.fetch_sub(written, Ordering::Relaxed);
        match client.batch_execute(ANALYZE_SEARCH).await {
            Ok(()) => {
                let rows: f32 = match client.query_one(SEARCH_ROWS, &[]).await {
                    Ok(row) => row.get(0),
                    Err(_) => (analyzed + written) as f32,
                };
                self.analyzed.store(rows.max(0.0) as u64, Ordering::Relaxed);
            }
            Err(e) => tracing::warn!("cannot analyze the search tables: {e}"),
        }
    }
}

async fn positions(
    client: &impl GenericClient,
    lock: bool,
) -> Result<Vec<(&'static str, u64)>, ReadStoreError> {
    let sql = if lock {
        "SELECT name, position FROM read_positions ORDER BY name FOR UPDATE"
    } else {
        "SELECT name, position FROM read_positions ORDER BY name"
    };
    let rows = client.query(sql, &[]).await.map_err(unavailable)?;
    Ok(READ_MODELS
        .iter()
        .map(|name| {
            let position = rows
                .iter()
                .find(|row| row.get::<_, &str>(0) == *name)
                .map_or(0, |row| row.get::<_, i64>(1) as u64);
            (*name, position)
        })
        .collect())
}

fn document_row(row: &Row) -> DocumentRow {
    DocumentRow {
        procedure_id: row.get(0),
        kind: row.get(1),
        revision: row.get::<_, i64>(2) as u64,
        position: row.get::<_, i64>(3) as u64,
        body: row.get(4),
    }
}

fn feed_row(row: &Row) -> FeedRow {
    FeedRow {
        procedure_id: row.get(0),
        kind: row.get(1),
        position: row.get::<_, i64>(2) as u64,
        date_modified: row.get(3),
        status: row.get(4),
        procurement_method_type: row.get(5),
        owner: row.get(6),
        bids_disclosed: row.get(7),
    }
}

fn revision_row(row: &Row) -> RevisionRow {
    RevisionRow {
        procedure_id: row.get(0),
        kind: row.get(1),
        revision: row.get::<_, i64>(2) as u64,
        position: row.get::<_, i64>(3) as u64,
        event_type: row.get(4),
        recorded_at: row.get(5),
        published: row.get(6),
        body: row.get(7),
    }
}

/// The history rows, one statement whatever their number.
async fn write_revisions(
    client: &impl GenericClient,
    revisions: &[RevisionRow],
) -> Result<(), ReadStoreError> {
    if revisions.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = revisions.iter().map(|r| r.procedure_id.as_str()).collect();
    let numbers: Vec<i64> = revisions.iter().map(|r| r.revision as i64).collect();
    let kinds: Vec<&str> = revisions.iter().map(|r| r.kind.as_str()).collect();
    let positions: Vec<i64> = revisions.iter().map(|r| r.position as i64).collect();
    let types: Vec<&str> = revisions.iter().map(|r| r.event_type.as_str()).collect();
    let times: Vec<&str> = revisions.iter().map(|r| r.recorded_at.as_str()).collect();
    let published: Vec<bool> = revisions.iter().map(|r| r.published).collect();
    let bodies: Vec<&str> = revisions.iter().map(|r| r.body.as_str()).collect();
    client
        .execute(
            "INSERT INTO read_revisions (procedure_id, revision, kind, position, event_type, \
             recorded_at, published, body) \
             SELECT * FROM unnest($1::text[], $2::int8[], $3::text[], $4::int8[], $5::text[], \
             $6::text[], $7::bool[], $8::text[])",
            &[
                &ids, &numbers, &kinds, &positions, &types, &times, &published, &bodies,
            ],
        )
        .await
        .map_err(unavailable)?;
    Ok(())
}

fn event_row(row: &Row) -> PublicEventRow {
    PublicEventRow {
        position: row.get::<_, i64>(0) as u64,
        body: row.get(1),
    }
}

/// The public event log's rows, one statement whatever their number.
async fn write_events(
    client: &impl GenericClient,
    events: &[PublicEventRow],
) -> Result<(), ReadStoreError> {
    if events.is_empty() {
        return Ok(());
    }
    let positions: Vec<i64> = events.iter().map(|r| r.position as i64).collect();
    let bodies: Vec<&str> = events.iter().map(|r| r.body.as_str()).collect();
    client
        .execute(
            "INSERT INTO read_events (position, body) \
             SELECT * FROM unnest($1::int8[], $2::text[])",
            &[&positions, &bodies],
        )
        .await
        .map_err(unavailable)?;
    Ok(())
}

fn contract_row(row: &Row) -> ContractRow {
    ContractRow {
        procedure_id: row.get(0),
        contract_id: row.get(1),
        kind: row.get(2),
        revision: row.get::<_, i64>(3) as u64,
        position: row.get::<_, i64>(4) as u64,
        date_modified: row.get(5),
        status: row.get(6),
        body: row.get(7),
    }
}

/// One statement per table whatever the batch size (arrays unnested).
async fn write_rows(
    client: &impl GenericClient,
    documents: &[DocumentRow],
    feed: &[FeedRow],
    contracts: &[ContractRow],
) -> Result<(), ReadStoreError> {
    if !documents.is_empty() {
        let ids: Vec<&str> = documents.iter().map(|r| r.procedure_id.as_str()).collect();
        let kinds: Vec<&str> = documents.iter().map(|r| r.kind.as_str()).collect();
        let revisions: Vec<i64> = documents.iter().map(|r| r.revision as i64).collect();
        let positions: Vec<i64> = documents.iter().map(|r| r.position as i64).collect();
        let bodies: Vec<&str> = documents.iter().map(|r| r.body.as_str()).collect();
        client
            .execute(
                "INSERT INTO read_documents (procedure_id, kind, revision, position, body) \
                 SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::int8[], $5::text[]) \
                 ON CONFLICT (procedure_id) DO UPDATE SET kind = EXCLUDED.kind, \
                 revision = EXCLUDED.revision, position = EXCLUDED.position, body = EXCLUDED.body",
                &[&ids, &kinds, &revisions, &positions, &bodies],
            )
            .await
            .map_err(unavailable)?;
        let (keys, owners): (Vec<String>, Vec<&str>) = documents
            .iter()
            .flat_map(|row| {
                crate::model::referenced_bodies(&row.body)
                    .into_iter()
                    .map(|key| (key, row.procedure_id.as_str()))
            })
            .unzip();
        client
            .execute(
                "DELETE FROM read_public_bodies WHERE procedure_id = ANY($1::text[])",
                &[&ids],
            )
            .await
            .map_err(unavailable)?;
        client
            .execute(
                "INSERT INTO read_public_bodies (key, procedure_id)                  SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
                &[&keys, &owners],
            )
            .await
            .map_err(unavailable)?;
        write_search(client, documents).await?;
    }
    if !feed.is_empty() {
        let ids: Vec<&str> = feed.iter().map(|r| r.procedure_id.as_str()).collect();
        let kinds: Vec<&str> = feed.iter().map(|r| r.kind.as_str()).collect();
        let positions: Vec<i64> = feed.iter().map(|r| r.position as i64).collect();
        let modified: Vec<&str> = feed.iter().map(|r| r.date_modified.as_str()).collect();
        let statuses: Vec<&str> = feed.iter().map(|r| r.status.as_str()).collect();
        let methods: Vec<&str> = feed
            .iter()
            .map(|r| r.procurement_method_type.as_str())
            .collect();
        let owners: Vec<&str> = feed.iter().map(|r| r.owner.as_str()).collect();
        let disclosed: Vec<bool> = feed.iter().map(|r| r.bids_disclosed).collect();
        client
            .execute(
                "INSERT INTO read_feed (procedure_id, kind, position, date_modified, status, \
                 procurement_method_type, owner, bids_disclosed) \
                 SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[], \
                 $6::text[], $7::text[], $8::bool[]) \
                 ON CONFLICT (procedure_id) DO UPDATE SET kind = EXCLUDED.kind, \
                 position = EXCLUDED.position, date_modified = EXCLUDED.date_modified, \
                 status = EXCLUDED.status, procurement_method_type = EXCLUDED.procurement_method_type, \
                 owner = EXCLUDED.owner, bids_disclosed = EXCLUDED.bids_disclosed",
                &[
                    &ids, &kinds, &positions, &modified, &statuses, &methods, &owners, &disclosed,
                ],
            )
            .await
            .map_err(unavailable)?;
    }
    if !contracts.is_empty() {
        let procedures: Vec<&str> = contracts.iter().map(|r| r.procedure_id.as_str()).collect();
        let ids: Vec<&str> = contracts.iter().map(|r| r.contract_id.as_str()).collect();
        let kinds: Vec<&str> = contracts.iter().map(|r| r.kind.as_str()).collect();
        let revisions: Vec<i64> = contracts.iter().map(|r| r.revision as i64).collect();
        let positions: Vec<i64> = contracts.iter().map(|r| r.position as i64).collect();
        let modified: Vec<&str> = contracts.iter().map(|r| r.date_modified.as_str()).collect();
        let statuses: Vec<&str> = contracts.iter().map(|r| r.status.as_str()).collect();
        let bodies: Vec<&str> = contracts.iter().map(|r| r.body.as_str()).collect();
        client
            .execute(
                "INSERT INTO read_contracts (procedure_id, contract_id, kind, revision, position, \
                 date_modified, status, body) \
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::int8[], \
                 $6::text[], $7::text[], $8::text[]) \
                 ON CONFLICT (procedure_id, contract_id) DO UPDATE SET kind = EXCLUDED.kind, \
                 revision = EXCLUDED.revision, position = EXCLUDED.position, \
                 date_modified = EXCLUDED.date_modified, status = EXCLUDED.status, \
                 body = EXCLUDED.body",
                &[
                    &procedures,
                    &ids,
                    &kinds,
                    &revisions,
                    &positions,
                    &modified,
                    &statuses,
                    &bodies,
                ],
            )
            .await
            .map_err(unavailable)?;
    }
    Ok(())
}

/// The search rows of `documents` (see [`crate::search`]), one statement
/// per table.
async fn write_search(
    client: &impl GenericClient,
    documents: &[DocumentRow],
) -> Result<(), ReadStoreError> {
    let ids: Vec<&str> = documents.iter().map(|r| r.procedure_id.as_str()).collect();
    client
        .execute(
            "DELETE FROM read_search_facets WHERE procedure_id = ANY($1::text[])",
            &[&ids],
        )
        .await
        .map_err(unavailable)?;
    let rows: Vec<SearchRow> = documents
        .iter()
        .filter_map(SearchRow::from_document)
        .collect();
    let gone: Vec<&str> = documents
        .iter()
        .map(|r| r.procedure_id.as_str())
        .filter(|id| !rows.iter().any(|row| row.procedure_id == *id))
        .collect();
    if !gone.is_empty() {
        client
            .execute(
                "DELETE FROM read_search WHERE procedure_id = ANY($1::text[])",
                &[&gone],
            )
            .await
            .map_err(unavailable)?;
    }
    if rows.is_empty() {
        return Ok(());
    }
    let text = |field: fn(&SearchRow) -> &str| rows.iter().map(field).collect::<Vec<&str>>();
    let amount = |field: fn(&SearchRow) -> Option<rust_decimal::Decimal>| {
        rows.iter()
            .map(|row| field(row).map(|a| a.to_string()))
            .collect::<Vec<Option<String>>>()
    };
    let positions: Vec<i64> = rows.iter().map(|r| r.position as i64).collect();
    let bids: Vec<Option<i64>> = rows.iter().map(|r| r.bids.map(|b| b as i64)).collect();
    client
        .execute(
            "INSERT INTO read_search (procedure_id, kind, position, method, status, public_id, \
             buyer, classification, region, amount, currency, awarded, bids, date, date_modified, \
             tender_start, tender_end, auction_start, month, title, description) \
             SELECT a, b, c, d, e, f, g, h, i, j::numeric, k, l::numeric, m, n, o, p, q, r, s, t, u \
             FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[], $6::text[], \
             $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], \
             $13::int8[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], \
             $19::text[], $20::text[], $21::text[]) \
             AS x(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u) \
             ON CONFLICT (procedure_id) DO UPDATE SET kind = EXCLUDED.kind, \
             position = EXCLUDED.position, method = EXCLUDED.method, status = EXCLUDED.status, \
             public_id = EXCLUDED.public_id, buyer = EXCLUDED.buyer, \
             classification = EXCLUDED.classification, region = EXCLUDED.region, \
             amount = EXCLUDED.amount, currency = EXCLUDED.currency, \
             awarded = EXCLUDED.awarded, bids = EXCLUDED.bids, date = EXCLUDED.date, \
             date_modified = EXCLUDED.date_modified, tender_start = EXCLUDED.tender_start, \
             tender_end = EXCLUDED.tender_end, auction_start = EXCLUDED.auction_start, \
             month = EXCLUDED.month, title = EXCLUDED.title, description = EXCLUDED.description",
            &[
                &text(|r| &r.procedure_id),
                &text(|r| &r.kind),
                &positions,
                &text(|r| &r.method),
                &text(|r| &r.status),
                &text(|r| &r.public_id),
                &text(|r| &r.buyer),
                &text(|r| &r.classification),
                &text(|r| &r.region),
                &amount(|r| r.amount),
                &text(|r| &r.currency),
                &amount(|r| r.awarded),
                &bids,
                &text(|r| &r.date),
                &text(|r| &r.date_modified),
                &text(|r| &r.tender_start),
                &text(|r| &r.tender_end),
                &text(|r| &r.auction_start),
                &text(|r| &r.month),
                &text(|r| &r.title),
                &text(|r| &r.description),
            ],
        )
        .await
        .map_err(unavailable)?;
    let mut facets: Vec<&str> = Vec::new();
    let mut values: Vec<&str> = Vec::new();
    let mut owners: Vec<&str> = Vec::new();
    for row in &rows {
        for (facet, value) in &row.facets {
            facets.push(facet);
            values.push(value);
            owners.push(&row.procedure_id);
        }
    }
    client
        .execute(
            "INSERT INTO read_search_facets (facet, value, procedure_id) \
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING",
            &[&facets, &values, &owners],
        )
        .await
        .map_err(unavailable)?;
    Ok(())
}

fn postgres_params(params: &[Param]) -> Vec<Box<dyn tokio_postgres::types::ToSql + Sync + Send>> {
    params
        .iter()
        .map(
            |param| -> Box<dyn tokio_postgres::types::ToSql + Sync + Send> {
                match param {
                    Param::Text(text) => Box::new(text.clone()),
                    Param::Int(n) => Box::new(*n),
                }
            },
        )
        .collect()
}

/// Rows per page when digests are streamed and rebuilt read models copied.
const PAGE: usize = 1000;

/// Runs `sql` through a portal in `tx`, handing each row to `each`, a page
/// of [`PAGE`] rows at a time.
async fn digest_rows(
    tx: &deadpool_postgres::Transaction<'_>,
    sql: &str,
    mut each: impl FnMut(&Row),
) -> Result<(), ReadStoreError> {
    let statement = tx.prepare(sql).await.map_err(unavailable)?;
    let portal = tx.bind(&statement, &[]).await.map_err(unavailable)?;
    loop {
        let rows = tx
            .query_portal(&portal, PAGE as i32)
            .await
            .map_err(unavailable)?;
        rows.iter().for_each(&mut each);
        if rows.len() < PAGE {
            return Ok(());
        }
    }
}

async fn check_positions(client: &impl GenericClient, expected: u64) -> Result<(), ReadStoreError> {
    for (_, actual) in positions(client, true).await? {
        if actual != expected {
            return Err(ReadStoreError::Moved { expected, actual });
        }
    }
    Ok(())
}

#[async_trait]
impl ReadStore for PostgresReadStore {
    async fn positions(&self) -> Result<Vec<(&'static str, u64)>, ReadStoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        positions(&client, false).await
    }

    async fn apply(&self, batch: ChangeBatch) -> Result<(), ReadStoreError> {
        let mut client = self.pool.get().await.map_err(unavailable)?;
        let tx = client.transaction().await.map_err(unavailable)?;
        check_positions(&tx, batch.from).await?;
        write_rows(&tx, &batch.documents, &batch.feed, &batch.contracts).await?;
        write_revisions(&tx, &batch.revisions).await?;
        write_events(&tx, &batch.events).await?;
        tx.execute(
            "UPDATE read_positions SET position = $1",
            &[&(batch.to as i64)],
        )
        .await
        .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        self.analyze_if_grown(&client, batch.documents.len() as u64, false)
            .await;
        Ok(())
    }

    async fn document(&self, procedure_id: &str) -> Result<Option<DocumentRow>, ReadStoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        let statement = client
            .prepare_cached(
                "SELECT procedure_id, kind, revision, position, body FROM read_documents \
                 WHERE procedure_id = $1",
            )
            .await
            .map_err(unavailable)?;
        let row = client
            .query_opt(&statement, &[&procedure_id])
            .await
            .map_err(unavailable)?;
        Ok(row.as_ref().map(document_row))
    }

    async fn body_is_public(&self, key: &str) -> Result<bool, ReadStoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        let row = client
            .query_opt(
                "SELECT 1 FROM read_public_bodies WHERE key = $1 LIMIT 1",
                &[&key],
            )
            .await
            .map_err(unavailable)?;
        Ok(row.is_some())
    }

    async fn feed_row(&self, procedure_id: &str) -> Result<Option<FeedRow>, ReadStoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        let statement = client
            .prepare_cached(&format!(
                "SELECT {FEED_COLUMNS} FROM read_feed f WHERE f.procedure_id = $1"
            ))
            .await
            .map_err(unavailable)?;
        let row = client
            .query_opt(&statement, &[&procedure_id])
            .await
            .map_err(unavailable)?;
        Ok(row.as_ref().map(feed_row))
    }

    async fn documents(
        &self,
        procedure_ids: &[String],
    ) -> Result<HashMap<String, DocumentRow>, ReadStoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        let statement = client
            .prepare_cached(
                "SELECT procedure_id, kind, revision, position, body FROM read_documents \
                 WHERE procedure_id = ANY($1)",
            )
            .await
            .map_err(unavailable)?;
        let rows = client
            .query(&statement, &[&procedure_ids])
            .await
            .map_err(unavailable)?;
        Ok(rows
            .iter()
            .map(|row| {
                let row = document_row(row);
                (row.procedure_id.clone(), row)
            })
            .collect())
    }

    async fn public_events(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<PublicEventRow>, ReadStoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        let statement = client
            .prepare_cached(
                "SELECT position, body FROM read_events WHERE position > $1 \
                 ORDER BY position LIMIT $2",
            )
            .await
            .map_err(unavailable)?;
        let rows = client
            .query(&statement, &[&(after as i64), &(limit as i64)])
            .await
            .map_err(unavailable)?;
        Ok(rows.iter().map(event_row).collect())
    }

    async fn feed(&self, query: &FeedQuery) -> Result<Vec<FeedEntry>, ReadStoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        let (comparison, order) = if query.descending {
            ("<", "DESC")
        } else {
            (">", "ASC")
        };
        let offset: i64 = match (query.offset, query.descending) {
            (Some(offset), _) => offset as i64,
            (None, true) => i64::MAX,
            (None, false) => 0,
        };
        let body = if query.with_body {
            "d.body"
        } else {
            "NULL::text"
        };
        let sql = format!(
            "SELECT {FEED_COLUMNS}, {body} FROM read_feed f \
             JOIN read_documents d ON d.procedure_id = f.procedure_id \
             WHERE f.kind = ANY($1) AND f.position {comparison} $2 AND {NOT_DRAFT} \
             ORDER BY f.position {order} LIMIT $3"
        );
        let statement = client.prepare_cached(&sql).await.map_err(unavailable)?;
        let rows = client
            .query(&statement, &[&query.kinds, &offset, &(query.limit as i64)])
            .await
            .map_err(unavailable)?;
        Ok(rows
            .iter()
            .map(|row| FeedEntry {
                row: feed_row(row),
                body: row.get(8),
            })
            .collect())
    }

    async fn contract(&self, contract_id: &str) -> Result<Option<ContractRow>, ReadStoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        let statement = client
            .prepare_cached(&format!(
                "SELECT {CONTRACT_COLUMNS} FROM read_contracts c WHERE c.contract_id = $1 \
                 ORDER BY c.position DESC, c.procedure_id COLLATE \"C\" LIMIT 1"
            ))
            .await
            .map_err(unavailable)?;
        let row = client
            .query_opt(&statement, &[&contract_id])
            .await
            .map_err(unavailable)?;
        Ok(row.as_ref().map(contract_row))
    }

    async fn procedure_contracts(
        &self,
        procedure_ids: &[String],
    ) -> Result<Vec<ContractRow>, ReadStoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        let statement = client
            .prepare_cached(&format!(
                "SELECT {CONTRACT_COLUMNS} FROM read_contracts c WHERE c.procedure_id = ANY($1)"
            ))
            .await
            .map_err(unavailable)?;
        let rows = client
            .query(&statement, &[&procedure_ids])
            .await
            .map_err(unavailable)?;
        Ok(rows.iter().map(contract_row).collect())
    }

    async fn contracts_feed(&self, query: &FeedQuery) -> Result<Vec<ContractRow>, ReadStoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        // The last position of the page (the first `limit` contracts), then
        // every contract up to and including it.
        let (comparison, bound, edge, order) = if query.descending {
            ("<", ">=", "min", "DESC")
        } else {
            (">", "<=", "max", "ASC")
        };
        let offset: i64 = match (query.offset, query.descending) {
            (Some(offset), _) => offset as i64,
            (None, true) => i64::MAX,
            (None, false) => 0,
        };
        let sql = format!(
            "SELECT {CONTRACT_COLUMNS} FROM read_contracts c \
             WHERE c.kind = ANY($1) AND c.position {comparison} $2 \
             AND c.position {bound} (SELECT {edge}(page.position) FROM \
               (SELECT position FROM read_contracts WHERE kind = ANY($1) \
                AND position {comparison} $2 ORDER BY position {order} LIMIT $3) AS page) \
             ORDER BY c.position {order}, c.contract_id COLLATE \"C\" {order}, \
             c.procedure_id COLLATE \"C\" {order}"
        );
        let statement = client.prepare_cached(&sql).await.map_err(unavailable)?;
        let rows = client
            .query(&statement, &[&query.kinds, &offset, &(query.limit as i64)])
            .await
            .map_err(unavailable)?;
        Ok(rows.iter().map(contract_row).collect())
    }

    async fn snapshot(&self) -> Result<Snapshot, ReadStoreError> {
        let mut client = self.pool.get().await.map_err(unavailable)?;
        let tx = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(unavailable)?;
        let positions = positions(&tx, false).await?;
        let documents = tx
            .query(
                "SELECT procedure_id, kind, revision, position, body FROM read_documents \
                 ORDER BY procedure_id COLLATE \"C\"",
                &[],
            )
            .await
            .map_err(unavailable)?
            .iter()
            .map(document_row)
            .collect();
        let feed = tx
            .query(
                &format!(
                    "SELECT {FEED_COLUMNS} FROM read_feed f ORDER BY f.procedure_id COLLATE \"C\""
                ),
                &[],
            )
            .await
            .map_err(unavailable)?
            .iter()
            .map(feed_row)
            .collect();
        let contracts = tx
            .query(
                &format!(
                    "SELECT {CONTRACT_COLUMNS} FROM read_contracts c \
                     ORDER BY c.procedure_id COLLATE \"C\", c.contract_id COLLATE \"C\""
                ),
                &[],
            )
            .await
            .map_err(unavailable)?
            .iter()
            .map(contract_row)
            .collect();
        let revisions = tx
            .query(
                &format!(
                    "SELECT {REVISION_COLUMNS} FROM read_revisions r \
                     ORDER BY r.procedure_id COLLATE \"C\", r.revision"
                ),
                &[],
            )
            .await
            .map_err(unavailable)?
            .iter()
            .map(revision_row)
            .collect();
        let events = tx
            .query(
                "SELECT position, body FROM read_events ORDER BY position",
                &[],
            )
            .await
            .map_err(unavailable)?
            .iter()
            .map(event_row)
            .collect();
        tx.commit().await.map_err(unavailable)?;
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
    }

    async fn replace(&self, snapshot: Snapshot, expected: u64) -> Result<(), ReadStoreError> {
        let mut client = self.pool.get().await.map_err(unavailable)?;
        let tx = client.transaction().await.map_err(unavailable)?;
        check_positions(&tx, expected).await?;
        tx.batch_execute(CLEAR).await.map_err(unavailable)?;
        // In chunks of 1000 rows per table, enough chunks for the longest.
        let longest = snapshot
            .documents
            .len()
            .max(snapshot.feed.len())
            .max(snapshot.contracts.len());
        for chunk in 0..longest.div_ceil(1000) {
            let range = |len: usize| (chunk * 1000).min(len)..((chunk + 1) * 1000).min(len);
            write_rows(
                &tx,
                &snapshot.documents[range(snapshot.documents.len())],
                &snapshot.feed[range(snapshot.feed.len())],
                &snapshot.contracts[range(snapshot.contracts.len())],
            )
            .await?;
        }
        for chunk in snapshot.revisions.chunks(1000) {
            write_revisions(&tx, chunk).await?;
        }
        for chunk in snapshot.events.chunks(1000) {
            write_events(&tx, chunk).await?;
        }
        tx.execute(
            "UPDATE read_positions SET position = $1",
            &[&(snapshot.position() as i64)],
        )
        .await
        .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        self.analyze_if_grown(&client, snapshot.documents.len() as u64, true)
            .await;
        Ok(())
    }

    async fn digests(&self) -> Result<[Digest; DIGESTS], ReadStoreError> {
        let mut client = self.pool.get().await.map_err(unavailable)?;
        let tx = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(unavailable)?;
        let positions = positions(&tx, false).await?;
        let mut digester = Digester::default();
        digest_rows(
            &tx,
            "SELECT procedure_id, kind, revision, position, body FROM read_documents \
             ORDER BY procedure_id COLLATE \"C\"",
            |row| digester.document(&document_row(row)),
        )
        .await?;
        digest_rows(
            &tx,
            &format!(
                "SELECT {FEED_COLUMNS} FROM read_feed f ORDER BY f.procedure_id COLLATE \"C\""
            ),
            |row| digester.feed(&feed_row(row)),
        )
        .await?;
        digest_rows(
            &tx,
            &format!(
                "SELECT {CONTRACT_COLUMNS} FROM read_contracts c \
                 ORDER BY c.procedure_id COLLATE \"C\", c.contract_id COLLATE \"C\""
            ),
            |row| digester.contract(&contract_row(row)),
        )
        .await?;
        let mut fields_of = |row: &Row| {
            let fields: Vec<String> = (0..21)
                .map(|i| match i {
                    2 => row.get::<_, i64>(i).to_string(),
                    12 => row
                        .get::<_, Option<i64>>(i)
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                    9 | 11 => row
                        .get::<_, Option<String>>(i)
                        .map(|text| {
                            text.parse::<rust_decimal::Decimal>()
                                .map(|d| d.normalize().to_string())
                                .unwrap_or(text)
                        })
                        .unwrap_or_default(),
                    _ => row.get::<_, String>(i),
                })
                .collect();
            digester.search_row(&fields);
        };
        digest_rows(
            &tx,
            "SELECT procedure_id, kind, position, method, status, public_id, buyer, \
             classification, region, amount::text, currency, awarded::text, bids, date, \
             date_modified, tender_start, tender_end, auction_start, month, title, description \
             FROM read_search ORDER BY procedure_id",
            &mut fields_of,
        )
        .await?;
        digest_rows(
            &tx,
            "SELECT procedure_id, facet, value FROM read_search_facets \
             ORDER BY procedure_id, facet, value",
            |row| digester.search_facet(row.get(0), row.get(1), row.get(2)),
        )
        .await?;
        digest_rows(
            &tx,
            &format!(
                "SELECT {REVISION_COLUMNS} FROM read_revisions r \
                 ORDER BY r.procedure_id COLLATE \"C\", r.revision"
            ),
            |row| digester.revision(&revision_row(row)),
        )
        .await?;
        digest_rows(
            &tx,
            "SELECT position, body FROM read_events ORDER BY position",
            |row| digester.event(&event_row(row)),
        )
        .await?;
        tx.commit().await.map_err(unavailable)?;
        Ok(digester.finish(
            position_of(&positions, DOCUMENTS),
            position_of(&positions, FEED),
            position_of(&positions, CONTRACTS),
        ))
    }

    async fn replace_with(
        &self,
        rebuilt: &SqliteReadStore,
        expected: u64,
    ) -> Result<(), ReadStoreError> {
        let to = rebuilt
            .positions()
            .await?
            .iter()
            .map(|(_, p)| *p)
            .min()
            .unwrap_or(0);
        let mut client = self.pool.get().await.map_err(unavailable)?;
        let tx = client.transaction().await.map_err(unavailable)?;
        check_positions(&tx, expected).await?;
        tx.batch_execute(CLEAR).await.map_err(unavailable)?;
        // A page at a time from the rebuilt store (nobody writes it
        // meanwhile), each table in key order.
        let mut after = None;
        loop {
            let page = rebuilt.documents_page(after.take(), PAGE).await?;
            write_rows(&tx, &page, &[], &[]).await?;
            match page.last() {
                Some(last) if page.len() == PAGE => after = Some(last.procedure_id.clone()),
                _ => break,
            }
        }
        let mut after = None;
        loop {
            let page = rebuilt.feed_page(after.take(), PAGE).await?;
            write_rows(&tx, &[], &page, &[]).await?;
            match page.last() {
                Some(last) if page.len() == PAGE => after = Some(last.procedure_id.clone()),
                _ => break,
            }
        }
        let mut after = None;
        loop {
            let page = rebuilt.contracts_page(after.take(), PAGE).await?;
            write_rows(&tx, &[], &[], &page).await?;
            match page.last() {
                Some(last) if page.len() == PAGE => {
                    after = Some((last.procedure_id.clone(), last.contract_id.clone()))
                }
                _ => break,
            }
        }
        let mut after = None;
        loop {
            let page = rebuilt.revisions_page(after.take(), PAGE).await?;
            write_revisions(&tx, &page).await?;
            match page.last() {
                Some(last) if page.len() == PAGE => {
                    after = Some((last.procedure_id.clone(), last.revision))
                }
                _ => break,
            }
        }
        let mut after = 0;
        loop {
            let page = rebuilt.public_events(after, PAGE).await?;
            write_events(&tx, &page).await?;
            match page.last() {
                Some(last) if page.len() == PAGE => after = last.position,
                _ => break,
            }
        }
        tx.execute("UPDATE read_positions SET position = $1", &[&(to as i64)])
            .await
            .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        self.analyze_if_grown(&client, 0, true).await;
        Ok(())
    }

    async fn revisions(
        &self,
        query: &RevisionQuery,
    ) -> Result<Vec<RevisionChange>, ReadStoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        let (order, compare) = if query.descending {
            ("DESC", "<")
        } else {
            ("ASC", ">")
        };
        let offset = query
            .offset
            .map_or(if query.descending { i64::MAX } else { 0 }, |o| o as i64);
        let statement = client
            .prepare_cached(&format!(
                "SELECT {REVISION_COLUMNS}, p.published, p.body FROM read_revisions r \
                 LEFT JOIN read_revisions p \
                 ON p.procedure_id = r.procedure_id AND p.revision = r.revision - 1 \
                 WHERE r.published AND r.kind = ANY($1::text[]) AND r.position {compare} $2 \
                 ORDER BY r.position {order} LIMIT $3"
            ))
            .await
            .map_err(unavailable)?;
        let rows = client
            .query(&statement, &[&query.kinds, &offset, &(query.limit as i64)])
            .await
            .map_err(unavailable)?;
        Ok(rows
            .iter()
            .map(|row| RevisionChange {
                revision: revision_row(row),
                previous: match row.get::<_, Option<bool>>(8) {
                    Some(true) => row.get(9),
                    _ => None,
                },
            })
            .collect())
    }

    async fn procedure_revisions(
        &self,
        procedure_id: &str,
    ) -> Result<Vec<RevisionRow>, ReadStoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        let statement = client
            .prepare_cached(&format!(
                "SELECT {REVISION_COLUMNS} FROM read_revisions r \
                 WHERE r.procedure_id = $1 ORDER BY r.revision"
            ))
            .await
            .map_err(unavailable)?;
        let rows = client
            .query(&statement, &[&procedure_id])
            .await
            .map_err(unavailable)?;
        Ok(rows.iter().map(revision_row).collect())
    }

    async fn procedure_by_public_id(
        &self,
        public_id: &str,
    ) -> Result<Option<String>, ReadStoreError> {
        let client = self.pool.get().await.map_err(unavailable)?;
        let statement = client
            .prepare_cached(
                "SELECT procedure_id FROM read_search WHERE public_id = $1 \
                 ORDER BY procedure_id COLLATE \"C\" LIMIT 1",
            )
            .await
            .map_err(unavailable)?;
        let row = client
            .query_opt(&statement, &[&public_id])
            .await
            .map_err(unavailable)?;
        Ok(row.map(|row| row.get(0)))
    }

    async fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>, ReadStoreError> {
        let sql = search_sql(Dialect::Postgres, query);
        let client = self.pool.get().await.map_err(unavailable)?;
        let params = postgres_params(&sql.params);
        let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = params
            .iter()
            .map(|p| p.as_ref() as &(dyn tokio_postgres::types::ToSql + Sync))
            .collect();
        let statement = client
            .prepare_cached(&sql.text)
            .await
            .map_err(unavailable)?;
        let rows = client.query(&statement, &refs).await.map_err(unavailable)?;
        Ok(rows
            .iter()
            .map(|row| {
                let key: String = row.get(3);
                let key = match query.sort {
                    Sort::Value if key == "-1" => String::new(),
                    Sort::Value => key
                        .parse::<rust_decimal::Decimal>()
                        .map(|d| d.normalize().to_string())
                        .unwrap_or(key),
                    _ => key,
                };
                SearchHit {
                    procedure_id: row.get(0),
                    kind: row.get(1),
                    date_modified: row.get(2),
                    key,
                    body: row.get(4),
                }
            })
            .collect())
    }

    async fn stats(&self, query: &StatsQuery) -> Result<Vec<StatsRow>, ReadStoreError> {
        let sql = stats_sql(Dialect::Postgres, query);
        let client = self.pool.get().await.map_err(unavailable)?;
        let params = postgres_params(&sql.params);
        let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = params
            .iter()
            .map(|p| p.as_ref() as &(dyn tokio_postgres::types::ToSql + Sync))
            .collect();
        let statement = client
            .prepare_cached(&sql.text)
            .await
            .map_err(unavailable)?;
        let rows = client.query(&statement, &refs).await.map_err(unavailable)?;
        let groups = query.groups.len();
        rows.iter()
            .map(|row| {
                let keys = (0..groups)
                    .map(|i| row.get::<_, Option<String>>(i).unwrap_or_default())
                    .collect();
                let count = |i: usize| row.get::<_, i64>(groups + i);
                let text = |i: usize| row.get::<_, Option<String>>(groups + i);
                super::stats_row(
                    keys,
                    [count(0), count(1), count(2), count(4)],
                    [text(3), text(5), text(6)],
                )
            })
            .collect()
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}
