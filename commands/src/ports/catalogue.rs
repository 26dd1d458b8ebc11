//! The ProZorro e-Catalogues port: profiles and framework agreements, read
//! when a priceQuotation tender is activated.
//!
//! Two adapters: [`HttpCatalogue`] reads `GET BASE/profiles/{id}` and
//! `GET BASE/agreements/{id}` (each `{"data": {...}}`, 404 = not found) with
//! a short timeout; [`FileCatalogue`] serves the same objects from a JSON
//! file for the embedded default and tests:
//!
//! ```json
//! {"profiles":   [{"id": "…", "agreementID": "…", "status": "active"}],
//!  "agreements": [{"id": "…", "status": "active",
//!                  "contracts": [{"status": "active", "suppliers": [{…}]}]}]}
//! ```

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use domain::procedures::price_quotation::catalogue::{Agreement, CatalogueSnapshot, Profile};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// How long activation waits for the catalogue before giving up (409).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, thiserror::Error)]
pub enum CatalogueError {
    /// Connection failure, timeout, 5xx or a malformed answer.
    #[error("e-catalogue unavailable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait Catalogue: Send + Sync {
    async fn profile(&self, id: &str) -> Result<Option<Profile>, CatalogueError>;
    async fn agreement(&self, id: &str) -> Result<Option<Agreement>, CatalogueError>;
}

/// Fetches each distinct profile (in item order) and the agreement.
pub async fn snapshot(
    catalogue: &dyn Catalogue,
    profile_ids: &[String],
    agreement_id: &str,
) -> Result<CatalogueSnapshot, CatalogueError> {
    let mut profiles: Vec<(String, Option<Profile>)> = Vec::new();
    for id in profile_ids {
        if profiles.iter().any(|(known, _)| known == id) {
            continue;
        }
        profiles.push((id.clone(), catalogue.profile(id).await?));
    }
    let agreement = catalogue.agreement(agreement_id).await?;
    Ok(CatalogueSnapshot {
        profiles,
        agreement,
    })
}

pub struct HttpCatalogue {
    base: reqwest::Url,
    client: reqwest::Client,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogueConfigError {
    #[error("{0} is not an http(s) URL")]
    BadUrl(String),
    #[error("cannot build an HTTP client: {0}")]
    Client(String),
}

#[derive(Deserialize)]
struct Envelope<T> {
    data: T,
}

impl HttpCatalogue {
    pub fn new(base_url: &str, timeout: Duration) -> Result<Self, CatalogueConfigError> {
        let mut base = reqwest::Url::parse(base_url)
            .map_err(|_| CatalogueConfigError::BadUrl(base_url.to_owned()))?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(CatalogueConfigError::BadUrl(base_url.to_owned()));
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|e| CatalogueConfigError::Client(e.to_string()))?;
        Ok(HttpCatalogue { base, client })
    }

    async fn fetch<T: DeserializeOwned>(
        &self,
        collection: &str,
        id: &str,
    ) -> Result<Option<T>, CatalogueError> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|_| CatalogueError::Unavailable("bad base URL".into()))?
            .pop_if_empty()
            .push(collection)
            .push(id);
        let response = self
            .client
            .get(url.clone())
            .send()
            .await
            .map_err(|e| CatalogueError::Unavailable(format!("GET {url}: {e}")))?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !status.is_success() {
            return Err(CatalogueError::Unavailable(format!("GET {url}: {status}")));
        }
        let body: Envelope<T> = response
            .json()
            .await
            .map_err(|e| CatalogueError::Unavailable(format!("GET {url}: {e}")))?;
        Ok(Some(body.data))
    }
}

#[async_trait]
impl Catalogue for HttpCatalogue {
    async fn profile(&self, id: &str) -> Result<Option<Profile>, CatalogueError> {
        self.fetch("profiles", id).await
    }

    async fn agreement(&self, id: &str) -> Result<Option<Agreement>, CatalogueError> {
        self.fetch("agreements", id).await
    }
}

#[derive(Debug, Default, Deserialize)]
struct CatalogueFile {
    #[serde(default)]
    profiles: Vec<Profile>,
    #[serde(default)]
    agreements: Vec<Agreement>,
}

/// The catalogue as a file, loaded once.
#[derive(Debug, Default)]
pub struct FileCatalogue {
    profiles: HashMap<String, Profile>,
    agreements: HashMap<String, Agreement>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogueFileError {
    #[error("cannot read catalogue file {path}: {message}")]
    Read { path: String, message: String },
    #[error("catalogue file {path} is not valid: {message}")]
    Parse { path: String, message: String },
}

impl FileCatalogue {
    pub fn load(path: &Path) -> Result<Self, CatalogueFileError> {
        let text = std::fs::read_to_string(path).map_err(|e| CatalogueFileError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        let file: CatalogueFile =
            serde_json::from_str(&text).map_err(|e| CatalogueFileError::Parse {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
        Ok(FileCatalogue::from_parts(file.profiles, file.agreements))
    }

    pub fn from_parts(profiles: Vec<Profile>, agreements: Vec<Agreement>) -> Self {
        FileCatalogue {
            profiles: profiles.into_iter().map(|p| (p.id.clone(), p)).collect(),
            agreements: agreements.into_iter().map(|a| (a.id.clone(), a)).collect(),
        }
    }
}

#[async_trait]
impl Catalogue for FileCatalogue {
    async fn profile(&self, id: &str) -> Result<Option<Profile>, CatalogueError> {
        Ok(self.profiles.get(id).cloned())
    }

    async fn agreement(&self, id: &str) -> Result<Option<Agreement>, CatalogueError> {
        Ok(self.agreements.get(id).cloned())
    }
}
