//! The ProZorro e-Catalogues port: profiles and framework agreements, read
//! when a priceQuotation tender is activated (`shared/spec/price-quotation.md`
//! §4–5). The handler fetches a [`CatalogueSnapshot`] with [`snapshot`]
//! before deciding; the decider applies the checks and the activation event
//! records the facts, so replay never asks the catalogue again.
//!
//! [`Catalogue`] answers `Ok(None)` for "not found" (a 422 from the decider)
//! and [`CatalogueError::Unavailable`] for anything that means "could not
//! ask" (the API answers 409 "Error while getting data from ProZorro
//! e-Catalogues: Connection closed. Try again later").
//!
//! Two adapters:
//!
//! * [`HttpCatalogue`] reads `GET BASE/profiles/{id}` and
//!   `GET BASE/agreements/{id}`, each answering `{"data": {...}}`; 404 means
//!   not found; connection failures, timeouts ([`DEFAULT_TIMEOUT`]), other
//!   non-2xx statuses and malformed bodies are [`CatalogueError::Unavailable`].
//!   Ids are percent-encoded as one path segment each. `http://` and
//!   `https://` (rustls with the Mozilla root certificates) are supported.
//! * [`FileCatalogue`] serves the same objects from a JSON file, for a
//!   stand-alone server and for tests. The file holds two optional arrays
//!   whose elements have exactly the shape of the HTTP `data` objects:
//!
//! ```json
//! {
//!   "profiles": [
//!     {"id": "655360-30230000-889652-40000777",
//!      "agreementID": "2e14a78a2074952d5a2d256c3c004dda",
//!      "status": "active"}
//!   ],
//!   "agreements": [
//!     {"id": "2e14a78a2074952d5a2d256c3c004dda",
//!      "status": "active",
//!      "contracts": [
//!        {"status": "active",
//!         "suppliers": [{"name": "…", "identifier": {…}, "scale": "micro"}]}
//!      ]}
//!   ]
//! }
//! ```
//!
//! `contracts` and `suppliers` default to empty; suppliers are copied as-is
//! into `shortlistedFirms`. In both adapters fields the CDB does not use are
//! ignored. An id may appear only once per array.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use domain::procedures::price_quotation::catalogue::{Agreement, CatalogueSnapshot, Profile};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// How long activation waits for the catalogue before giving up (409).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest catalogue answer read; anything longer is
/// [`CatalogueError::Unavailable`].
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// Connection failure, timeout, a non-2xx status other than 404, or a
    /// malformed answer.
    #[error("e-catalogue unavailable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait Catalogue: Send + Sync {
    /// The profile `id`, `None` if the catalogue does not know it.
    async fn profile(&self, id: &str) -> Result<Option<Profile>, CatalogueError>;
    /// The agreement `id`, `None` if the catalogue does not know it.
    async fn agreement(&self, id: &str) -> Result<Option<Agreement>, CatalogueError>;
}

/// Fetches each distinct profile (in item order) and the agreement. The first
/// failure stops the fetch: activation needs all of it or nothing.
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

/// The catalogue over HTTP.
#[derive(Debug, Clone)]
pub struct HttpCatalogue {
    base: reqwest::Url,
    client: reqwest::Client,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogueConfigError {
    #[error("{url} is not a usable catalogue base URL: {reason}")]
    BadUrl { url: String, reason: &'static str },
    #[error("cannot build an HTTP client: {0}")]
    Client(String),
}

#[derive(Deserialize)]
struct Envelope<T> {
    data: T,
}

/// The error and its causes, so "error sending request" says why.
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

impl HttpCatalogue {
    /// `base_url` is the API root, e.g. `http://catalogue.local/api`; a
    /// trailing slash is optional. `timeout` bounds each whole request
    /// (connect, headers and body).
    pub fn new(base_url: &str, timeout: Duration) -> Result<Self, CatalogueConfigError> {
        let bad = |reason| CatalogueConfigError::BadUrl {
            url: base_url.to_owned(),
            reason,
        };
        let mut base = reqwest::Url::parse(base_url).map_err(|_| bad("not a URL"))?;
        match base.scheme() {
            "http" | "https" => {}
            _ => return Err(bad("the scheme must be http or https")),
        }
        if base.cannot_be_a_base() || base.host().is_none() {
            return Err(bad("it has no host"));
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(bad("it must not have a query or fragment"));
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|e| CatalogueConfigError::Client(describe(&e)))?;
        Ok(HttpCatalogue { base, client })
    }

    async fn fetch<T: DeserializeOwned>(
        &self,
        collection: &str,
        id: &str,
    ) -> Result<Option<T>, CatalogueError> {
        // The URL library drops "." and ".." segments, which would turn the
        // request into a listing; such ids cannot exist in the catalogue.
        if matches!(id, "" | "." | "..") {
            return Ok(None);
        }
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| CatalogueError::Unavailable("the base URL cannot have a path".into()))?
            .pop_if_empty()
            .push(collection)
            .push(id);
        let unavailable =
            |message: String| CatalogueError::Unavailable(format!("GET {url}: {message}"));
        let mut response = self
            .client
            .get(url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| unavailable(describe(&e)))?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !status.is_success() {
            return Err(unavailable(status.to_string()));
        }
        let too_long = || unavailable(format!("answer longer than {MAX_RESPONSE_BYTES} bytes"));
        if response
            .content_length()
            .is_some_and(|length| length > MAX_RESPONSE_BYTES as u64)
        {
            return Err(too_long());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| unavailable(describe(&e)))?
        {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(too_long());
            }
            body.extend_from_slice(&chunk);
        }
        let envelope: Envelope<T> = serde_json::from_slice(&body)
            .map_err(|e| unavailable(format!("malformed answer: {e}")))?;
        Ok(Some(envelope.data))
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

/// The catalogue as a JSON file (format in the module docs), loaded once.
#[derive(Debug, Clone, Default)]
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

fn index_unique<T>(
    items: Vec<T>,
    id: impl Fn(&T) -> &str,
    kind: &str,
) -> Result<HashMap<String, T>, String> {
    let mut map = HashMap::with_capacity(items.len());
    for item in items {
        match map.entry(id(&item).to_owned()) {
            Entry::Occupied(entry) => {
                return Err(format!("{kind} {:?} appears more than once", entry.key()));
            }
            Entry::Vacant(entry) => {
                entry.insert(item);
            }
        }
    }
    Ok(map)
}

impl FileCatalogue {
    /// Reads and checks the file: valid JSON of the documented shape, each
    /// id at most once per array.
    pub fn load(path: &Path) -> Result<Self, CatalogueFileError> {
        let text = std::fs::read(path).map_err(|e| CatalogueFileError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        let parse = |message: String| CatalogueFileError::Parse {
            path: path.display().to_string(),
            message,
        };
        let file: CatalogueFile =
            serde_json::from_slice(&text).map_err(|e| parse(e.to_string()))?;
        Ok(FileCatalogue {
            profiles: index_unique(file.profiles, |p| &p.id, "profile").map_err(parse)?,
            agreements: index_unique(file.agreements, |a| &a.id, "agreement").map_err(parse)?,
        })
    }

    /// A catalogue holding exactly these objects (for tests); a repeated id
    /// keeps the last one.
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
