//! The change feeds, compatible with OpenProcurement's `?feed=changes`: a
//! collection's procedures, or every contract. Each entry appears at the
//! position of its last change, so paging by position sees every change
//! once, in commit order. What a feed lists is a [`Listing`]; the paging,
//! links, `opt_fields` and the live form are the same for all.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use projections::{ContractRow, FeedEntry, FeedQuery, ReadStore, ReadStoreError};
use serde_json::{Map, Value as Json, json};
use tokio::sync::watch;

use super::params::FeedParams;
use crate::error::ApiError;
use crate::reply;
use crate::server::AppState;

/// A collection of procedures with its own feed (`/api/2.5/tenders`, `/api/procedures`).
#[derive(Debug, Clone, Copy)]
pub struct Collection<'a> {
    pub path: &'a str,
    /// The procedure kinds listed (those registered in the collection).
    pub kinds: &'a [&'a str],
}

/// What a change feed lists: rows of one read model, paged by the position
/// of their last change.
#[async_trait]
pub trait Listing: Clone + Send + Sync + 'static {
    type Entry: Send + 'static;

    /// The page `query` asks for, in feed order.
    async fn page(
        &self,
        read: &dyn ReadStore,
        query: &FeedQuery,
    ) -> Result<Vec<Self::Entry>, ReadStoreError>;

    /// The position of the entry's last change: the offset after it.
    fn position(entry: &Self::Entry) -> u64;

    /// The entry as a feed item: `{"id", "dateModified", …opt_fields}`.
    fn item(entry: &Self::Entry, fields: &[String]) -> Json;

    /// A page's answer from its items and the links to this page, the next
    /// and the previous (`{"offset", "path", "uri"}`): by default the
    /// reference's `{"data", "next_page", "prev_page"}`.
    fn envelope(&self, items: Vec<Json>, links: PageLinks) -> Json {
        let mut body = Map::new();
        body.insert("data".into(), Json::Array(items));
        body.insert("next_page".into(), links.next);
        if let Some(previous) = links.previous {
            body.insert("prev_page".into(), previous);
        }
        Json::Object(body)
    }
}

/// The links of one page of a feed, each `{"offset", "path", "uri"}`.
#[derive(Debug, Clone)]
pub struct PageLinks {
    /// This page.
    pub this: Json,
    pub next: Json,
    /// Only when the client paged (an offset or `descending`).
    pub previous: Option<Json>,
}

/// Procedures of a collection (drafts left out by the read store).
#[derive(Debug, Clone, Copy)]
pub struct Procedures;

#[async_trait]
impl Listing for Procedures {
    type Entry = FeedEntry;

    async fn page(
        &self,
        read: &dyn ReadStore,
        query: &FeedQuery,
    ) -> Result<Vec<FeedEntry>, ReadStoreError> {
        read.feed(query).await
    }

    fn position(entry: &FeedEntry) -> u64 {
        entry.row.position
    }

    /// Optional fields come from the public document, so they can never
    /// show more than it does.
    fn item(entry: &FeedEntry, fields: &[String]) -> Json {
        let document: Option<Json> = entry
            .body
            .as_deref()
            .filter(|_| !fields.is_empty())
            .and_then(|body| serde_json::from_str(body).ok());
        item(
            &entry.row.procedure_id,
            &entry.row.date_modified,
            document.as_ref().and_then(|d| d.get("data")),
            fields,
        )
    }
}

/// Every contract of the procedures of the kinds listed.
#[derive(Debug, Clone, Copy)]
pub struct Contracts;

#[async_trait]
impl Listing for Contracts {
    type Entry = ContractRow;

    async fn page(
        &self,
        read: &dyn ReadStore,
        query: &FeedQuery,
    ) -> Result<Vec<ContractRow>, ReadStoreError> {
        read.contracts_feed(query).await
    }

    fn position(entry: &ContractRow) -> u64 {
        entry.position
    }

    /// Optional fields come from the contract as its procedure's public
    /// document shows it.
    fn item(entry: &ContractRow, fields: &[String]) -> Json {
        let contract: Option<Json> = Some(&entry.body)
            .filter(|_| !fields.is_empty())
            .and_then(|body| serde_json::from_str(body).ok());
        item(
            &entry.contract_id,
            &entry.date_modified,
            contract.as_ref(),
            fields,
        )
    }
}

/// `{"id", "dateModified", …}` with each of `fields` that `object` has.
fn item(id: &str, date_modified: &str, object: Option<&Json>, fields: &[String]) -> Json {
    let mut item = Map::new();
    item.insert("id".into(), json!(id));
    item.insert("dateModified".into(), json!(date_modified));
    for field in fields {
        if let Some(value) = object.and_then(|o| o.get(field)) {
            item.insert(field.clone(), value.clone());
        }
    }
    Json::Object(item)
}

/// How long a stream waits for a local projection before looking anyway
/// (another server may be the one projecting).
const STREAM_POLL: Duration = Duration::from_secs(1);

/// The procedures' change feed of `collection`.
pub async fn serve(
    state: &AppState,
    collection: Collection<'_>,
    params: FeedParams,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    serve_listing(state, collection, Procedures, params, headers).await
}

