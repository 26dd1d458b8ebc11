//! The public event log: `GET /api/2.5/events?offset=…&limit=…` and its
//! server-sent-events form (`mode=stream`). Each event is shown through its
//! procedure type's secrecy rules (`Published::public_event`), which depend
//! on the event alone, so an event reads the same whenever it is read: the
//! events that place or change a bid never show its contents, and an event
//! that withholds anything also withholds its hashes (with a hash anyone
//! could test guesses of what was withheld). Events are served up to the
//! position the read models have applied.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use commands::store::{EventStore, RecordedEvent};
use futures_util::stream::{self, Stream};
use projections::ReadStore;
use serde_json::{Map, Value as Json, json};
use tokio::sync::watch;

use super::changes::wait_for_more;
use super::params::FeedParams;
use crate::error::ApiError;
use crate::reply;
use crate::server::AppState;
use crate::write::store_failed;

pub const PATH: &str = "/api/2.5/events";

pub async fn read(
    State(state): State<AppState>,
    Query(params): Query<FeedParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let limit = params.limit()?;
    if params.stream() {
        let from = params.resume_from(&headers)?;
        return Ok(stream_events(&state, from).into_response());
    }
    let offset = params.offset()?.unwrap_or(0);
    let reader = Reader::new(&state);
    let events = reader.page(offset, limit).await.map_err(store_failed)?;
    let next = events.last().map_or(offset, |(position, _)| *position);
    let path = format!("{PATH}?{}", params.link_query(next, false));
    let body = json!({
        "data": events.into_iter().map(|(_, event)| event).collect::<Vec<_>>(),
        "next_page": {
            "offset": next.to_string(),
            "path": path,
            "uri": reply::absolute_url(&state.public_url, &path),
        },
    });
    Ok(reply::json(StatusCode::OK, &body, params.pretty()))
}

struct Reader {
    events: Arc<dyn EventStore>,
    read: Arc<dyn ReadStore>,
    applied: watch::Receiver<u64>,
    kinds: projections::Kinds,
}

impl Reader {
    fn new(state: &AppState) -> Self {
        Reader {
            events: Arc::clone(&state.store),
            read: Arc::clone(state.read_store()),
            applied: state.projector.applied(),
            kinds: state.registry.published().clone(),
        }
    }

    /// Up to `limit` public events after `offset`, with their positions.
    async fn page(&self, offset: u64, limit: usize) -> Result<Vec<(u64, Json)>, String> {
        let applied = projections::projector::applied_position(self.read.as_ref())
            .await
            .map_err(|e| e.to_string())?;
        if applied <= offset {
            return Ok(Vec::new());
        }
        let wanted = limit.min((applied - offset) as usize);
        let page = self
            .events
            .read_all(offset, wanted)
            .await
            .map_err(|e| e.to_string())?;
        let page: Vec<RecordedEvent> = page.into_iter().filter(|e| e.position <= applied).collect();
        let kinds = self.kinds(&page).await?;
        Ok(page
            .iter()
            .map(|event| {
                let kind = kinds.get(&event.procedure_id).map(String::as_str);
                (event.position, public(&self.kinds, event, kind))
            })
            .collect())
    }

    /// Each procedure's kind: from the feed read model, or the store for
    /// procedures without a document.
    async fn kinds(&self, page: &[RecordedEvent]) -> Result<HashMap<String, String>, String> {
        let mut ids: Vec<String> = page.iter().map(|e| e.procedure_id.clone()).collect();
        ids.sort_unstable();
        ids.dedup();
        let rows = self.read.feed_rows(&ids).await.map_err(|e| e.to_string())?;
        let mut kinds: HashMap<String, String> =
            rows.into_iter().map(|(id, row)| (id, row.kind)).collect();
        let unknown: Vec<String> = ids
            .into_iter()
            .filter(|id| !kinds.contains_key(id))
            .collect();
        if !unknown.is_empty() {
            kinds.extend(
                self.events
                    .procedure_kinds(&unknown)
                    .await
                    .map_err(|e| e.to_string())?,
            );
        }
        Ok(kinds)
    }
}

/// An event as the public may see it. Events of procedure types this build
/// cannot read are listed without data or hashes.
fn public(kinds: &projections::Kinds, event: &RecordedEvent, kind: Option<&str>) -> Json {
    let shown = kind.and_then(|kind| kinds.public_event(kind, event).ok());
    let (data, withheld) = shown.map_or((Json::Null, true), |shown| (shown.data, shown.withheld));
    let mut public = Map::new();
    public.insert("offset".into(), json!(event.position.to_string()));
    public.insert("position".into(), json!(event.position));
    public.insert("id".into(), json!(event.event_id));
    public.insert("type".into(), json!(event.event_type));
    public.insert("schemaVersion".into(), json!(event.schema_version));
    public.insert("procedureId".into(), json!(event.procedure_id));
    public.insert("procedureType".into(), json!(kind));
    public.insert("procedureVersion".into(), json!(event.procedure_version));
    public.insert("stream".into(), json!(event.stream_id));
    public.insert("streamVersion".into(), json!(event.stream_version));
    public.insert(
        "recordedAt".into(),
        json!(domain::time::format_kyiv(event.recorded_at)),
    );
    public.insert("data".into(), data);
    if !withheld {
        public.insert("prevHash".into(), json!(event.prev_hash));
        public.insert("hash".into(), json!(event.hash));
    }
    Json::Object(public)
}

struct Cursor {
    reader: Reader,
    offset: u64,
    pending: VecDeque<(u64, Json)>,
}

fn stream_events(
    state: &AppState,
    from: u64,
) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
    let cursor = Cursor {
        reader: Reader::new(state),
        offset: from,
        pending: VecDeque::new(),
    };
    let events = stream::unfold(cursor, |mut cursor| async move {
        loop {
            if let Some((position, event)) = cursor.pending.pop_front() {
                let sse = Event::default()
                    .id(position.to_string())
                    .data(event.to_string());
                return Some((Ok(sse), cursor));
            }
            match cursor.reader.page(cursor.offset, 500).await {
                Ok(page) if !page.is_empty() => {
                    cursor.offset = page.last().map_or(cursor.offset, |(p, _)| *p);
                    cursor.pending.extend(page);
                }
                Ok(_) => wait_for_more(&mut cursor.reader.applied).await,
                Err(error) => {
                    tracing::warn!(%error, "event stream cannot read the log; retrying");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                }
            }
        }
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}
