//! The change feed of a collection, compatible with OpenProcurement's
//! `?feed=changes`: each procedure appears at the position of its last
//! change, so paging by position sees every change once, in commit order.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use projections::{FeedEntry, FeedQuery, ReadStore};
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

/// How long a stream waits for a local projection before looking anyway
/// (another server may be the one projecting).
const STREAM_POLL: Duration = Duration::from_secs(1);

pub async fn serve(
    state: &AppState,
    collection: Collection<'_>,
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
        return Ok(stream_changes(state, collection, from, fields).into_response());
    }
    let descending = params.descending();
    let offset = match since {
        Some(offset) => Some(offset),
        None => params.offset()?,
    };
    let entries = state
        .read_store()
        .feed(&query(collection, offset, limit, descending, &fields))
        .await
        .map_err(crate::write::store_failed)?;
    let data: Vec<Json> = entries.iter().map(|e| item(e, &fields)).collect();
    let next = entries
        .last()
        .map(|e| e.row.position)
        .or(offset)
        .unwrap_or(if descending {
            super::params::MAX_POSITION
        } else {
            0
        });
    let mut body = Map::new();
    body.insert("data".into(), Json::Array(data));
    body.insert(
        "next_page".into(),
        page_link(&state.public_url, collection, &params, next, descending),
    );
    if offset.is_some() || descending {
        let previous = entries
            .first()
            .map(|e| e.row.position)
            .or(offset)
            .unwrap_or(0);
        body.insert(
            "prev_page".into(),
            page_link(
                &state.public_url,
                collection,
                &params,
                previous,
                !descending,
            ),
        );
    }
    Ok(reply::json(
        StatusCode::OK,
        &Json::Object(body),
        params.pretty(),
    ))
}

fn query(
    collection: Collection<'_>,
    offset: Option<u64>,
    limit: usize,
    descending: bool,
    fields: &[String],
) -> FeedQuery {
    FeedQuery {
        kinds: collection.kinds.iter().map(|k| (*k).to_owned()).collect(),
        offset,
        limit,
        descending,
        with_body: !fields.is_empty(),
    }
}

fn page_link(
    base: &reply::PublicUrl,
    collection: Collection<'_>,
    params: &FeedParams,
    offset: u64,
    descending: bool,
) -> Json {
    let path = format!(
        "{}?{}",
        collection.path,
        params.link_query(offset, descending)
    );
    json!({
        "offset": offset.to_string(),
        "path": path,
        "uri": reply::absolute_url(base, &path),
    })
}

/// `{"id", "dateModified", …opt_fields}`; optional fields come from the
/// public document, so they can never show more than it does.
fn item(entry: &FeedEntry, fields: &[String]) -> Json {
    let mut item = Map::new();
    item.insert("id".into(), json!(entry.row.procedure_id));
    item.insert("dateModified".into(), json!(entry.row.date_modified));
    if !fields.is_empty() {
        let document: Json = entry
            .body
            .as_deref()
            .and_then(|body| serde_json::from_str(body).ok())
            .unwrap_or(Json::Null);
        let data = document.get("data");
        for field in fields {
            if let Some(value) = data.and_then(|d| d.get(field)) {
                item.insert(field.clone(), value.clone());
            }
        }
    }
    Json::Object(item)
}

struct Cursor {
    read: Arc<dyn ReadStore>,
    applied: watch::Receiver<u64>,
    query: FeedQuery,
    fields: Vec<String>,
    pending: VecDeque<FeedEntry>,
}

/// Server-sent events: every change after `from`, then each new one as the
/// read models apply it. The event id is the offset to resume from.
fn stream_changes(
    state: &AppState,
    collection: Collection<'_>,
    from: u64,
    fields: Vec<String>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
    let cursor = Cursor {
        read: Arc::clone(state.read_store()),
        applied: state.projector.applied(),
        query: query(collection, Some(from), 100, false, &fields),
        fields,
        pending: VecDeque::new(),
    };
    let events = stream::unfold(cursor, |mut cursor| async move {
        loop {
            if let Some(entry) = cursor.pending.pop_front() {
                let event = Event::default()
                    .id(entry.row.position.to_string())
                    .data(item(&entry, &cursor.fields).to_string());
                return Some((Ok(event), cursor));
            }
            match cursor.read.feed(&cursor.query).await {
                Ok(entries) if !entries.is_empty() => {
                    cursor.query.offset = entries.last().map(|e| e.row.position);
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