/// The change feed of what `listing` lists, at `feed.path`: pages, or with
/// `mode=stream` server-sent events.
pub async fn serve_listing<L: Listing>(
    state: &AppState,
    feed: Collection<'_>,
    listing: L,
    params: FeedParams,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let limit = params.limit()?;
    let fields = params.opt_fields();
    let since = match params.offset_time() {
        Some(time) => Some(super::since::offset_before(state.store.as_ref(), time).await?),
        None => None,
    };
    if params.stream() {
        let from = match since {
            Some(from) if !headers.contains_key("last-event-id") => from,
            _ => params.resume_from(headers)?,
        };
        return Ok(stream_changes(state, feed, listing, from, fields).into_response());
    }
    let descending = params.descending();
    let offset = match since {
        Some(offset) => Some(offset),
        None => params.offset()?,
    };
    let entries = if params.test_only() {
        // There are no test procedures (see `FeedParams::test_only`).
        Vec::new()
    } else {
        listing
            .page(
                state.read_store().as_ref(),
                &query(feed, offset, limit, descending, &fields),
            )
            .await
            .map_err(crate::write::store_failed)?
    };
    let data: Vec<Json> = entries.iter().map(|e| L::item(e, &fields)).collect();
    let next = entries
        .last()
        .map(L::position)
        .or(offset)
        .unwrap_or(if descending {
            super::params::MAX_POSITION
        } else {
            0
        });
    let previous = (offset.is_some() || descending).then(|| {
        let previous = entries.first().map(L::position).or(offset).unwrap_or(0);
        page_link(&state.public_url, feed, &params, previous, !descending)
    });
    let this = offset.unwrap_or(if descending {
        super::params::MAX_POSITION
    } else {
        0
    });
    let links = PageLinks {
        this: page_link(&state.public_url, feed, &params, this, descending),
        next: page_link(&state.public_url, feed, &params, next, descending),
        previous,
    };
    Ok(reply::json(
        StatusCode::OK,
        &listing.envelope(data, links),
        params.pretty(),
    ))
}

fn query(
    feed: Collection<'_>,
    offset: Option<u64>,
    limit: usize,
    descending: bool,
    fields: &[String],
) -> FeedQuery {
    FeedQuery {
        kinds: feed.kinds.iter().map(|k| (*k).to_owned()).collect(),
        offset,
        limit,
        descending,
        with_body: !fields.is_empty(),
    }
}

fn page_link(
    base: &reply::PublicUrl,
    feed: Collection<'_>,
    params: &FeedParams,
    offset: u64,
    descending: bool,
) -> Json {
    let path = format!("{}?{}", feed.path, params.link_query(offset, descending));
    json!({
        "offset": offset.to_string(),
        "path": path,
        "uri": reply::absolute_url(base, &path),
    })
}

struct Cursor<L: Listing> {
    read: Arc<dyn ReadStore>,
    applied: watch::Receiver<u64>,
    listing: L,
    query: FeedQuery,
    fields: Vec<String>,
    pending: VecDeque<L::Entry>,
    /// The offset after the last whole position sent.
    resume: u64,
}

/// Server-sent events: every change after `from`, then each new one as the
/// read models apply it. The event id is the offset to resume from: the
/// entry's position, except for an entry followed by others at the same
/// position (contracts changed by one event), whose id is where that
/// position's group began, so resuming from it loses none of the group.
fn stream_changes<L: Listing>(
    state: &AppState,
    feed: Collection<'_>,
    listing: L,
    from: u64,
    fields: Vec<String>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<L>> {
    let cursor = Cursor {
        read: Arc::clone(state.read_store()),
        applied: state.projector.applied(),
        listing,
        query: query(feed, Some(from), 100, false, &fields),
        fields,
        pending: VecDeque::new(),
        resume: from,
    };
    let events = stream::unfold(cursor, |mut cursor| async move {
        loop {
            if let Some(entry) = cursor.pending.pop_front() {
                let position = L::position(&entry);
                // Pages hold whole positions, so the group ends in `pending`.
                if cursor
                    .pending
                    .front()
                    .is_none_or(|next| L::position(next) != position)
                {
                    cursor.resume = position;
                }
                let event = Event::default()
                    .id(cursor.resume.to_string())
                    .data(L::item(&entry, &cursor.fields).to_string());
                return Some((Ok(event), cursor));
            }
            match cursor
                .listing
                .page(cursor.read.as_ref(), &cursor.query)
                .await
            {
                Ok(entries) if !entries.is_empty() => {
                    cursor.query.offset = entries.last().map(L::position);
                    cursor.pending.extend(entries);
                }
                Ok(_) => wait_for_more(&mut cursor.applied).await,
                Err(error) => {
                    tracing::warn!(%error, "change stream cannot read the feed; retrying");
                    tokio::time::sleep(STREAM_POLL).await;
                }
            }
        }
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}

/// Waits until the local projection moves (or a poll interval passes).
pub async fn wait_for_more(applied: &mut watch::Receiver<u64>) {
    if let Ok(Err(_)) = tokio::time::timeout(STREAM_POLL, applied.changed()).await {
        // The projector is gone (shutting down): just poll.
        tokio::time::sleep(STREAM_POLL).await;
    }
}
