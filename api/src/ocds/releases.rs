//! `GET /api/2.5/ocds/releases`: one release per event that changed a
//! published document, in commit order, as a release package per page
//! (`links.next`, `links.prev` as in the OCDS pagination extension), or
//! with `mode=stream` one release per server-sent event. The parameters
//! are the change feeds' (`offset`, `limit`, `descending`, `mode`).

use std::sync::Arc;

use async_trait::async_trait;
use axum::extract::{Query as QueryParams, State};
use axum::http::HeaderMap;
use axum::response::Response;
use projections::{FeedQuery, ReadStore, ReadStoreError, RevisionQuery};
use serde_json::{Value as Json, json};

use super::RELEASES_PATH;
use super::mapping;
use crate::error::ApiError;
use crate::feed::changes::{self, Collection, Listing, PageLinks};
use crate::feed::params::FeedParams;
use crate::server::AppState;

/// The OCDS pagination extension, whose `links` a paged package has.
pub const PAGINATION_EXTENSION: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_pagination_extension/master/extension.json";

pub async fn serve(
    State(app): State<AppState>,
    QueryParams(params): QueryParams<FeedParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let kinds = app.registry.names();
    let feed = Collection {
        path: RELEASES_PATH,
        kinds: &kinds,
    };
    let listing = Releases {
        prefix: Arc::clone(&app.ocds_prefix),
    };
    changes::serve_listing(&app, feed, listing, params, &headers).await
}

/// The releases, mapped with the operator's ocid prefix.
#[derive(Debug, Clone)]
pub struct Releases {
    pub prefix: Arc<str>,
}

/// One release with the position of the event it is for.
pub struct Release {
    pub position: u64,
    pub release: Json,
}

#[async_trait]
impl Listing for Releases {
    type Entry = Release;

    /// Versions OCDS cannot express (a document of a type without a
    /// public id, such as a test-only type) are left out, with a warning:
    /// one of them must not stop everyone's releases. Reading goes on past
    /// them, so a page is empty only where the releases end.
    async fn page(
        &self,
        read: &dyn ReadStore,
        query: &FeedQuery,
    ) -> Result<Vec<Release>, ReadStoreError> {
        let mut revisions = RevisionQuery {
            kinds: query.kinds.clone(),
            offset: query.offset,
            limit: query.limit,
            descending: query.descending,
        };
        loop {
            let changes = read.revisions(&revisions).await?;
            let Some(last) = changes.last() else {
                return Ok(Vec::new());
            };
            revisions.offset = Some(last.revision.position);
            let releases: Vec<Release> = changes
                .iter()
                .filter_map(|change| match mapping::release(&self.prefix, change) {
                    Ok(release) => Some(Release {
                        position: change.revision.position,
                        release,
                    }),
                    Err(error) => {
                        tracing::warn!(%error, "a version left out of the OCDS releases");
                        None
                    }
                })
                .collect();
            if !releases.is_empty() {
                return Ok(releases);
            }
        }
    }

    fn position(entry: &Release) -> u64 {
        entry.position
    }

    fn item(entry: &Release, _fields: &[String]) -> Json {
        entry.release.clone()
    }

    fn envelope(&self, items: Vec<Json>, links: PageLinks) -> Json {
        let uri = |link: &Json| link["uri"].clone();
        let published = domain::time::format_kyiv(chrono::Utc::now());
        let mut package = ocds::package::release_package(
            &items,
            &published,
            links.this["uri"].as_str().unwrap_or_default(),
        );
        let mut extensions: Vec<Json> = package
            .get("extensions")
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default();
        extensions.push(json!(PAGINATION_EXTENSION));
        package["extensions"] = Json::Array(extensions);
        let mut paging = serde_json::Map::new();
        paging.insert("next".into(), uri(&links.next));
        if let Some(previous) = &links.previous {
            paging.insert("prev".into(), uri(previous));
        }
        package["links"] = Json::Object(paging);
        package
    }
}
