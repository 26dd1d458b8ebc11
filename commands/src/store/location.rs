//! Store URLs: which backend to open, and where.
//!
//! - `embedded` (the default): the SQLite file `cdb.sqlite3` in the data directory;
//! - `sqlite:PATH` or `sqlite://PATH`: an SQLite file at PATH;
//! - `postgres://…` or `postgresql://…`: a PostgreSQL database.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::postgres::{self, PostgresStore};
use super::sqlite::SqliteStore;
use super::{EventStore, StoreError};

pub const EMBEDDED_FILE: &str = "cdb.sqlite3";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    Sqlite(PathBuf),
    Postgres(String),
}

#[derive(Debug, thiserror::Error)]
#[error(
    "unsupported store URL {0:?}: expected `embedded`, `sqlite:PATH` or `postgres://user@host/db`"
)]
pub struct StoreLocationError(String);

impl StoreLocation {
    pub fn parse(url: &str, data_dir: &Path) -> Result<Self, StoreLocationError> {
        let url = url.trim();
        if url.is_empty() || url == "embedded" {
            return Ok(StoreLocation::Sqlite(data_dir.join(EMBEDDED_FILE)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return postgres::config(url)
                .map(|_| StoreLocation::Postgres(url.to_owned()))
                .map_err(|e| StoreLocationError(format!("{url}: {e}")));
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            && !path.is_empty()
        {
            return Ok(StoreLocation::Sqlite(PathBuf::from(path)));
        }
        Err(StoreLocationError(url.to_owned()))
    }

    /// Where the store lives, without credentials (for logs).
    pub fn describe(&self) -> String {
        match self {
            StoreLocation::Sqlite(path) => format!("embedded {}", path.display()),
            StoreLocation::Postgres(url) => match postgres::config(url) {
                Ok(config) => {
                    let hosts: Vec<String> = config
                        .get_hosts()
                        .iter()
                        .map(|host| match host {
                            tokio_postgres::config::Host::Tcp(name) => name.clone(),
                            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
                        })
                        .collect();
                    let port = config.get_ports().first().copied().unwrap_or(5432);
                    format!(
                        "postgres {}:{port}/{}",
                        hosts.join(","),
                        config.get_dbname().unwrap_or_default()
                    )
                }
                Err(_) => "postgres".into(),
            },
        }
    }
}

/// Opens the store; with `migrate`, creates or upgrades a PostgreSQL schema
/// first (the embedded store always creates its own).
pub async fn open_store(
    location: &StoreLocation,
    migrate: bool,
) -> Result<Arc<dyn EventStore>, StoreError> {
    match location {
        StoreLocation::Sqlite(path) => {
            let path = path.clone();
            let store = tokio::task::spawn_blocking(move || SqliteStore::open(&path))
                .await
                .map_err(|e| StoreError::Unavailable(e.to_string()))??;
            Ok(Arc::new(store))
        }
        StoreLocation::Postgres(url) => {
            if migrate {
                postgres::migrate(url).await?;
            }
            Ok(Arc::new(PostgresStore::connect(url, 16).await?))
        }
    }
}
