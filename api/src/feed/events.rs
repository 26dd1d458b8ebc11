//! The public event log: `GET /api/2.5/events?offset=…&limit=…` and its
//! server-sent-events form (`mode=stream`). Each event is shown through its
//! procedure type's secrecy rules (`Published::public_event`), which depend
//! on the event alone, so an event reads the same whenever it is read: the
//! events that place or change a bid never show its contents, and an event
//! that withholds anything also withholds its hashes (with a hash anyone
//! could test guesses of what was withheld). Events are served up to the
//! position the read models have applied, in the form the projection
//! stored them (`projections::public_events`).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use projections::{PublicEventRow, ReadStore};
use serde_json::json;
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
    let next = events.last().map_or(offset, |event| event.position);
    let path = format!("{PATH}?{}", params.link_query(next, false));
    let next_page = json!({
        "offset": next.to_string(),
        "path": path,
        "uri": reply::absolute_url(&state.public_url, &path),
    });
    // The stored events are compact JSON already: the page is put together
    // around them rather than parsed and written out again.
    let mut body =
        String::with_capacity(events.iter().map(|e| e.body.len() + 1).sum::<usize>() + 256);
    body.push_str("{\"data\":[");
    for (i, event) in events.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&event.body);
    }
    body.push_str("],\"next_page\":");
    body.push_str(&next_page.to_string());
    body.push('}');
    Ok(reply::stored_json(StatusCode::OK, body, params.pretty()))
}

struct Reader {
    read: Arc<dyn ReadStore>,
    applied: watch::Receiver<u64>,
}

impl Reader {
    fn new(state: &AppState) -> Self {
        Reader {
            read: Arc::clone(state.read_store()),
            applied: state.projector.applied(),
        }
    }

    /// Up to `limit` public events after `offset`. They are written with
    /// the feed's position, in the same transaction, so every row read is
    /// of an applied event.
    async fn page(&self, offset: u64, limit: usize) -> Result<Vec<PublicEventRow>, String> {
        self.read
            .public_events(offset, limit)
            .await
            .map_err(|e| e.to_string())
    }
}

struct Cursor {
    reader: Reader,
    offset: u64,
    pending: VecDeque<PublicEventRow>,
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
            if let Some(event) = cursor.pending.pop_front() {
                let sse = Event::default()
                    .id(event.position.to_string())
                    .data(event.body);
                return Some((Ok(sse), cursor));
            }
            match cursor.reader.page(cursor.offset, 500).await {
                Ok(page) if !page.is_empty() => {
                    cursor.offset = page.last().map_or(cursor.offset, |e| e.position);
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
