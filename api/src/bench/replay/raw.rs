//! The baseline of the replay benchmarks: every row of the log read with
//! the same driver the store uses (rusqlite, tokio-postgres), in pages of
//! the same size the replay commands read, and its `data` and `metadata`
//! decoded with serde_json. Nothing is checked or folded: this is the cost
//! of getting the log into memory, which no replay can avoid.

use std::path::Path;

use serde_json::Value as Json;

/// Rows per page, as `cdb replay verify` reads them.
const PAGE: i64 = 1000;

const SELECT: &str = "SELECT position, procedure_id, procedure_version, stream_id, \
     stream_version, event_id, event_type, schema_version, data, metadata, recorded_at, \
     prev_hash, hash FROM events WHERE position > $1 ORDER BY position LIMIT $2";

/// What a row holds once decoded (kept so the decoding is not optimised
/// away).
#[allow(dead_code)]
struct Row {
    position: i64,
    procedure_id: String,
    procedure_version: i64,
    stream_id: String,
    stream_version: i64,
    event_id: String,
    event_type: String,
    schema_version: i64,
    data: Json,
    metadata: Json,
    prev_hash: String,
    hash: String,
}

/// Reads and decodes every event of the SQLite log at `path`; answers how
/// many.
pub fn sqlite(path: &Path) -> Result<u64, String> {
    let connection =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| e.to_string())?;
    let sql = SELECT
        .replace("recorded_at,", "recorded_at_us,")
        .replace("$1", "?1")
        .replace("$2", "?2");
    let mut statement = connection.prepare(&sql).map_err(|e| e.to_string())?;
    let mut after = 0i64;
    let mut count = 0u64;
    loop {
        let page = statement
            .query_map([after, PAGE], |row| {
                let json = |index: usize| -> rusqlite::Result<Json> {
                    let text: String = row.get(index)?;
                    serde_json::from_str(&text).map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            index,
                            rusqlite::types::Type::Text,
                            Box::new(e),
                        )
                    })
                };
                let _recorded_at_us: i64 = row.get(10)?;
                Ok(Row {
                    position: row.get(0)?,
                    procedure_id: row.get(1)?,
                    procedure_version: row.get(2)?,
                    stream_id: row.get(3)?,
                    stream_version: row.get(4)?,
                    event_id: row.get(5)?,
                    event_type: row.get(6)?,
                    schema_version: row.get(7)?,
                    data: json(8)?,
                    metadata: json(9)?,
                    prev_hash: row.get(11)?,
                    hash: row.get(12)?,
                })
            })
            .map_err(|e| e.to_string())?
            .collect::<Result<Vec<Row>, _>>()
            .map_err(|e| e.to_string())?;
        let Some(last) = page.last() else { break };
        after = last.position;
        count += page.len() as u64;
    }
    Ok(count)
}

/// Reads and decodes every event of the PostgreSQL log at `url` (`jsonb`
/// columns are decoded by the driver with serde_json); answers how many.
pub async fn postgres(url: &str) -> Result<u64, String> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .map_err(|e| e.to_string())?;
    let connection = tokio::spawn(connection);
    let statement = client.prepare(SELECT).await.map_err(|e| e.to_string())?;
    let mut after = 0i64;
    let mut count = 0u64;
    loop {
        let rows = client
            .query(&statement, &[&after, &PAGE])
            .await
            .map_err(|e| e.to_string())?;
        let page = rows
            .iter()
            .map(|row| {
                let _recorded_at: chrono::DateTime<chrono::Utc> = row.try_get(10)?;
                Ok(Row {
                    position: row.try_get(0)?,
                    procedure_id: row.try_get(1)?,
                    procedure_version: row.try_get(2)?,
                    stream_id: row.try_get(3)?,
                    stream_version: row.try_get(4)?,
                    event_id: row.try_get(5)?,
                    event_type: row.try_get(6)?,
                    schema_version: i64::from(row.try_get::<_, i32>(7)?),
                    data: row.try_get(8)?,
                    metadata: row.try_get(9)?,
                    prev_hash: row.try_get(11)?,
                    hash: row.try_get(12)?,
                })
            })
            .collect::<Result<Vec<Row>, tokio_postgres::Error>>()
            .map_err(|e| e.to_string())?;
        let Some(last) = page.last() else { break };
        after = last.position;
        count += page.len() as u64;
    }
    drop(client);
    let _ = connection.await;
    Ok(count)
}
