//! The live channel: `GET /api/auctions/{id}/events` as server-sent events.
//! Each `view` event carries what `GET /api/auctions/{id}` would answer at
//! that moment (the participant's view with a valid link), sent when it
//! changes: after a commit to the procedure, and at every stage boundary,
//! so a page's countdown and current stage follow the server's schedule.
//! Each carries `serverTime`, so a page corrects its clock against it.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::{DateTime, Utc};
use futures_util::Stream;
use serde_json::Value as Json;
use std::sync::Arc;

use tokio::sync::broadcast;

use super::{LinkQuery, load, participant, view};
use crate::error::ApiError;
use crate::procedure::Viewed;
use crate::server::AppState;

/// The longest a stream waits before looking again (a frozen or adjusted
/// clock does not wake it at a boundary).
const LOOK_AGAIN: Duration = Duration::from_secs(15);

struct Follow {
    app: AppState,
    id: String,
    bidder: Option<String>,
    /// The procedures new commits touch.
    changes: broadcast::Receiver<Arc<str>>,
    /// The procedure as first loaded, used for the first event.
    loaded: Option<Box<dyn Viewed>>,
    /// The last view sent, without its `serverTime`.
    last: Option<Json>,
}

pub async fn events(
    State(app): State<AppState>,
    Path(id): Path<String>,
    query: LinkQuery,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let now = app.handler.clock().now();
    let bidder = participant(&app, &id, &query, now)?;
    let procedure = load(&app, &id).await?;
    // Refuses a link for a bid that takes no part before the stream starts.
    view(&app, procedure.as_ref(), bidder.as_deref(), now)?;
    let follow = Follow {
        changes: app.changes.subscribe(&app.store),
        app,
        id,
        bidder,
        loaded: Some(procedure),
        last: None,
    };
    let stream = futures_util::stream::unfold(follow, |mut follow| async move {
        let event = follow.next().await?;
        Some((Ok(event), follow))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

impl Follow {
    /// The next changed view; `None` ends the stream (the store went away
    /// or the procedure can no longer be read).
    async fn next(&mut self) -> Option<Event> {
        loop {
            let procedure = match self.loaded.take() {
                Some(procedure) => procedure,
                None => load(&self.app, &self.id).await.ok()?,
            };
            let clock = self.app.handler.clock();
            let now = clock.now();
            let mut data = view(&self.app, procedure.as_ref(), self.bidder.as_deref(), now).ok()?;
            let server_time = data
                .as_object_mut()
                .and_then(|data| data.remove("serverTime"));
            let wait = next_boundary(procedure.as_ref(), now)
                .and_then(|at| (at - now).to_std().ok())
                .map_or(LOOK_AGAIN, |span| {
                    (clock.real(span) + Duration::from_millis(1)).min(LOOK_AGAIN)
                });
            if self.last.as_ref() != Some(&data) {
                self.last = Some(data.clone());
                // The id is the moment of the view, which is all a client
                // may resume from: views are states, not a log.
                let id = server_time
                    .as_ref()
                    .and_then(Json::as_str)
                    .unwrap_or_default()
                    .to_owned();
                if let Some(server_time) = server_time {
                    data["serverTime"] = server_time;
                }
                return Event::default().event("view").id(id).json_data(&data).ok();
            }
            tokio::select! {
                () = self.changed() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
    }
}

impl Follow {
    /// Until a commit touches this stream's procedure (or, having lagged,
    /// it may have); never returns once the store is gone.
    async fn changed(&mut self) {
        loop {
            match self.changes.recv().await {
                Ok(id) if *id == *self.id => return,
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(_)) => return,
                Err(broadcast::error::RecvError::Closed) => std::future::pending().await,
            }
        }
    }
}

/// The first stage start or end after `now`.
fn next_boundary(procedure: &dyn Viewed, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    procedure
        .auction_stages()
        .iter()
        .flat_map(|stage| [stage.start, stage.end])
        .filter(|at| *at > now)
        .min()
}
